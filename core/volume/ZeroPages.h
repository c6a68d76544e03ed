#pragma once
// Label layers stay sparse in memory through the kernel: volumes are calloc'd, so
// their untouched pages all map one shared zero page, and a 1 GiB strokes layer with
// strokes on a few planes costs a few pages. Writing zeros makes pages resident for
// nothing: decoding a saved layer, a cut's background, copying a layer. These keep
// the zero pages unallocated. Linux (madvise, mincore).
#include "core/volume/Volume.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cisterna {

// Whether the `bytes` at `p` are all zero.
bool allZeroBytes(const void* p, std::size_t bytes);

// The pages of a range of memory that are untouched: neither resident nor in swap
// (from /proc/self/pagemap). In private anonymous memory, which is where volumes live
// (calloc'd, or given back with releaseZeroPages), such a page reads as zero. Reading it
// to find that out costs a page fault and, on kernels that back a read fault with a
// fresh page instead of the shared zero page (seen in VMs), a page of memory: a scan
// of a 1 GiB strokes layer then made the whole layer resident. Scans of sparse layers
// skip these pages instead. Where pagemap cannot be read, no page counts as untouched.
// A snapshot: not while another thread writes the range.
class UntouchedPages {
public:
    UntouchedPages() = default;
    UntouchedPages(const void* p, std::size_t bytes);
    // Whether every byte of [p, p + bytes) lies in untouched pages of the range.
    bool untouched(const void* p, std::size_t bytes) const;
    // Bytes from `p` to the end of the run of untouched pages it starts in (0 when its
    // page is touched or outside the range). Walks the run: for skipping ahead.
    std::size_t untouchedRunFrom(const void* p) const;
    bool any() const { return anyUntouched_; }

private:
    std::uintptr_t first_ = 0;        // address of the range's first page
    std::vector<std::uint8_t> flags_; // per page: 1 untouched
    bool anyUntouched_ = false;
};

// Whether the `bytes` at `p` are all zero, not reading the untouched pages.
bool allZeroBytes(const void* p, std::size_t bytes, const UntouchedPages& pages);

// Gives the pages inside the volume's voxels that are all zero back to the kernel
// (MADV_DONTNEED on private anonymous memory: they read as zero again, from the shared
// zero page). The voxels do not change. Returns the bytes given back; 0 for a
// non-contiguous volume. Not while another thread writes the volume.
std::uint64_t releaseZeroPages(Volume& volume);

// Bytes of the volume's voxels that are resident in memory (mincore), counted in
// whole pages: what a layer really costs, for tests and benchmarks. Pages that were
// only read count too (they map the shared zero page).
std::uint64_t residentBytes(const Volume& volume);

} // namespace cisterna
