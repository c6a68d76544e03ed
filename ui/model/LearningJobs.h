#pragma once
// Training, fine-tuning, prediction and post-processing with core's U-Net engine, as
// jobs. Available only when Cisterna is built with LibTorch; otherwise the start
// functions throw InvalidArgument saying so and learningAvailable() is false.
#include "ui/model/DocumentModel.h"
#include "ui/model/JobManager.h"

#include "core/volume/Geometry.h"

#include <optional>

namespace cisterna::ui {

bool learningAvailable();

struct TrainSettings {
    std::int64_t iterations = 300;
    int baseFeatures = 8;
    int levels = 2; // downsampling levels of the U-Net
    double learningRate = 1e-3;
    // Edge of the cubic training patch in voxels (rounded up to a size the network
    // takes); 0: the engine's choice, the largest that fits (slow on a CPU).
    std::int64_t patchSize = 0;
    bool validate = true; // hold out a slab of the volume for the validation F1
    QString baseModel;    // non-empty: fine-tune this model file
    bool freezeEncoder = false;
    QString modelPath; // where the trained model is saved (.cmodel)
    std::uint64_t seed = 1;
    // Learn only from this box of the image and labels (CLI twin: train --crop): a
    // graph cut of a region labels that box, and the truth outside it is not known.
    // Unset: the whole volume.
    std::optional<Box3> region;
};

// The slab of `labels` a training with settings.validate holds out for the
// validation F1: a quarter of one axis at one end, the one with the most labelled
// voxels that still leaves some to train on; nullopt when none qualifies (then the
// training runs without validation).
std::optional<Box3> validationSlab(const TrainSettings& settings, const Volume& labels,
                                   const Vec3d& voxelSize);

// What settings.patchSize gives on this document's image, for the Train dialog: the
// valid network input it is rounded to and that input's output ("input 36 x 36 x 36
// (z, y, x) -> output 20 x 20 x 20"), the automatic choice when it is 0, or why no
// patch fits.
QString describeTrainingPatch(const TrainSettings& settings, const DocumentModel& document);

// Trains on the organelle's truth layer (graph cut + edits). On success the model is
// saved to settings.modelPath and added to the organelle's models.
Job* startTraining(JobManager& jobs, DocumentModel& document, int organelle,
                   const TrainSettings& settings);

struct PredictSettings {
    QString modelPath;
    std::optional<Box3> region; // whole volume when unset
};

// Predicts the organelle's probability map (its prediction layer) with a model.
Job* startPrediction(JobManager& jobs, DocumentModel& document, int organelle,
                     const PredictSettings& settings);

struct PostProcessSettings {
    std::vector<int> organelles;     // those with a prediction; empty: all that have one
    std::optional<double> threshold; // unset: each organelle's own threshold
    std::int64_t minComponentVoxels = 0;
    bool onePerVoxel = true; // at most one organelle per voxel (the most probable)
};

// Threshold, size filter and the one-organelle-per-voxel rule, into the organelles'
// segmentation layers (one undoable step).
Job* startPostProcess(JobManager& jobs, DocumentModel& document,
                      const PostProcessSettings& settings);

} // namespace cisterna::ui
