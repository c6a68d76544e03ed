#include "core/learning/io/ClusterPrediction.h"

#include "core/io/VolumeIO.h"
#include "core/io/zarr/SharedZarrArray.h"
#include "core/learning/io/FilePrediction.h"
#include "core/util/Error.h"

#include <algorithm>
#include <memory>

namespace cisterna {

ShareOutcome predictFileShare(const Model& model, const std::string& inputPath,
                              const std::vector<std::string>& outputPaths,
                              const PredictOptions& options, const PredictionShare& share,
                              const std::string& identity) {
    if (share.tasks < 1 || share.task < 0 || share.task >= share.tasks)
        throw InvalidArgument("task " + std::to_string(share.task) + " of " +
                              std::to_string(share.tasks) + " does not exist (tasks are 0 to " +
                              std::to_string(share.tasks - 1) + ")");
    checkOutputCount(model, outputPaths.size());
    const VolumeInfo info = readVolumeInfo(inputPath);
    const TilePlan plan = planPrediction(model, info.shape, options);
    SharedArraySpec spec;
    spec.type = options.outputType;
    spec.shape = info.shape;
    spec.chunk = Shape3{plan.step.z, plan.step.y, plan.step.x};
    spec.hasVoxelSize = info.hasVoxelSize;
    spec.voxelSize = info.voxelSize;
    spec.origin = info.origin;
    spec.float16 = share.float16;
    spec.identity = identity + "; tile input " + toString(plan.tile.input);
    std::vector<std::unique_ptr<SharedZarrArray>> outputs;
    for (const std::string& path : outputPaths)
        outputs.push_back(std::make_unique<SharedZarrArray>(path, spec));
    const Shape3 grid = outputs.front()->gridShape();
    if (grid.z != plan.counts.z || grid.y != plan.counts.y || grid.x != plan.counts.x)
        throw Error("the tiles (" + toString(Shape3{plan.counts.z, plan.counts.y, plan.counts.x}) +
                    ") do not match the output's chunks (" + toString(grid) + ")");

    ShareOutcome outcome;
    outcome.tiles = plan.tileCount();
    const auto linear = [&](const Index3& t) {
        return (t.z * plan.counts.y + t.y) * plan.counts.x + t.x;
    };
    const auto done = [&](const Index3& t) {
        for (const auto& o : outputs)
            if (!o->isDone(t))
                return false;
        return true;
    };
    PredictOptions mine = options;
    mine.includeTile = [&](const Index3& t) {
        if (linear(t) % share.tasks != share.task)
            return false;
        ++outcome.mine;
        if (done(t)) {
            ++outcome.skipped;
            return false;
        }
        return true;
    };
    predictBlocks(
        model, fileReader(inputPath),
        [&](int c, const Box3& box, const Volume& block) {
            const Index3 t{box.begin.z / plan.step.z, box.begin.y / plan.step.y,
                           box.begin.x / plan.step.x};
            outputs[std::size_t(c)]->writeChunk(t, block);
            if (c + 1 == int(outputs.size()))
                ++outcome.predicted;
        },
        mine);
    outcome.doneNow = outputs.front()->doneCount();
    for (const auto& o : outputs)
        outcome.doneNow = std::min(outcome.doneNow, o->doneCount());
    return outcome;
}

} // namespace cisterna
