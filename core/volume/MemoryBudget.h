#pragma once
// Checks that something fits in memory before it is allocated, so the user reads
// "needs 8.0 GiB, 3.1 GiB available" instead of the kernel killing the program.
#include "core/volume/Geometry.h"

#include <cstdint>
#include <optional>
#include <string>

namespace cisterna {

// Memory this process may still use: the smaller of the system's MemAvailable and
// the cgroup limit minus usage, or the override below when set.
std::uint64_t availableMemoryBytes();

// Users and benchmarks can pretend to have less memory than the machine has: with
// the environment variable CISTERNA_MEMORY_LIMIT (bytes, or with a K/M/G suffix) the
// process may use that much in all, so what is available is the limit minus what it
// already holds (its resident set), as MemAvailable falls on a real machine while
// the process allocates. Tests set a fixed amount available instead (this call, or
// CISTERNA_MEMORY_AVAILABLE for a process they start).
void setMemoryLimitOverride(std::optional<std::uint64_t> bytes);
// "4G", "512M", "1.5g", "65536": bytes with an optional K/M/G/T suffix (powers of
// 1024); nullopt when the text is not such a size.
std::optional<std::uint64_t> parseByteSize(const std::string& text);

// Throws MemoryBudgetError if `bytes` for `what` does not fit in what is available.
void requireMemory(std::uint64_t bytes, const std::string& what);

// Voxel count times bytes per voxel, throwing (rather than wrapping around) when a
// lying header asks for more than 2^64 bytes or a negative extent.
std::uint64_t checkedByteCount(const Shape3& shape, std::size_t bytesPerVoxel,
                               const std::string& what);

std::string humanBytesOf(std::uint64_t bytes);

// The largest box centred in `shape`, each axis shrunk by the same factor (but never
// below one voxel), whose voxels at `bytesPerVoxel` fit in `budget`: a part of a volume
// that does not fit in memory, to open instead of the whole. The whole shape when it
// fits.
Box3 centredBoxWithin(const Shape3& shape, std::uint64_t bytesPerVoxel, std::uint64_t budget);

} // namespace cisterna
