#include "core/volume/ZeroPages.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <vector>

namespace cisterna {
namespace {

std::size_t pageSize() {
    static const std::size_t size = std::size_t(::sysconf(_SC_PAGESIZE));
    return size;
}

// The whole pages inside [p, p + bytes): first page start and the page count.
struct PageSpan {
    std::uintptr_t first = 0;
    std::size_t count = 0;
};

PageSpan innerPages(const void* p, std::size_t bytes) {
    const std::size_t page = pageSize();
    const std::uintptr_t begin = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t first = (begin + page - 1) / page * page;
    const std::uintptr_t end = (begin + bytes) / page * page;
    return {first, end > first ? std::size_t((end - first) / page) : 0};
}

} // namespace

bool allZeroBytes(const void* p, std::size_t bytes) {
    const auto* b = static_cast<const unsigned char*>(p);
    std::size_t i = 0;
    // Eight words per step: the compiler vectorises the OR, and zero is the common case.
    for (; i + 64 <= bytes; i += 64) {
        std::uint64_t w[8];
        std::memcpy(w, b + i, 64);
        if ((w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7]) != 0)
            return false;
    }
    for (; i < bytes; ++i)
        if (b[i] != 0)
            return false;
    return true;
}

std::uint64_t releaseZeroPages(Volume& volume) {
    if (volume.isNull() || !volume.isContiguous())
        return 0;
    const std::size_t page = pageSize();
    const PageSpan span = innerPages(volume.data(), std::size_t(volume.byteCount()));
    std::uint64_t released = 0;
    // Runs of zero pages are given back with one call each.
    std::size_t runStart = 0, runLength = 0;
    const auto flush = [&] {
        if (runLength > 0 && ::madvise(reinterpret_cast<void*>(span.first + runStart * page),
                                       runLength * page, MADV_DONTNEED) == 0)
            released += runLength * page;
        runLength = 0;
    };
    for (std::size_t i = 0; i < span.count; ++i) {
        if (allZeroBytes(reinterpret_cast<const void*>(span.first + i * page), page)) {
            if (runLength == 0)
                runStart = i;
            ++runLength;
        } else {
            flush();
        }
    }
    flush();
    return released;
}

std::uint64_t residentBytes(const Volume& volume) {
    if (volume.isNull() || volume.byteCount() == 0)
        return 0;
    const std::size_t page = pageSize();
    const std::uintptr_t begin = reinterpret_cast<std::uintptr_t>(volume.data());
    const std::uintptr_t first = begin / page * page;
    const std::uintptr_t end = begin + std::uintptr_t(volume.byteCount());
    const std::size_t count = std::size_t((end - first + page - 1) / page);
    std::vector<unsigned char> resident(count);
    if (::mincore(reinterpret_cast<void*>(first), count * page, resident.data()) != 0)
        return std::uint64_t(volume.byteCount()); // unknown: count it all
    std::uint64_t pages = 0;
    for (unsigned char r : resident)
        pages += r & 1;
    return pages * page;
}

} // namespace cisterna
