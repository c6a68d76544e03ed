#pragma once
// Accuracy of a segmentation against a ground truth, voxel by voxel and object by
// object, the way ASEM reports it: F1 = TP / (TP + (FP + FN) / 2).
#include "core/metrics/ConnectedComponents.h"
#include "core/volume/Volume.h"

#include <cstdint>
#include <optional>

namespace cisterna {

struct EvaluationOptions {
    // Evaluate only where the mask is non-zero (same shape as the ground truth).
    const Volume* mask = nullptr;
    // Leave out voxels within this many voxels (Euclidean) of the ground-truth
    // boundary, on both sides, where loose annotations are least certain.
    double exclusionBand = 0;
    // A voxel of the prediction is foreground when equal to predictionLabel, or, if
    // that is unset, when above predictionThreshold (probability maps: 0.5 or 127).
    std::optional<double> predictionLabel;
    double predictionThreshold = 0;
    // The same for the ground truth (e.g. one organelle of a multi-label volume).
    std::optional<double> truthLabel;
    double truthThreshold = 0;
    // Objects: connected components, matched when their IoU reaches this.
    Connectivity connectivity = Connectivity::Faces6;
    double objectIoUThreshold = 0.5;
    bool countObjects = true;
};

// Undefined ratios (0/0, e.g. precision of an empty prediction) are NaN: a metric
// that cannot be computed is reported as such, not as 0 or 1.
struct VoxelScores {
    std::int64_t truePositives = 0, falsePositives = 0, falseNegatives = 0, trueNegatives = 0;
    std::int64_t evaluatedVoxels = 0, excludedVoxels = 0;
    double precision() const;
    double recall() const;
    double f1() const;
    double iou() const;
};

struct ObjectScores {
    std::int64_t truthObjects = 0, predictedObjects = 0;
    std::int64_t matchedObjects = 0; // one-to-one pairs with IoU >= threshold
    double precision() const;
    double recall() const;
    double f1() const;
};

struct Evaluation {
    VoxelScores voxels;
    std::optional<ObjectScores> objects;
};

// Throws InvalidArgument when shapes differ.
Evaluation evaluateSegmentation(const Volume& prediction, const Volume& truth,
                                const EvaluationOptions& options = {});

} // namespace cisterna
