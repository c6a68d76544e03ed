#pragma once
// Prediction with a trained model: blockwise over the whole volume with mirror-padded
// borders (every voxel predicted), the same values as one pass over the volume.
// Probability maps are uint8 (0..255 = p * 255, rounded) or float32; our volumes have
// no float16, so "half precision" outputs are written as float32.
#include "core/learning/Model.h"
#include "core/learning/Tiling.h"
#include "core/learning/TorchRuntime.h"
#include "core/util/Progress.h"
#include "core/volume/Volume.h"

#include <functional>
#include <string>
#include <vector>

namespace cisterna {

struct PredictOptions {
    // Tile input size; 0 on an axis: a tile whose output reaches up to 128 voxels (at
    // least the training patch's output) while its feature maps stay within 2 GiB or
    // the training patch's, whichever is more. Tiles are never larger than needed to
    // cover the volume.
    Shape3 tileInput{0, 0, 0};
    DataType outputType = DataType::UInt8; // UInt8 or Float32
    DevicePreference device = DevicePreference::Auto;
    bool mixedPrecision = true; // CUDA only
    Progress progress;          // fraction of tiles done; cancel throws Cancelled
    std::function<void(const std::string&)> onWarning; // e.g. another voxel size
    // Which tiles of planPrediction()'s plan to predict (all when unset): one task's
    // share of a cluster array, or the blocks not done yet. Skipped tiles' output
    // boxes are never handed to a sink.
    std::function<bool(const Index3& tile)> includeTile;
};

// Reads any box inside the volume (the mirror padding is added by the caller).
struct BlockReader {
    Shape3 shape;
    Vec3d voxelSize{1, 1, 1};
    bool hasVoxelSize = false;
    std::function<Volume(const Box3& box)> read;
};
// Receives each finished block of class `classIndex` (0-based) exactly once.
using BlockConsumer = std::function<void(int classIndex, const Box3& box, const Volume& block)>;

// The tiling prediction would use for a volume of `shape`.
TilePlan planPrediction(const Model& model, const Shape3& shape, const PredictOptions& options);

// Blockwise: reads what each tile needs, hands each output block to `consume`.
void predictBlocks(const Model& model, const BlockReader& reader, const BlockConsumer& consume,
                   const PredictOptions& options);

// In memory: one probability volume per class of the model, with the image's shape,
// voxel size and origin.
std::vector<Volume> predictVolume(const Model& model, const Volume& image,
                                  const PredictOptions& options = {});

} // namespace cisterna
