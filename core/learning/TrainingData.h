#pragma once
// Internal: the training volumes as tensors, checked and summarised once before the
// training loop starts.
#include "core/learning/Normalisation.h"
#include "core/learning/Training.h"

#include <torch/types.h>

#include <string>

namespace cisterna {

struct PreparedData {
    torch::Tensor image;  // normalised float (z, y, x)
    torch::Tensor target; // uint8 (z, y, x), kIgnoreTarget outside the mask / validation box
    torch::Tensor validationImage; // undefined when there is no validation data
    torch::Tensor validationTarget;
    std::string summary; // one line for the model's metadata
};

// Throws InvalidArgument for mismatched shapes, an unusable validation region, float
// labels, or labels without a single voxel of an organelle inside the mask.
PreparedData prepareTrainingData(const TrainingData& data, const LabelSpec& labels,
                                 const Normalisation& normalisation, const std::string& organelle);

} // namespace cisterna
