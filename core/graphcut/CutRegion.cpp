#include "core/graphcut/CutRegion.h"

#include "core/util/Error.h"
#include "core/volume/ZeroPages.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace cisterna {

namespace {

// Labels of the whole image: `outside` (or 0), with the region's labels put in `box`.
Volume paste(const Volume& region, const Box3& box, const Volume& image, const Volume& outside) {
    Volume labels = outside.isNull() ? Volume::allocate(DataType::UInt8, image.shape(),
                                                        VolumeRole::Label, "graph-cut labels")
                                     : outside.clone();
    if (outside.isNull())
        std::memset(labels.data(), 0, std::size_t(labels.byteCount()));
    if (image.hasVoxelSize())
        labels.setVoxelSize(image.voxelSize());
    labels.setOrigin(image.origin());
    const Volume src = region.contiguous();
    const auto from = src.view<std::uint8_t>();
    const auto to = labels.view<std::uint8_t>();
    for (std::int64_t z = 0; z < box.size.z; ++z)
        for (std::int64_t y = 0; y < box.size.y; ++y)
            std::memcpy(to.row(box.begin.z + z, box.begin.y + y) + box.begin.x, from.row(z, y),
                        std::size_t(box.size.x));
    return labels;
}

} // namespace

Box3 strokeRegion(const Volume& strokes, double margin) {
    if (!(margin >= 0))
        throw InvalidArgument("the margin around the strokes must be zero or more");
    const Shape3 shape = strokes.shape();
    Index3 lo{shape.z, shape.y, shape.x}, hi{-1, -1, -1};
    // The app asks after every stroke, on volumes of 10^9 voxels: rows are skipped a
    // word at a time where they are empty, which most of them are.
    const Volume bytes = strokes.dataType() == DataType::UInt8 ? strokes : Volume();
    const bool rowsContiguous = !bytes.isNull() && bytes.view<std::uint8_t>().strides().x == 1;
    // Rows in pages never touched are empty and not read (ZeroPages.h).
    const UntouchedPages untouched =
        !bytes.isNull() && bytes.isContiguous()
            ? UntouchedPages(bytes.data(), std::size_t(bytes.byteCount()))
            : UntouchedPages();
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y) {
            std::int64_t first = -1, last = -1;
            if (rowsContiguous) {
                const std::uint8_t* row = bytes.view<std::uint8_t>().row(z, y);
                if (untouched.untouched(row, std::size_t(shape.x)))
                    continue;
                std::int64_t x = 0;
                for (; x + 8 <= shape.x; x += 8) {
                    std::uint64_t word;
                    std::memcpy(&word, row + x, 8);
                    if (word == 0)
                        continue;
                    for (std::int64_t k = x; k < x + 8; ++k)
                        if (row[k]) {
                            first = first < 0 ? k : first;
                            last = k;
                        }
                }
                for (; x < shape.x; ++x)
                    if (row[x]) {
                        first = first < 0 ? x : first;
                        last = x;
                    }
            } else {
                dispatchDataType(strokes.dataType(), [&](auto tag) {
                    using T = decltype(tag);
                    const auto v = strokes.view<T>();
                    for (std::int64_t x = 0; x < shape.x; ++x)
                        if (v(z, y, x) != T(0)) {
                            first = first < 0 ? x : first;
                            last = x;
                        }
                });
            }
            if (first < 0)
                continue;
            lo = {std::min(lo.z, z), std::min(lo.y, y), std::min(lo.x, first)};
            hi = {std::max(hi.z, z), std::max(hi.y, y), std::max(hi.x, last)};
        }
    if (hi.z < 0)
        throw InvalidArgument("there are no strokes to take a region from");
    return growRegion({lo, {hi.z - lo.z + 1, hi.y - lo.y + 1, hi.x - lo.x + 1}}, shape,
                      strokes.voxelSize(), margin);
}

Box3 growRegion(const Box3& tight, const Shape3& shape, const Vec3d& voxelSize, double margin) {
    if (!(margin >= 0))
        throw InvalidArgument("the margin around the strokes must be zero or more");
    const double side = std::min({voxelSize.z, voxelSize.y, voxelSize.x});
    // Voxels along each axis for `margin` smallest sides; at least one where the
    // margin is not zero, so that thick sections keep a neighbour to cut against.
    auto grow = [&](double axisSize) -> std::int64_t {
        if (margin == 0)
            return 0;
        return std::max<std::int64_t>(1, std::int64_t(std::ceil(margin * side / axisSize - 1e-9)));
    };
    const std::int64_t gz = grow(voxelSize.z), gy = grow(voxelSize.y), gx = grow(voxelSize.x);
    Box3 box;
    box.begin = {std::max<std::int64_t>(0, tight.begin.z - gz),
                 std::max<std::int64_t>(0, tight.begin.y - gy),
                 std::max<std::int64_t>(0, tight.begin.x - gx)};
    const Index3 end{std::min(shape.z, tight.begin.z + tight.size.z + gz),
                     std::min(shape.y, tight.begin.y + tight.size.y + gy),
                     std::min(shape.x, tight.begin.x + tight.size.x + gx)};
    box.size = {end.z - box.begin.z, end.y - box.begin.y, end.x - box.begin.x};
    return box;
}

FeatureStack cropFeatures(const FeatureStack& features, const Box3& box) {
    if (!box.fitsIn(features.shape))
        throw InvalidArgument("the region " + toString(box) + " does not fit in the features' " +
                              toString(features.shape));
    FeatureStack out;
    out.shape = box.size;
    out.count = features.count;
    out.names = features.names;
    const std::size_t row = std::size_t(box.size.x) * std::size_t(features.count);
    out.data.resize(std::size_t(box.size.voxelCount()) * std::size_t(features.count));
    std::uint8_t* dst = out.data.data();
    for (std::int64_t z = 0; z < box.size.z; ++z)
        for (std::int64_t y = 0; y < box.size.y; ++y, dst += row) {
            const std::int64_t first =
                ((box.begin.z + z) * features.shape.y + box.begin.y + y) * features.shape.x +
                box.begin.x;
            std::memcpy(dst, features.voxel(first), row);
        }
    return out;
}

AutoGraphCutResult autoGraphCutInRegion(const Volume& image, const Volume& strokes,
                                        const AutoGraphCutParams& params, const Box3& box,
                                        const Volume& outside, const Progress& progress) {
    if (!box.fitsIn(image.shape()) || box.size.voxelCount() == 0)
        throw InvalidArgument("the region " + toString(box) + " does not fit in the image (" +
                              toString(image.shape()) + ")");
    if (strokes.shape() != image.shape())
        throw InvalidArgument("the strokes (" + toString(strokes.shape()) +
                              ") do not have the image's shape (" + toString(image.shape()) + ")");
    if (!outside.isNull() &&
        (outside.shape() != image.shape() || outside.dataType() != DataType::UInt8))
        throw InvalidArgument("the labels to keep outside the region are not a uint8 volume of "
                              "the image's shape");
    AutoGraphCutParams inner = params;
    if (!params.prior.isNull()) {
        if (params.prior.shape() != image.shape())
            throw InvalidArgument("the prediction (" + toString(params.prior.shape()) +
                                  ") does not have the image's shape (" + toString(image.shape()) +
                                  ")");
        inner.prior = params.prior.crop(box).contiguous();
    }
    if (params.features && params.features->shape == image.shape())
        inner.features = std::make_shared<const FeatureStack>(cropFeatures(*params.features, box));
    // A first result of the region is shown in the whole volume, around what is kept.
    if (params.preview)
        inner.preview = [&](const Volume& regionLabels) {
            params.preview(paste(regionLabels, box, image, outside));
        };
    AutoGraphCutResult result = autoGraphCut(image.crop(box), strokes.crop(box), inner, progress);
    result.cut.labels = paste(result.cut.labels, box, image, outside);
    return result;
}

} // namespace cisterna
