#pragma once
// The most resident memory this process has held so far, for benchmarks' figures.
#include <sys/resource.h>

#include <cstdint>

namespace cisterna {

inline std::uint64_t peakResidentBytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return std::uint64_t(usage.ru_maxrss) * 1024; // Linux reports KiB
}

} // namespace cisterna
