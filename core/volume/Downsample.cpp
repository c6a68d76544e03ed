#include "core/volume/Downsample.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

namespace cisterna {

Shape3 pyramidFactors(const Vec3d& voxelSize) {
    const double finest = std::min({voxelSize.z, voxelSize.y, voxelSize.x});
    // An axis at least twice as coarse as the finest stays: halving it would make
    // the level more anisotropic, not less.
    const auto factor = [finest](double size) -> std::int64_t {
        return size >= 2 * finest ? 1 : 2;
    };
    return {factor(voxelSize.z), factor(voxelSize.y), factor(voxelSize.x)};
}

Shape3 downsampledShape(const Shape3& shape, const Shape3& factors) {
    const auto shrink = [](std::int64_t extent, std::int64_t f) { return (extent + f - 1) / f; };
    return {shrink(shape.z, factors.z), shrink(shape.y, factors.y), shrink(shape.x, factors.x)};
}

namespace {

template <class T> void downsampleTyped(const Volume& source, Volume& dest, const Shape3& f) {
    const VolumeView<const T> in = source.view<T>();
    const VolumeView<T> out = dest.view<T>();
    const Shape3 s = source.shape();
    const Shape3 d = dest.shape();
    const bool label = source.role() == VolumeRole::Label;
    // One output row at a time: sums (or maxima) of the blocks along x, gathered
    // over the block's input rows, so every input voxel is read once, row by row.
    std::vector<double> acc(static_cast<std::size_t>(d.x));
    std::vector<std::int64_t> count(static_cast<std::size_t>(d.x));
    for (std::int64_t z = 0; z < d.z; ++z)
        for (std::int64_t y = 0; y < d.y; ++y) {
            std::fill(acc.begin(), acc.end(), label ? -1.0 : 0.0);
            std::fill(count.begin(), count.end(), 0);
            const std::int64_t z1 = std::min(s.z, (z + 1) * f.z);
            const std::int64_t y1 = std::min(s.y, (y + 1) * f.y);
            for (std::int64_t iz = z * f.z; iz < z1; ++iz)
                for (std::int64_t iy = y * f.y; iy < y1; ++iy) {
                    const T* row = in.row(iz, iy);
                    const std::int64_t sx = in.strides().x;
                    for (std::int64_t ix = 0; ix < s.x; ++ix) {
                        const auto o = static_cast<std::size_t>(ix / f.x);
                        const double v = static_cast<double>(row[ix * sx]);
                        if (label)
                            acc[o] = std::max(acc[o], v);
                        else
                            acc[o] += v;
                        ++count[o];
                    }
                }
            T* outRow = out.row(z, y);
            for (std::int64_t x = 0; x < d.x; ++x) {
                const auto o = static_cast<std::size_t>(x);
                double v = label ? acc[o] : acc[o] / static_cast<double>(count[o]);
                if constexpr (std::is_integral_v<T>)
                    v = std::round(v);
                outRow[x] = static_cast<T>(v);
            }
        }
}

} // namespace

Volume downsample(const Volume& source, const Shape3& factors) {
    if (source.isNull())
        throw InvalidArgument("cannot downsample an empty volume");
    if (factors.z < 1 || factors.y < 1 || factors.x < 1)
        throw InvalidArgument("downsampling factors must be at least 1, got " + toString(factors));
    const Shape3 shape = downsampledShape(source.shape(), factors);
    Volume dest = Volume::allocate(source.dataType(), shape, source.role(), "a pyramid level");
    dispatchDataType(source.dataType(),
                     [&](auto t) { downsampleTyped<decltype(t)>(source, dest, factors); });
    const Vec3d v = source.voxelSize();
    const Vec3d o = source.origin();
    const Vec3d size{v.z * factors.z, v.y * factors.y, v.x * factors.x};
    if (source.hasVoxelSize())
        dest.setVoxelSize(size);
    // The new voxel's centre is the centre of the block it summarises.
    dest.setOrigin({o.z + (size.z - v.z) / 2, o.y + (size.y - v.y) / 2, o.x + (size.x - v.x) / 2});
    return dest;
}

} // namespace cisterna
