#pragma once
// Internal: random training patches from one image/target pair, ASEM-style: uniform
// positions, patches with too little organelle or too little of the mask rejected with
// a probability, then augmented.
#include "core/learning/Augmentation.h"
#include "core/learning/Training.h"
#include "core/learning/UNetConfig.h"

#include <torch/types.h>

#include <random>

namespace cisterna {

struct PatchBatch {
    torch::Tensor input;  // (B, 1, z, y, x) float on the device
    torch::Tensor target; // (B, z, y, x) uint8 on the device
};

class PatchSampler {
public:
    // image: normalised (z, y, x) float; target: (z, y, x) uint8 with kIgnoreTarget.
    // Both at least geometry.input large (checked by the caller).
    PatchSampler(torch::Tensor image, torch::Tensor target, const UNetGeometry& geometry,
                 const SamplingOptions& sampling, Augmenter augmenter);

    PatchBatch next(int batchSize, const torch::Device& device, std::mt19937_64& rng) const;

private:
    bool accept(const torch::Tensor& outputTarget, std::mt19937_64& rng) const;

    torch::Tensor image_;
    torch::Tensor target_;
    UNetGeometry geometry_;
    SamplingOptions sampling_;
    Augmenter augmenter_;
};

} // namespace cisterna
