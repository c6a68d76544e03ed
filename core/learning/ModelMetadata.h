#pragma once
// What a model file says about the network inside it, for the user (which organelle,
// trained on what, how good) and for prediction (architecture, normalisation, voxel
// size, patch size).
#include "core/learning/KeyValueText.h"
#include "core/learning/Normalisation.h"
#include "core/learning/UNetConfig.h"
#include "core/volume/Geometry.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cisterna {

// Where an interrupted training stands, stored in checkpoints so training can resume.
struct TrainingState {
    std::int64_t iteration = 0;       // iterations done in this run
    std::int64_t totalIterations = 0; // iterations the run was asked for
    std::uint64_t seed = 0;
};

struct ModelMetadata {
    std::string organelle;               // "mito"; for multi-class: "mito+er"
    std::vector<std::string> classNames; // one per class (binary: {organelle})
    UNetConfig network;
    Shape3 trainingInput;     // patch the network was trained on
    Vec3d voxelSize{1, 1, 1}; // nm, of the training image
    bool hasVoxelSize = false;
    Normalisation normalisation;
    std::string trainingData;           // one line: shapes, foreground fraction, files
    std::int64_t iterations = 0;        // all iterations, fine-tuning included
    std::optional<double> validationF1; // last validation, if there was one
    std::string finetunedFrom;          // summary of the base model, empty if none
    std::string cisternaVersion;
    std::string device;                      // "cpu", "cuda:0 (bf16 autocast)", ...
    std::string createdAt;                   // UTC, ISO 8601
    std::optional<TrainingState> checkpoint; // set in checkpoints only

    KeyValueText toKeyValues() const;
    // Throws FormatError(source, ...) for missing or nonsensical entries.
    static ModelMetadata fromKeyValues(const KeyValueText& kv, const std::string& source);
    // Several lines for `--info` and logs.
    std::string describe() const;
};

// A warning when `voxelSize` differs from the training voxel size by more than 10 % on
// any axis (empty when it matches or either side has no voxel size).
std::string voxelSizeWarning(const ModelMetadata& meta, const Vec3d& voxelSize, bool hasVoxelSize);

std::string utcTimestamp();

} // namespace cisterna
