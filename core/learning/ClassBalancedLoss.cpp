#include "core/learning/ClassBalancedLoss.h"

#include "core/learning/VolumeTensor.h"
#include "core/util/Error.h"

#include <torch/nn/functional/loss.h>

namespace cisterna {

BalancedLoss classBalancedCrossEntropy(const torch::Tensor& logits, const torch::Tensor& targets,
                                       double clipMin, double clipMax) {
    if (logits.dim() != 5 || targets.dim() != 4 || logits.size(0) != targets.size(0) ||
        logits.size(2) != targets.size(1) || logits.size(3) != targets.size(2) ||
        logits.size(4) != targets.size(3))
        throw InvalidArgument("the loss needs logits (B, C, z, y, x) and targets (B, z, y, x) of "
                              "the same spatial size");
    const std::int64_t classes = logits.size(1);
    const torch::Tensor counted = targets != kIgnoreTarget;
    const torch::Tensor t =
        torch::where(counted, targets, torch::zeros_like(targets)).to(torch::kLong);

    BalancedLoss result;
    const torch::Tensor onehotCounts =
        torch::bincount(t.masked_select(counted).flatten(), {}, classes).to(torch::kFloat);
    const double total = onehotCounts.sum().item<double>();
    result.countedVoxels = static_cast<std::int64_t>(total);
    if (total == 0) {
        // Nothing to learn from in this batch: a zero loss that still has a graph.
        result.loss = logits.sum() * 0.0;
        result.classWeights = torch::zeros({classes});
        return result;
    }
    const torch::Tensor fractions = (onehotCounts / total).clamp(clipMin, clipMax);
    torch::Tensor weights = 1.0 / (fractions * double(classes));
    weights = torch::where(onehotCounts > 0, weights, torch::zeros_like(weights));
    result.classWeights = weights.detach();

    namespace F = torch::nn::functional;
    const torch::Tensor perVoxel = F::cross_entropy(
        logits.to(torch::kFloat), t, F::CrossEntropyFuncOptions().reduction(torch::kNone));
    const torch::Tensor voxelWeights =
        weights.to(logits.device()).index_select(0, t.flatten()).view_as(perVoxel) *
        counted.to(torch::kFloat);
    result.loss = (perVoxel * voxelWeights).sum() / voxelWeights.sum();
    return result;
}

} // namespace cisterna
