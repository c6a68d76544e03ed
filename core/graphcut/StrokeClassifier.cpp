#include "core/graphcut/StrokeClassifier.h"

#include "core/graphcut/Energy.h"
#include "core/graphcut/Strokes.h"
#include "core/phantom/ParallelFor.h"
#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace cisterna {

StrokeSamples sampleStrokes(const FeatureStack& features, const Volume& strokes,
                            std::size_t perClass) {
    if (strokes.shape() != features.shape || strokes.dataType() != DataType::UInt8)
        throw InvalidArgument("the strokes do not match the voxel features' shape");
    const Volume str = strokes.contiguous();
    const auto* s = static_cast<const std::uint8_t*>(str.data());
    const std::int64_t n = str.voxelCount();
    std::int64_t counts[3] = {0, 0, 0};
    for (std::int64_t i = 0; i < n; ++i)
        ++counts[s[i] <= 2 ? s[i] : 0];
    StrokeSamples out;
    out.samples.featureCount = features.count;
    // Every k-th voxel of each class, with the fraction carried so that the picks
    // spread evenly over all of that class's strokes.
    double step[3] = {1, 1, 1}, next[3] = {0, 0, 0};
    std::int64_t seen[3] = {0, 0, 0};
    for (int c = 1; c <= 2; ++c)
        step[c] = std::max(1.0, double(counts[c]) / double(std::max<std::size_t>(perClass, 1)));
    for (std::int64_t i = 0; i < n; ++i) {
        const std::uint8_t c = s[i];
        if (c != kStrokeObject && c != kStrokeBackground)
            continue;
        if (double(seen[c]++) < next[c])
            continue;
        next[c] += step[c];
        out.samples.add(features.voxel(i), c == kStrokeObject);
        out.voxels.push_back(i);
    }
    return out;
}

Volume predictProbability(const FeatureStack& features, const RandomForest& forest,
                          const Volume& image, const Progress& progress, double from, double to) {
    return predictProbability(features, forest, image, Box3{{0, 0, 0}, features.shape}, progress,
                              from, to);
}

Volume predictProbability(const FeatureStack& features, const RandomForest& forest,
                          const Volume& image, const Box3& box, const Progress& progress,
                          double from, double to) {
    if (!box.fitsIn(features.shape))
        throw InvalidArgument("the box " + toString(box) + " does not fit in the features' shape " +
                              toString(features.shape));
    Volume p = Volume::allocate(DataType::UInt8, box.size, VolumeRole::Image,
                                "the classifier's probability map");
    auto* out = static_cast<std::uint8_t*>(p.data());
    // Work in runs of whole box rows (x fastest), about 64 Ki voxels per item.
    const Shape3& s = box.size;
    const std::int64_t rows = s.z * s.y;
    const std::int64_t rowsPerItem =
        std::max<std::int64_t>(1, (1 << 16) / std::max<std::int64_t>(1, s.x));
    phantom::parallelFor((rows + rowsPerItem - 1) / rowsPerItem,
                         [&](std::int64_t item, unsigned) {
                             const std::int64_t last = std::min(rows, (item + 1) * rowsPerItem);
                             for (std::int64_t r = item * rowsPerItem; r < last; ++r) {
                                 const std::int64_t z = box.begin.z + r / s.y,
                                                    y = box.begin.y + r % s.y;
                                 const std::int64_t first =
                                     (z * features.shape.y + y) * features.shape.x + box.begin.x;
                                 std::uint8_t* row = out + r * s.x;
                                 for (std::int64_t x = 0; x < s.x; ++x)
                                     row[x] = std::uint8_t(std::lround(
                                         255.0f * forest.probability(features.voxel(first + x))));
                             }
                         },
                         progress, from, to, "classifying voxels");
    if (image.hasVoxelSize())
        p.setVoxelSize(image.voxelSize());
    const Vec3d v = image.voxelSize(), o = image.origin();
    p.setOrigin({o.z + double(box.begin.z) * v.z, o.y + double(box.begin.y) * v.y,
                 o.x + double(box.begin.x) * v.x});
    return p;
}

} // namespace cisterna
