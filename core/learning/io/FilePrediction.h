#pragma once
// Prediction from a file to files, block by block: each tile reads only the region it
// needs (chunked formats read only the chunks it touches) and each finished block is
// written at once, so volumes larger than memory can be predicted. Only in the full
// build (it needs core/io); the learning-only build has the in-memory API alone.
#include "core/io/BlockWriter.h"
#include "core/learning/Prediction.h"

#include <string>
#include <vector>

namespace cisterna {

// Reads boxes of a volume file (only the chunks a box touches, for chunked formats).
BlockReader fileReader(const std::string& path);
// Throws InvalidArgument unless `outputs` is the model's class count.
void checkOutputCount(const Model& model, std::size_t outputs);

// One probability map per class of the model at outputPaths (same count). Chunked
// outputs (Zarr, N5, HDF5) are written block by block; other formats are predicted in
// memory (when it fits) and written at the end. Nothing appears at an output path
// unless the whole prediction succeeded. writeOptions.float16 stores float32 maps as
// float16 (HDF5, Zarr), checked before anything is predicted.
void predictFile(const Model& model, const std::string& inputPath,
                 const std::vector<std::string>& outputPaths, const PredictOptions& options,
                 const WriteOptions& writeOptions = {});

// The same into writers the caller made (one per class); commits them at the end.
void predictFileTo(const Model& model, const std::string& inputPath,
                   const std::vector<BlockWriter*>& writers, const PredictOptions& options);

} // namespace cisterna
