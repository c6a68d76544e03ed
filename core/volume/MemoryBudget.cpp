#include "core/volume/MemoryBudget.h"

#include "core/util/Error.h"
#include "core/util/Text.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <mutex>
#include <sstream>
#include <unistd.h>

namespace cisterna {
namespace {

std::mutex overrideMutex;
std::optional<std::uint64_t> limitOverride;
bool environmentRead = false;
bool limitIsTotal = false; // CISTERNA_MEMORY_LIMIT: the process's total, not what is free

std::uint64_t residentSetBytes() {
    std::ifstream in("/proc/self/statm");
    std::uint64_t size = 0, resident = 0;
    if (!(in >> size >> resident))
        return 0;
    return resident * std::uint64_t(::sysconf(_SC_PAGESIZE));
}

std::optional<std::uint64_t> readMemAvailable() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    std::uint64_t kib = 0;
    std::string unit;
    while (in >> key >> kib >> unit)
        if (key == "MemAvailable:")
            return kib * 1024;
    return std::nullopt;
}

std::optional<std::uint64_t> readNumberFile(const char* path) {
    std::ifstream in(path);
    std::string text;
    if (!(in >> text) || text == "max")
        return std::nullopt;
    try {
        return std::stoull(text);
    } catch (...) {
        return std::nullopt;
    }
}

std::optional<std::uint64_t> cgroupHeadroom() {
    // cgroup v2 first, then v1. A container's limit is what the kernel enforces.
    auto limit = readNumberFile("/sys/fs/cgroup/memory.max");
    auto usage = readNumberFile("/sys/fs/cgroup/memory.current");
    if (!limit) {
        limit = readNumberFile("/sys/fs/cgroup/memory/memory.limit_in_bytes");
        usage = readNumberFile("/sys/fs/cgroup/memory/memory.usage_in_bytes");
    }
    if (!limit || *limit > (std::uint64_t(1) << 60))
        return std::nullopt;
    const std::uint64_t used = usage.value_or(0);
    return used >= *limit ? 0 : *limit - used;
}

} // namespace

std::optional<std::uint64_t> parseByteSize(const std::string& text) {
    if (text.empty())
        return std::nullopt;
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || value < 0)
        return std::nullopt;
    double scale = 1;
    switch (*end) {
    case 'k':
    case 'K':
        scale = 1024.0;
        break;
    case 'm':
    case 'M':
        scale = 1024.0 * 1024;
        break;
    case 'g':
    case 'G':
        scale = 1024.0 * 1024 * 1024;
        break;
    case 't':
    case 'T':
        scale = 1024.0 * 1024 * 1024 * 1024;
        break;
    default:
        break;
    }
    return static_cast<std::uint64_t>(value * scale);
}

void setMemoryLimitOverride(std::optional<std::uint64_t> bytes) {
    std::lock_guard<std::mutex> lock(overrideMutex);
    limitOverride = bytes;
    limitIsTotal = false;
    environmentRead = true;
}

std::uint64_t availableMemoryBytes() {
    {
        std::lock_guard<std::mutex> lock(overrideMutex);
        if (!environmentRead) {
            environmentRead = true;
            if (const char* env = std::getenv("CISTERNA_MEMORY_LIMIT")) {
                limitOverride = parseByteSize(env);
                limitIsTotal = limitOverride.has_value();
            } else if (const char* fixed = std::getenv("CISTERNA_MEMORY_AVAILABLE")) {
                limitOverride = parseByteSize(fixed);
            }
        }
        if (limitOverride && !limitIsTotal)
            return *limitOverride;
        if (limitOverride) {
            const std::uint64_t used = residentSetBytes();
            return used < *limitOverride ? *limitOverride - used : 0;
        }
    }
    std::uint64_t available =
        readMemAvailable().value_or(std::numeric_limits<std::uint64_t>::max());
    if (auto headroom = cgroupHeadroom())
        available = std::min(available, *headroom);
    return available;
}

std::string humanBytesOf(std::uint64_t bytes) {
    return humanBytes(bytes);
}

void requireMemory(std::uint64_t bytes, const std::string& what) {
    const std::uint64_t available = availableMemoryBytes();
    if (bytes > available)
        throw MemoryBudgetError("Not enough memory for the " + what + ": it needs " +
                                humanBytes(bytes) + " but only " + humanBytes(available) +
                                " is available.");
}

std::uint64_t checkedByteCount(const Shape3& shape, std::size_t bytesPerVoxel,
                               const std::string& what) {
    if (shape.z < 0 || shape.y < 0 || shape.x < 0)
        throw InvalidArgument("the " + what + " has a negative extent " + toString(shape));
    std::uint64_t bytes = bytesPerVoxel;
    const std::uint64_t limit =
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    for (std::int64_t extent : {shape.z, shape.y, shape.x})
        if (__builtin_mul_overflow(bytes, static_cast<std::uint64_t>(extent), &bytes) ||
            bytes > limit)
            throw MemoryBudgetError("Not enough memory for the " + what + " of shape " +
                                    toString(shape) + ": it needs more than 8 EiB.");
    return static_cast<std::uint64_t>(bytes);
}

Box3 centredBoxWithin(const Shape3& shape, std::uint64_t bytesPerVoxel, std::uint64_t budget) {
    const std::int64_t extent[3] = {shape.z, shape.y, shape.x};
    std::int64_t size[3] = {shape.z, shape.y, shape.x};
    auto bytes = [&] {
        return double(size[0]) * double(size[1]) * double(size[2]) * double(bytesPerVoxel);
    };
    if (bytes() > double(budget)) {
        // Shrink by the cube root of the excess, then step the largest axis down until
        // it fits (an axis pinned at one voxel leaves the others more to lose).
        const double f = std::cbrt(double(budget) / bytes());
        for (int a = 0; a < 3; ++a)
            size[a] = std::max<std::int64_t>(1, std::int64_t(double(extent[a]) * f));
        while (bytes() > double(budget)) {
            int largest = 0;
            for (int a = 1; a < 3; ++a)
                if (size[a] > size[largest])
                    largest = a;
            if (size[largest] == 1)
                break;
            size[largest] = std::max<std::int64_t>(1, size[largest] * 15 / 16);
        }
    }
    Box3 box;
    box.size = {size[0], size[1], size[2]};
    box.begin = {(shape.z - size[0]) / 2, (shape.y - size[1]) / 2, (shape.x - size[2]) / 2};
    return box;
}

} // namespace cisterna
