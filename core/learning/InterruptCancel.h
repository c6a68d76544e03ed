#pragma once
// For command-line jobs: the first Ctrl+C (SIGINT) or SIGTERM cancels the job
// cooperatively (training writes its checkpoint and returns); a second one ends the
// process the usual way. Restores the previous handlers when destroyed.
#include "core/util/Progress.h"

#include <csignal>
#include <memory>

namespace cisterna {

class InterruptCancel {
public:
    explicit InterruptCancel(std::shared_ptr<CancelToken> token);
    ~InterruptCancel();
    InterruptCancel(const InterruptCancel&) = delete;
    InterruptCancel& operator=(const InterruptCancel&) = delete;

private:
    std::shared_ptr<CancelToken> token_;
    struct sigaction previousInt_ {};
    struct sigaction previousTerm_ {};
};

} // namespace cisterna
