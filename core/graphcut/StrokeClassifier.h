#pragma once
// The learned data term of the graph cut: a random forest trained on the features
// (VoxelFeatures.h) of the stroked voxels, giving P(object) for every voxel. Like
// ilastik's pixel classification, but its output is the cut's regional term, not
// the segmentation: the cut adds the boundary term and the strokes' hard
// constraints, which a classifier alone lacks.
#include "core/graphcut/RandomForest.h"
#include "core/graphcut/VoxelFeatures.h"
#include "core/util/Progress.h"
#include "core/volume/Volume.h"

#include <cstdint>
#include <vector>

namespace cisterna {

struct StrokeClassifierOptions {
    VoxelFeatureOptions features;
    RandomForestOptions forest;
    // Stroked voxels used per class, evenly spread over the strokes: neighbouring
    // voxels of one stroke add little, and training time grows with the samples.
    std::size_t samplesPerClass = 12000;
};

// Samples of the stroked voxels, each with its linear voxel index.
struct StrokeSamples {
    TrainingSamples samples;
    std::vector<std::int64_t> voxels;
};
// At most `perClass` voxels of each class, evenly spread over the stroked voxels.
StrokeSamples sampleStrokes(const FeatureStack& features, const Volume& strokes,
                            std::size_t perClass);

// P(object) x 255 of every voxel (uint8 volume of the features' shape, with the
// voxel size and origin of `image`, the volume the features came from), on all cores.
Volume predictProbability(const FeatureStack& features, const RandomForest& forest,
                          const Volume& image, const Progress& progress = {}, double from = 0,
                          double to = 1);

// The same for the voxels of `box` only: a uint8 volume of the box's size whose origin
// is the box's corner in `image`. A one-voxel-thick box is a plane, so the app's live
// preview costs a slice, not a volume. Throws InvalidArgument when the box does not
// fit in the features' shape.
Volume predictProbability(const FeatureStack& features, const RandomForest& forest,
                          const Volume& image, const Box3& box, const Progress& progress = {},
                          double from = 0, double to = 1);

} // namespace cisterna
