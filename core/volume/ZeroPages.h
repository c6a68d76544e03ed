#pragma once
// Label layers stay sparse in memory through the kernel: volumes are calloc'd, so
// their untouched pages all map one shared zero page, and a 1 GiB strokes layer with
// strokes on a few planes costs a few pages. Writing zeros makes pages resident for
// nothing: decoding a saved layer, a cut's background, copying a layer. These keep
// the zero pages unallocated. Linux (madvise, mincore).
#include "core/volume/Volume.h"

#include <cstddef>
#include <cstdint>

namespace cisterna {

// Whether the `bytes` at `p` are all zero.
bool allZeroBytes(const void* p, std::size_t bytes);

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
