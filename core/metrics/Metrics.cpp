#include "core/metrics/Metrics.h"

#include "core/metrics/DistanceTransform.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <cmath>
#include <limits>
#include <unordered_map>

namespace cisterna {
namespace {

double ratio(double numerator, double denominator) {
    return denominator > 0 ? numerator / denominator : std::numeric_limits<double>::quiet_NaN();
}

// Foreground as a flat bool vector, following the label-or-threshold rule.
std::vector<bool> foreground(const Volume& v, const std::optional<double>& label,
                             double threshold) {
    std::vector<bool> fg(static_cast<std::size_t>(v.voxelCount()));
    dispatchDataType(v.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const auto view = v.view<T>();
        std::size_t i = 0;
        forEachRow(view, [&](std::int64_t, std::int64_t, const T* row) {
            for (std::int64_t x = 0; x < view.shape().x; ++x, ++i) {
                const double value = double(row[x * view.strides().x]);
                fg[i] = label ? value == *label : value > threshold;
            }
        });
    });
    return fg;
}

Volume asMaskVolume(const std::vector<bool>& fg, const Shape3& shape) {
    Volume v = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label, "object mask");
    auto* p = static_cast<std::uint8_t*>(v.data());
    for (std::size_t i = 0; i < fg.size(); ++i)
        p[i] = fg[i];
    return v;
}

ObjectScores matchObjects(const std::vector<bool>& pred, const std::vector<bool>& truth,
                          const Shape3& shape, const EvaluationOptions& options) {
    const Components p = connectedComponents(asMaskVolume(pred, shape), options.connectivity);
    const Components t = connectedComponents(asMaskVolume(truth, shape), options.connectivity);
    std::unordered_map<std::uint64_t, std::int64_t> overlaps;
    for (std::size_t i = 0; i < p.labels.size(); ++i)
        if (p.labels[i] && t.labels[i])
            ++overlaps[(std::uint64_t(t.labels[i]) << 32) | p.labels[i]];
    ObjectScores scores;
    scores.truthObjects = t.count;
    scores.predictedObjects = p.count;
    // Requiring each object of a pair to be more than half covered by the other
    // makes the matching one-to-one without an assignment step; thresholds below
    // 0.5 would need one, so they are raised to 0.5.
    const double threshold = std::max(options.objectIoUThreshold, 0.5);
    for (const auto& [key, intersection] : overlaps) {
        const std::uint32_t ti = std::uint32_t(key >> 32), pi = std::uint32_t(key & 0xFFFFFFFFu);
        const double unionSize = double(t.sizes[ti] + p.sizes[pi] - intersection);
        if (intersection / unionSize >= threshold && intersection * 2 > t.sizes[ti] &&
            intersection * 2 > p.sizes[pi])
            ++scores.matchedObjects;
    }
    return scores;
}

} // namespace

double VoxelScores::precision() const {
    return ratio(truePositives, truePositives + falsePositives);
}
double VoxelScores::recall() const {
    return ratio(truePositives, truePositives + falseNegatives);
}
double VoxelScores::f1() const {
    return ratio(truePositives, truePositives + 0.5 * (falsePositives + falseNegatives));
}
double VoxelScores::iou() const {
    return ratio(truePositives, truePositives + falsePositives + falseNegatives);
}

double ObjectScores::precision() const {
    return ratio(matchedObjects, predictedObjects);
}
double ObjectScores::recall() const {
    return ratio(matchedObjects, truthObjects);
}
double ObjectScores::f1() const {
    return ratio(matchedObjects, matchedObjects + 0.5 * ((predictedObjects - matchedObjects) +
                                                         (truthObjects - matchedObjects)));
}

Evaluation evaluateSegmentation(const Volume& prediction, const Volume& truth,
                                const EvaluationOptions& options) {
    if (prediction.isNull() || truth.isNull())
        throw InvalidArgument("evaluation needs both a prediction and a ground truth");
    if (prediction.shape() != truth.shape())
        throw InvalidArgument("the prediction has shape " + toString(prediction.shape()) +
                              " but the ground truth has shape " + toString(truth.shape()));
    if (options.mask && options.mask->shape() != truth.shape())
        throw InvalidArgument("the mask has shape " + toString(options.mask->shape()) +
                              " but the ground truth has shape " + toString(truth.shape()));
    if (options.exclusionBand < 0)
        throw InvalidArgument("the exclusion band cannot be negative");
    const Shape3 shape = truth.shape();
    requireMemory(static_cast<std::uint64_t>(shape.voxelCount()) *
                      (options.exclusionBand > 0 ? 10 : 2),
                  "evaluation of " + toString(shape));

    std::vector<bool> pred =
        foreground(prediction, options.predictionLabel, options.predictionThreshold);
    std::vector<bool> gt = foreground(truth, options.truthLabel, options.truthThreshold);
    const std::vector<bool> inMask =
        options.mask ? foreground(*options.mask, std::nullopt, 0) : std::vector<bool>();
    std::vector<bool> evaluated = options.mask ? inMask : std::vector<bool>(pred.size(), true);
    if (options.exclusionBand > 0) {
        // A voxel is within the band when a voxel of the other class lies within
        // `band` of it: distance to the nearest foreground for background voxels and
        // to the nearest background for foreground voxels.
        std::vector<bool> background(gt.size());
        for (std::size_t i = 0; i < gt.size(); ++i)
            background[i] = !gt[i];
        const std::vector<float> toForeground = squaredDistanceToFeature(gt, shape);
        const std::vector<float> toBackground = squaredDistanceToFeature(background, shape);
        const float band2 = float(options.exclusionBand * options.exclusionBand);
        for (std::size_t i = 0; i < gt.size(); ++i) {
            const float d = gt[i] ? toBackground[i] : toForeground[i];
            if (d <= band2)
                evaluated[i] = false;
        }
    }

    Evaluation result;
    VoxelScores& s = result.voxels;
    for (std::size_t i = 0; i < gt.size(); ++i) {
        if (!evaluated[i]) {
            ++s.excludedVoxels;
            continue;
        }
        ++s.evaluatedVoxels;
        if (pred[i] && gt[i])
            ++s.truePositives;
        else if (pred[i])
            ++s.falsePositives;
        else if (gt[i])
            ++s.falseNegatives;
        else
            ++s.trueNegatives;
    }
    if (options.countObjects) {
        // Objects are counted inside the mask only; the exclusion band is a voxel
        // criterion and must not cut objects apart.
        std::vector<bool> pm = pred, gm = gt;
        if (options.mask)
            for (std::size_t i = 0; i < gt.size(); ++i)
                if (!inMask[i])
                    pm[i] = gm[i] = false;
        result.objects = matchObjects(pm, gm, shape, options);
    }
    return result;
}

} // namespace cisterna
