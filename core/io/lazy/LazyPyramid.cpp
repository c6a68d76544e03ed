#include "core/io/lazy/LazyPyramid.h"

#include "core/io/VolumePath.h"
#include "core/io/zarr/OmeZarr.h"

#include <algorithm>

namespace cisterna {

LazyPyramid LazyPyramid::open(const std::string& path, std::uint64_t cacheBytes) {
    const std::uint64_t budget = cacheBytes ? cacheBytes : LazyVolume::defaultCacheBytes();
    const VolumePath where = parseVolumePath(path);
    std::vector<std::string> levelPaths{path};
    if (where.extension() == ".ome.zarr" && where.inner.empty())
        if (const auto image = zarr::readOmeImage(where.file); image && image->levels.size() > 1) {
            levelPaths.clear();
            for (const zarr::OmeLevel& level : image->levels)
                levelPaths.push_back((where.file / level.path).string());
        }
    LazyPyramid pyramid;
    const std::size_t n = levelPaths.size();
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t share = n == 1 ? budget : i == 0 ? budget / 2 : budget / 2 / (n - 1);
        pyramid.levels_.push_back(
            LazyVolume::open(levelPaths[i], std::max<std::uint64_t>(share, 1)));
    }
    return pyramid;
}

Vec3d LazyPyramid::scaleOf(std::size_t i) const {
    const Shape3& s0 = levels_.front()->shape();
    const Shape3& s = levels_.at(i)->shape();
    return {double(s0.z) / double(s.z), double(s0.y) / double(s.y), double(s0.x) / double(s.x)};
}

std::size_t LazyPyramid::levelFor(int axis, double level0VoxelsPerPixel) const {
    std::size_t chosen = 0;
    for (std::size_t i = 1; i < levels_.size(); ++i) {
        const Vec3d s = scaleOf(i);
        // The plane's two axes: a level is fine when neither is coarser than a pixel.
        const double coarsest = axis == 0   ? std::max(s.y, s.x)
                                : axis == 1 ? std::max(s.z, s.x)
                                            : std::max(s.z, s.y);
        // Small tolerance: a partial last block makes scales slightly below 2^k.
        if (coarsest <= level0VoxelsPerPixel * 1.01)
            chosen = i;
    }
    return chosen;
}

} // namespace cisterna
