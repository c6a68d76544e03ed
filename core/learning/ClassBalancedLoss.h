#pragma once
// Internal: ASEM's loss. Per-voxel softmax cross-entropy, each voxel weighted by the
// inverse frequency of its class in the batch (fractions clipped to [clipMin, clipMax]
// as gunpowder's BalanceLabels does), voxels with target kIgnoreTarget weighted 0;
// normalised by the sum of the weights.
#include <torch/types.h>

namespace cisterna {

struct BalancedLoss {
    torch::Tensor loss;         // scalar
    torch::Tensor classWeights; // (classes + 1), detached
    std::int64_t countedVoxels = 0;
};

// logits (B, C, z, y, x), targets (B, z, y, x) uint8 with values 0..C-1 or kIgnoreTarget.
BalancedLoss classBalancedCrossEntropy(const torch::Tensor& logits, const torch::Tensor& targets,
                                       double clipMin = 0.01, double clipMax = 0.99);

} // namespace cisterna
