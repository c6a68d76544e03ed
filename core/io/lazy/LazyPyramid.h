#pragma once
// The levels of a multiscale image, each read lazily: an OME-Zarr image's levels as
// they are (what writePyramid writes), any other volume as one level. Zoomed-out views
// read the coarsest level that still gives one voxel per screen pixel, so a whole
// 4096 x 4096 section costs a 1024 x 1024 read.
#include "core/io/lazy/LazyVolume.h"

#include <memory>
#include <string>
#include <vector>

namespace cisterna {

class LazyPyramid {
public:
    // Opens `path`; the cache budget (default: LazyVolume::defaultCacheBytes()) is split
    // between the levels, half of it for the full-resolution level.
    static LazyPyramid open(const std::string& path, std::uint64_t cacheBytes = 0);

    std::size_t levelCount() const { return levels_.size(); }
    LazyVolume& level(std::size_t i) const { return *levels_.at(i); }
    // The number of level-0 voxels along each axis that one voxel of level i covers
    // (1, 1, 1 for level 0): the ratio of the levels' extents, rounded (a partial last
    // block makes the ratio slightly smaller than the factor).
    Shape3 scaleOf(std::size_t i) const;
    // The coarsest level a view across `axis` (0 = z, 1 = y, 2 = x) needs when one of
    // its screen pixels spans `level0VoxelsPerPixel` level-0 voxels along each of its
    // two axes (the third is ignored): no voxel of the level may be coarser than a
    // pixel along either, so an anisotropic view keeps its fine direction.
    std::size_t levelFor(int axis, const Vec3d& level0VoxelsPerPixel) const;

private:
    std::vector<std::unique_ptr<LazyVolume>> levels_;
};

} // namespace cisterna
