#include "core/graphcut/StrokeClassifier.h"

#include "core/graphcut/Energy.h"
#include "core/phantom/ParallelFor.h"
#include "core/util/Error.h"

#include <algorithm>
#include <cmath>

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
    Volume p = Volume::allocate(DataType::UInt8, features.shape, VolumeRole::Image,
                                "the classifier's probability map");
    auto* out = static_cast<std::uint8_t*>(p.data());
    const std::int64_t n = features.shape.voxelCount();
    const std::int64_t chunk = 1 << 16;
    phantom::parallelFor((n + chunk - 1) / chunk,
                         [&](std::int64_t c, unsigned) {
                             const std::int64_t end = std::min(n, (c + 1) * chunk);
                             for (std::int64_t i = c * chunk; i < end; ++i)
                                 out[i] = std::uint8_t(
                                     std::lround(255.0f * forest.probability(features.voxel(i))));
                         },
                         progress, from, to, "classifying voxels");
    if (image.hasVoxelSize())
        p.setVoxelSize(image.voxelSize());
    p.setOrigin(image.origin());
    return p;
}

} // namespace cisterna
