#include "core/learning/Prediction.h"

#include "core/learning/ModelState.h"
#include "core/learning/TilePredictor.h"
#include "core/learning/VolumeTensor.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <algorithm>

namespace cisterna {
namespace {

// Moves the network to the job's device for the job's duration, in eval mode.
class DeviceScope {
public:
    DeviceScope(ModelState& state, const ComputeDevice& device) : state_(state) {
        state_.net->to(device.device);
        state_.net->eval();
    }
    ~DeviceScope() {
        state_.net->to(torch::kCPU);
        state_.net->train();
    }
    DeviceScope(const DeviceScope&) = delete;
    DeviceScope& operator=(const DeviceScope&) = delete;

private:
    ModelState& state_;
};

ModelState& requireState(const Model& model) {
    if (model.isNull())
        throw InvalidArgument("no model to predict with: train or load one first");
    return *model.state();
}

void checkOutputType(DataType type) {
    if (type != DataType::UInt8 && type != DataType::Float32)
        throw InvalidArgument(std::string("probability maps are uint8 or float32, not ") +
                              toString(type));
}

void runPrediction(const Model& model, const Shape3& shape, const Vec3d& voxelSize,
                   bool hasVoxelSize, const TensorSource& source, const TensorSink& sink,
                   const PredictOptions& options) {
    ModelState& state = requireState(model);
    checkOutputType(options.outputType);
    const std::string warning = voxelSizeWarning(state.metadata, voxelSize, hasVoxelSize);
    if (!warning.empty() && options.onWarning)
        options.onWarning(warning);
    const TilePlan plan = planPrediction(model, shape, options);
    const ComputeDevice device = selectComputeDevice(options.device, options.mixedPrecision);
    if (!device.isCuda())
        requireMemory(unetInferenceBytes(state.metadata.network, plan.tile.input),
                      "predicting tiles of " + toString(plan.tile.input) +
                          " (a smaller tile needs less)");
    DeviceScope scope(state, device);
    predictTiles(state.net, device, plan, shape, source, sink, options.progress,
                 options.includeTile);
}

} // namespace

TilePlan planPrediction(const Model& model, const Shape3& shape, const PredictOptions& options) {
    const ModelMetadata& meta = requireState(model).metadata;
    const Shape3 fallback = defaultPredictionTile(meta.network, meta.trainingInput, shape);
    Shape3 tile = options.tileInput;
    if (tile.z <= 0)
        tile.z = fallback.z;
    if (tile.y <= 0)
        tile.y = fallback.y;
    if (tile.x <= 0)
        tile.x = fallback.x;
    return planTiles(meta.network, shape, tile);
}

void predictBlocks(const Model& model, const BlockReader& reader, const BlockConsumer& consume,
                   const PredictOptions& options) {
    const ModelMetadata& meta = requireState(model).metadata;
    const TensorSource source = [&](const Box3& box) {
        const Volume block = reader.read(box);
        if (block.shape() != box.size)
            throw InvalidArgument("the block reader returned " + toString(block.shape()) +
                                  " for a request of " + toString(box.size));
        return imageTensor(block, meta.normalisation);
    };
    const TensorSink sink = [&](const Box3& box, const torch::Tensor& softmax) {
        for (std::int64_t c = 1; c < softmax.size(0); ++c) {
            Volume block = Volume::allocate(options.outputType, box.size, VolumeRole::Image,
                                            "a block of probabilities");
            storeProbabilities(softmax[c], block, {0, 0, 0});
            consume(static_cast<int>(c - 1), box, block);
        }
    };
    runPrediction(model, reader.shape, reader.voxelSize, reader.hasVoxelSize, source, sink,
                  options);
}

std::vector<Volume> predictVolume(const Model& model, const Volume& image,
                                  const PredictOptions& options) {
    const ModelMetadata& meta = requireState(model).metadata;
    checkOutputType(options.outputType);
    if (image.isNull() || image.shape().isEmpty())
        throw InvalidArgument("cannot predict an empty image");
    std::vector<Volume> outputs;
    for (int c = 0; c < meta.network.classes; ++c) {
        Volume v = Volume::allocate(options.outputType, image.shape(), VolumeRole::Image,
                                    "the probability map");
        if (image.hasVoxelSize())
            v.setVoxelSize(image.voxelSize());
        v.setOrigin(image.origin());
        outputs.push_back(v);
    }
    const TensorSource source = [&](const Box3& box) {
        return imageTensor(image.crop(box), meta.normalisation);
    };
    const TensorSink sink = [&](const Box3& box, const torch::Tensor& softmax) {
        for (std::int64_t c = 1; c < softmax.size(0); ++c)
            storeProbabilities(softmax[c], outputs[static_cast<std::size_t>(c - 1)], box.begin);
    };
    runPrediction(model, image.shape(), image.voxelSize(), image.hasVoxelSize(), source, sink,
                  options);
    return outputs;
}

} // namespace cisterna
