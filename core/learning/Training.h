#pragma once
// Training and fine-tuning of the U-Net: ASEM's recipe (random patches with rejection
// of empty or masked ones, mirror/transpose/intensity/noise/elastic augmentation,
// class-balanced cross-entropy inside the mask, Adam), as a job with progress,
// cancellation, validation, checkpoints and resume.
#include "core/learning/Model.h"
#include "core/learning/TorchRuntime.h"
#include "core/util/Error.h"
#include "core/util/Progress.h"
#include "core/volume/Volume.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cisterna {

// Which label values mean which class. Empty classValues: one class, every non-zero
// label. Otherwise classValues[i] lists the label values of class i + 1 (e.g. {{1}} for
// the mitochondria of the phantom's multi-label truth, {{1}, {3}} for mito and ER).
struct LabelSpec {
    std::vector<std::vector<std::int64_t>> classValues;
    // A label value meaning "not annotated": such voxels do not count in the loss.
    std::optional<std::int64_t> unlabelledValue;
    int classCount() const { return classValues.empty() ? 1 : int(classValues.size()); }
};

struct TrainingData {
    Volume image;  // grey, any type
    Volume labels; // integer, same shape as the image
    Volume mask;   // optional (null): non-zero where the labels are trusted
    // Optional held-out data for validation F1 (labels required; mask optional).
    // Alternatively validationRegion takes a box of the training volumes out of
    // training and validates on it.
    Volume validationImage;
    Volume validationLabels;
    Volume validationMask;
    std::optional<Box3> validationRegion;
    std::string description; // where the data came from, recorded in the model
};

struct AugmentationOptions {
    bool mirror = true;
    bool transpose = true;       // only between axes with the same voxel size and geometry
    double intensityScale = 0.1; // grey values scaled by 1 +- this
    double intensityShift = 0.1; // and shifted by +- this (in units of the [0,1] range)
    double noiseSigma = 0.05;    // Gaussian noise up to this sigma (units of [0,1] range)
    bool elastic = false;
    double elasticSpacing = 32; // control point spacing in voxels (of the finest axis)
    double elasticSigma = 2;    // displacement of control points in voxels
};

struct SamplingOptions {
    // ASEM: patches with less than 5 % organelle are rejected with probability 0.9,
    // patches less than 75 % inside the mask with probability 0.95.
    double minForeground = 0.05;
    double rejectEmptyProbability = 0.9;
    double minMasked = 0.75;
    double rejectMaskedProbability = 0.95;
};

struct TrainingProgress {
    std::int64_t iteration = 0; // done so far (1-based after the first)
    std::int64_t totalIterations = 0;
    double loss = 0;                    // of this iteration
    double averageLoss = 0;             // over the last iterations
    std::optional<double> validationF1; // most recent
    double iterationsPerSecond = 0;
    double etaSeconds = 0;
    bool validatedNow = false;
    bool checkpointedNow = false;
};

struct TrainOptions {
    // Architecture (ignored when fine-tuning or resuming: the model's own is used).
    UNetConfig network;
    // Patch input size; empty = the largest valid size up to 204^3 (ASEM) that fits
    // the training volume.
    Shape3 inputShape{0, 0, 0};
    std::string organelle = "organelle";
    std::vector<std::string> classNames; // multi-class; default organelle names
    LabelSpec labels;

    std::int64_t iterations = 1000;
    int batchSize = 1;
    double learningRate = 1e-4; // ASEM: 3e-5 over 100k-200k iterations
    double weightDecay = 3e-5;
    double clipMin = 0.01; // class weights from clipped class fractions (ASEM)
    double clipMax = 0.99;
    AugmentationOptions augmentation;
    SamplingOptions sampling;
    std::uint64_t seed = 1;

    std::int64_t validateEvery = 0;   // 0: only at the end (when there is validation data)
    std::string checkpointPath;       // empty: no checkpoints
    std::int64_t checkpointEvery = 0; // 0: only on cancel
    std::string resumeFrom;           // a checkpoint to continue

    bool freezeEncoder = false; // fine-tuning only
    DevicePreference device = DevicePreference::Auto;
    bool mixedPrecision = true; // CUDA only

    std::function<void(const TrainingProgress&)> onProgress;
    std::function<void(const std::string&)> onWarning;
    std::shared_ptr<const CancelToken> cancel;
};

struct TrainResult {
    Model model;
    std::int64_t iterations = 0; // done in this run (resumed ones included)
    std::vector<double> losses;  // per iteration of this run
    std::optional<double> validationF1;
    std::string device;
    std::string checkpointWritten; // path of the last checkpoint, if any
};

// What trainModel and finetuneModel throw when cancelled: Cancelled, as every engine of
// core stops, carrying the run as far as it went (its model holds the weights of the
// last finished iteration) once the checkpoint is written.
class TrainingStopped : public Cancelled {
public:
    explicit TrainingStopped(std::shared_ptr<const TrainResult> result)
        : result_(std::move(result)) {}
    const TrainResult& result() const { return *result_; }

private:
    std::shared_ptr<const TrainResult> result_;
};

// Trains a new network (or resumes options.resumeFrom). Throws InvalidArgument for
// unusable data (mismatched shapes, no labelled organelle voxel, a volume smaller
// than the network's input), FormatError for an unreadable checkpoint. Cancellation
// throws TrainingStopped within one iteration, after writing a checkpoint when
// options.checkpointPath is set.
TrainResult trainModel(const TrainingData& data, const TrainOptions& options);

// Continues training `base` on new data: all weights trainable unless
// options.freezeEncoder; the base's architecture and patch size are kept.
TrainResult finetuneModel(const Model& base, const TrainingData& data, const TrainOptions& options);

// The patch size trainModel would pick for a volume of `shape`.
Shape3 defaultInputShape(const UNetConfig& network, const Shape3& volumeShape);

} // namespace cisterna
