#pragma once
// Internal: Volumes to LibTorch tensors and back.
#include "core/learning/Normalisation.h"
#include "core/learning/Training.h"
#include "core/volume/Volume.h"

#include <torch/types.h>

#include <cstdint>

namespace cisterna {

// Target value of voxels that do not count in the loss (outside the mask, unlabelled).
constexpr std::uint8_t kIgnoreTarget = 255;

// Normalised float32 (z, y, x) CPU tensor of `image` (any type, views allowed).
torch::Tensor imageTensor(const Volume& image, const Normalisation& normalisation);

// uint8 (z, y, x): 0 background, 1..C the classes of `spec`, kIgnoreTarget where the
// mask is zero or the label is the unlabelled value. Throws InvalidArgument for float
// labels or a mask of another shape.
torch::Tensor targetTensor(const Volume& labels, const Volume& mask, const LabelSpec& spec);

// Writes probabilities (z, y, x) in [0, 1] into `out` at `at`: uint8 volumes get
// round(p * 255), float32 volumes p itself.
void storeProbabilities(const torch::Tensor& probabilities, Volume& out, const Index3& at);

} // namespace cisterna
