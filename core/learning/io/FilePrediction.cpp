#include "core/learning/io/FilePrediction.h"

#include "core/io/VolumeIO.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <memory>

namespace cisterna {

BlockReader fileReader(const std::string& path) {
    const VolumeInfo info = readVolumeInfo(path);
    BlockReader reader;
    reader.shape = info.shape;
    reader.voxelSize = info.voxelSize;
    reader.hasVoxelSize = info.hasVoxelSize;
    reader.read = [path](const Box3& box) {
        ReadOptions options;
        options.region = box;
        return readVolume(path, options);
    };
    return reader;
}

void checkOutputCount(const Model& model, std::size_t outputs) {
    const int classes = model.metadata().network.classes;
    if (static_cast<int>(outputs) != classes)
        throw InvalidArgument("the model predicts " + std::to_string(classes) +
                              (classes == 1 ? " class" : " classes") + " but " +
                              std::to_string(outputs) + " output paths were given");
}

void predictFileTo(const Model& model, const std::string& inputPath,
                   const std::vector<BlockWriter*>& writers, const PredictOptions& options) {
    checkOutputCount(model, writers.size());
    const BlockReader reader = fileReader(inputPath);
    predictBlocks(
        model, reader,
        [&](int c, const Box3& box, const Volume& block) {
            writers[static_cast<std::size_t>(c)]->writeBlock(box, block);
        },
        options);
    for (BlockWriter* w : writers)
        w->commit();
}

void predictFile(const Model& model, const std::string& inputPath,
                 const std::vector<std::string>& outputPaths, const PredictOptions& options,
                 const WriteOptions& writeOptions) {
    checkOutputCount(model, outputPaths.size());
    for (const std::string& path : outputPaths)
        checkFloat16Storage(path, options.outputType, writeOptions);
    const VolumeInfo info = readVolumeInfo(inputPath);
    BlockWriterSpec spec;
    spec.dataType = options.outputType;
    spec.shape = info.shape;
    spec.voxelSize = info.voxelSize;
    spec.hasVoxelSize = info.hasVoxelSize;
    spec.origin = info.origin;
    std::vector<std::unique_ptr<BlockWriter>> owned;
    try {
        for (const std::string& path : outputPaths)
            owned.push_back(createBlockWriter(path, spec, writeOptions));
    } catch (const FormatError&) {
        // Not a chunked format: predict in memory when the volumes fit, else say why not.
        owned.clear();
        const std::uint64_t bytes =
            checkedByteCount(info.shape, bytesPerVoxel(info.dataType), "image") +
            checkedByteCount(info.shape, bytesPerVoxel(options.outputType), "prediction") *
                outputPaths.size();
        requireMemory(bytes, "prediction of " + inputPath +
                                 " in memory (write Zarr, N5 or HDF5 to predict block by block)");
        const Volume image = readVolume(inputPath);
        const std::vector<Volume> maps = predictVolume(model, image, options);
        for (std::size_t c = 0; c < maps.size(); ++c)
            writeVolume(outputPaths[c], maps[c], writeOptions);
        return;
    }
    std::vector<BlockWriter*> writers;
    for (auto& w : owned)
        writers.push_back(w.get());
    predictFileTo(model, inputPath, writers, options);
}

} // namespace cisterna
