#include "core/volume/ZeroPages.h"

#include <fcntl.h>
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

UntouchedPages::UntouchedPages(const void* p, std::size_t bytes) {
    if (bytes == 0)
        return;
    const std::size_t page = pageSize();
    const std::uintptr_t begin = reinterpret_cast<std::uintptr_t>(p);
    first_ = begin / page * page;
    const std::size_t count = std::size_t((begin + bytes - first_ + page - 1) / page);
    const int fd = ::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    // One 64-bit entry per page: bit 63 present, bit 62 swapped. Read in pieces of
    // 64 Ki pages (512 KiB of entries, 256 MiB of memory).
    flags_.assign(count, 0);
    std::vector<std::uint64_t> entries(std::min<std::size_t>(count, 65536));
    bool ok = true;
    for (std::size_t done = 0; ok && done < count;) {
        const std::size_t n = std::min(entries.size(), count - done);
        const off_t offset = off_t((first_ / page + done) * sizeof(std::uint64_t));
        const ssize_t got = ::pread(fd, entries.data(), n * sizeof(std::uint64_t), offset);
        if (got != ssize_t(n * sizeof(std::uint64_t))) {
            ok = false;
            break;
        }
        for (std::size_t i = 0; i < n; ++i) {
            const bool untouched = (entries[i] >> 62 & 3) == 0;
            flags_[done + i] = untouched;
            anyUntouched_ |= untouched;
        }
        done += n;
    }
    ::close(fd);
    if (!ok) {
        flags_.clear();
        anyUntouched_ = false;
    }
}

bool UntouchedPages::untouched(const void* p, std::size_t bytes) const {
    if (!anyUntouched_ || bytes == 0)
        return false;
    const std::size_t page = pageSize();
    const std::uintptr_t begin = reinterpret_cast<std::uintptr_t>(p);
    if (begin < first_)
        return false;
    const std::size_t a = (begin - first_) / page, b = (begin + bytes - 1 - first_) / page;
    if (b >= flags_.size())
        return false;
    for (std::size_t i = a; i <= b; ++i)
        if (!flags_[i])
            return false;
    return true;
}

std::size_t UntouchedPages::untouchedRunFrom(const void* p) const {
    if (!anyUntouched_)
        return 0;
    const std::size_t page = pageSize();
    const std::uintptr_t begin = reinterpret_cast<std::uintptr_t>(p);
    if (begin < first_)
        return 0;
    std::size_t i = (begin - first_) / page;
    if (i >= flags_.size() || !flags_[i])
        return 0;
    while (i < flags_.size() && flags_[i])
        ++i;
    return std::size_t(first_ + i * page - begin);
}

bool allZeroBytes(const void* p, std::size_t bytes, const UntouchedPages& pages) {
    const auto* b = static_cast<const unsigned char*>(p);
    const std::size_t page = pageSize();
    // Page by page (a lookup per page, so rows of a layer cost no walk along a run).
    for (std::size_t i = 0; i < bytes;) {
        const std::uintptr_t here = reinterpret_cast<std::uintptr_t>(b + i);
        const std::size_t n = std::min(bytes - i, std::size_t((here / page + 1) * page - here));
        if (!pages.untouched(b + i, n) && !allZeroBytes(b + i, n))
            return false;
        i += n;
    }
    return true;
}

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
    // Pages never touched are zero already: not read (reading would fault them in).
    const UntouchedPages untouched(reinterpret_cast<const void*>(span.first), span.count * page);
    for (std::size_t i = 0; i < span.count; ++i) {
        const void* at = reinterpret_cast<const void*>(span.first + i * page);
        if (untouched.untouched(at, page)) {
            flush();
            continue;
        }
        if (allZeroBytes(at, page)) {
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
