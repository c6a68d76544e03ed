#pragma once
// Internal: the model file format. A LibTorch archive (a zip) holding
//   cisterna_format   "cisterna-unet"     (tells our files from any other archive)
//   cisterna_version  1                   (format version)
//   metadata          ModelMetadata as "key = value" text
//   weights           one tensor per parameter, fp32, on the CPU
//   optimizer         Adam's state (checkpoints only)
#include "core/learning/ModelState.h"

#include <torch/optim/adam.h>
#include <torch/serialize/input-archive.h>

#include <memory>
#include <optional>
#include <string>

namespace cisterna {

// Atomic write (temporary file + rename).
void writeModelFile(const std::string& path, const ModelMetadata& metadata, UNet& net,
                    torch::optim::Optimizer* optimizer = nullptr);

// Validates everything; weights end up on the CPU. Throws FormatError.
std::shared_ptr<ModelState> readModelFile(const std::string& path);

// Restores Adam's state from a checkpoint (tensors placed on `device`). Returns false
// when the file holds no optimizer state. Throws FormatError.
bool readOptimizerState(const std::string& path, torch::optim::Optimizer& optimizer,
                        const torch::Device& device);

// Throws MemoryBudgetError when the weights of `config` (plus their gradients and
// Adam's moments when training) would not fit.
void requireMemoryForNetwork(const UNetConfig& config, bool training);

} // namespace cisterna
