#pragma once
// Internal: the tile loop shared by prediction and validation during training.
#include "core/learning/ComputeDevice.h"
#include "core/learning/Tiling.h"
#include "core/learning/UNet.h"
#include "core/util/Progress.h"

#include <torch/types.h>

#include <functional>

namespace cisterna {

// Normalised float (z, y, x) CPU tensor of a box inside the volume.
using TensorSource = std::function<torch::Tensor(const Box3& box)>;
// Softmax of all channels (classes + 1, z, y, x), float on the CPU, for an output box.
using TensorSink = std::function<void(const Box3& box, const torch::Tensor& softmax)>;

// Which tiles to run (nullptr: all of them).
using TileFilter = std::function<bool(const Index3& tile)>;

// Runs `net` (already on device.device, in eval mode) over the tiles of `plan` that
// `include` accepts, in plan order. progress.report() is called per tile (and throws
// Cancelled when cancelled).
void predictTiles(UNet& net, const ComputeDevice& device, const TilePlan& plan,
                  const Shape3& volume, const TensorSource& source, const TensorSink& sink,
                  const Progress& progress, const TileFilter& include = nullptr);

} // namespace cisterna
