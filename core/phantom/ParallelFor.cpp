#include "core/phantom/FloatDeterminism.h" // first: see there

#include "core/phantom/ParallelFor.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace cisterna::phantom {

unsigned workerCount(std::int64_t items) {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    return static_cast<unsigned>(std::clamp<std::int64_t>(items, 1, std::min(cores, 64u)));
}

void parallelFor(std::int64_t items, const std::function<void(std::int64_t, unsigned)>& work,
                 const Progress& progress, double from, double to, const std::string& message) {
    progress.report(from, message);
    if (items <= 0)
        return;
    const unsigned workers = workerCount(items);
    std::atomic<std::int64_t> next{0}, done{0};
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::condition_variable wake;
    unsigned finished = 0;
    std::exception_ptr failure;

    auto run = [&](unsigned worker) {
        try {
            while (!stop.load(std::memory_order_relaxed)) {
                const std::int64_t item = next.fetch_add(1);
                if (item >= items)
                    break;
                work(item, worker);
                const std::int64_t count = done.fetch_add(1) + 1;
                if (count * 10 / items != (count - 1) * 10 / items)
                    wake.notify_all(); // a tenth more is done: time to report
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex);
            if (!failure)
                failure = std::current_exception();
            stop = true;
        }
        std::lock_guard<std::mutex> lock(mutex);
        ++finished;
        wake.notify_all();
    };

    std::vector<std::thread> pool;
    auto joinAll = [&] {
        for (std::thread& t : pool)
            if (t.joinable())
                t.join();
    };
    try {
        for (unsigned w = 0; w < workers; ++w)
            pool.emplace_back(run, w);
        double reported = 0;
        for (;;) {
            {
                std::unique_lock<std::mutex> lock(mutex);
                if (finished < pool.size())
                    wake.wait_for(lock, std::chrono::milliseconds(20));
                if (finished == pool.size())
                    break;
            }
            progress.throwIfCancelled(); // between reports too, so cancel is prompt
            const double fraction = static_cast<double>(done.load()) / static_cast<double>(items);
            if (fraction - reported >= 0.1) {
                reported = fraction;
                progress.report(from + (to - from) * fraction, message);
            }
        }
    } catch (...) {
        stop = true;
        joinAll();
        throw;
    }
    joinAll();
    if (failure)
        std::rethrow_exception(failure);
}

} // namespace cisterna::phantom
