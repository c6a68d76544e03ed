#include "core/graphcut/StrokeClassifier.h"

#include "core/graphcut/Energy.h"
#include "core/phantom/ParallelFor.h"
#include "core/util/Error.h"
#include "core/util/Stopwatch.h"

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
                          const Progress& progress, double from, double to) {
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
    return p;
}

LearnedTerm learnFromStrokes(const Volume& image, const Volume& strokes,
                             const StrokeClassifierOptions& options, const Progress& progress,
                             double from, double to) {
    checkStrokes(image, strokes);
    LearnedTerm term;
    Stopwatch t;
    const double span = to - from;
    const FeatureStack features =
        computeVoxelFeatures(image, options.features, progress, from, from + 0.7 * span);
    term.featureSeconds = t.seconds();
    t.restart();
    progress.report(from + 0.7 * span, "training the voxel classifier");
    const StrokeSamples samples = sampleStrokes(features, strokes, options.samplesPerClass);
    const RandomForest forest = RandomForest::train(samples.samples, options.forest);
    term.trainSeconds = t.seconds();
    t.restart();
    term.probability = predictProbability(features, forest, progress, from + 0.75 * span, to);
    if (image.hasVoxelSize())
        term.probability.setVoxelSize(image.voxelSize());
    term.probability.setOrigin(image.origin());
    term.predictSeconds = t.seconds();
    term.outOfBagAccuracy = forest.outOfBagAccuracy();
    term.featureCount = features.count;
    term.samples = samples.samples.rows();
    return term;
}

} // namespace cisterna
