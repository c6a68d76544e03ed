#pragma once
// Wall-clock seconds since construction or the last restart(), for the timings that
// jobs report in their statistics.
#include <chrono>

namespace cisterna {

class Stopwatch {
public:
    double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
    void restart() { start_ = Clock::now(); }

private:
    using Clock = std::chrono::steady_clock;
    Clock::time_point start_ = Clock::now();
};

} // namespace cisterna
