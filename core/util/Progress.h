#pragma once
// Progress reporting and cooperative cancellation for long jobs. Jobs call
// report() now and then; report() throws Cancelled once cancel() was called, so a
// job stops at its next report without any extra checks in its inner loops.
#include "core/util/Error.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace cisterna {

class CancelToken {
public:
    void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return cancelled_.load(std::memory_order_relaxed); }

private:
    std::atomic<bool> cancelled_{false};
};

// fraction in [0, 1]; message says what is being done ("reading chunk 3 of 12").
using ProgressCallback = std::function<void(double fraction, const std::string& message)>;

class Progress {
public:
    Progress() = default;
    Progress(ProgressCallback callback, std::shared_ptr<const CancelToken> cancel = nullptr)
        : callback_(std::move(callback)), cancel_(std::move(cancel)) {}

    void report(double fraction, const std::string& message = {}) const {
        throwIfCancelled();
        if (callback_)
            callback_(fraction, message);
    }
    void throwIfCancelled() const {
        if (cancel_ && cancel_->isCancelled())
            throw Cancelled();
    }

private:
    ProgressCallback callback_;
    std::shared_ptr<const CancelToken> cancel_;
};

} // namespace cisterna
