#include "core/io/lazy/LazyPyramid.h"

#include "core/io/VolumePath.h"
#include "core/io/zarr/OmeZarr.h"

#include <algorithm>
#include <cmath>

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

Shape3 LazyPyramid::scaleOf(std::size_t i) const {
    const Shape3& s0 = levels_.front()->shape();
    const Shape3& s = levels_.at(i)->shape();
    const auto ratio = [](std::int64_t full, std::int64_t level) {
        return std::max<std::int64_t>(1, std::llround(double(full) / double(level)));
    };
    return {ratio(s0.z, s.z), ratio(s0.y, s.y), ratio(s0.x, s.x)};
}

std::size_t LazyPyramid::levelFor(int axis, const Vec3d& level0VoxelsPerPixel) const {
    // A factor of 1 along an axis is always fine: nothing finer exists.
    const auto fits = [](std::int64_t factor, double perPixel) {
        return factor == 1 || double(factor) <= perPixel * 1.01;
    };
    const Vec3d& p = level0VoxelsPerPixel;
    std::size_t chosen = 0;
    for (std::size_t i = 1; i < levels_.size(); ++i) {
        const Shape3 f = scaleOf(i);
        const bool ok = (axis == 0 || fits(f.z, p.z)) && (axis == 1 || fits(f.y, p.y)) &&
                        (axis == 2 || fits(f.x, p.x));
        if (ok)
            chosen = i;
    }
    return chosen;
}

} // namespace cisterna
