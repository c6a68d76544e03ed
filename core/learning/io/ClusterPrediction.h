#pragma once
// Prediction of one volume by several processes at once (the tasks of a Slurm
// array, or runs one after another): the output is a Zarr array per class whose
// chunks are exactly the prediction's tiles, so tile k belongs to task k mod tasks,
// no two tasks ever write the same chunk, and every voxel gets the value a single
// process gives (the same tiles, computed the same way). Each finished chunk is
// marked; a re-run of a task skips its marked chunks, so a killed task costs only the
// tile it was computing. Full build only (needs core/io).
#include "core/learning/Prediction.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cisterna {

struct PredictionShare {
    int task = 0;         // 0-based
    int tasks = 1;        // how many share the volume
    bool float16 = false; // store float32 maps as float16
};

struct ShareOutcome {
    std::int64_t tiles = 0;     // in the whole volume
    std::int64_t mine = 0;      // this task's share
    std::int64_t skipped = 0;   // of mine, done before (a re-run)
    std::int64_t predicted = 0; // of mine, predicted now
    std::int64_t doneNow = 0;   // tiles of all tasks done after this run
};

// `identity` says what is predicted (model file, image, options): an existing output
// made for something else is refused rather than mixed (SharedZarrArray.h).
ShareOutcome predictFileShare(const Model& model, const std::string& inputPath,
                              const std::vector<std::string>& outputPaths,
                              const PredictOptions& options, const PredictionShare& share,
                              const std::string& identity);

} // namespace cisterna
