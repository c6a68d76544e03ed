#pragma once
// From probability maps to segmentations: threshold, removal of small connected
// components, and for several organelles predicted on one volume at most one
// organelle per voxel. Probability maps are uint8 (p * 255) or float32 (p).
#include "core/metrics/ConnectedComponents.h"
#include "core/util/Progress.h"
#include "core/volume/Volume.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cisterna {

struct PostProcessOptions {
    double threshold = 0.5;              // foreground where p > threshold
    std::int64_t minComponentVoxels = 0; // smaller components are removed (0: keep all)
    Connectivity connectivity = Connectivity::Faces6;
};

// Binary uint8 (0/1) volume of p > threshold, with the input's voxel size and origin.
Volume thresholdProbabilities(const Volume& probabilities, double threshold);

// Sets to 0 the components of non-zero voxels with fewer than minVoxels voxels;
// returns how many components were removed. `labels` is a uint8 or uint16 volume.
std::int64_t removeSmallComponents(Volume& labels, std::int64_t minVoxels,
                                   Connectivity connectivity = Connectivity::Faces6);

// Threshold and small-component removal of one organelle's map.
Volume postProcess(const Volume& probabilities, const PostProcessOptions& options);

enum class OverlapRule { HighestProbability, Priority };
OverlapRule parseOverlapRule(const std::string& text); // "highest", "priority"

struct OrganelleMap {
    std::string name;
    std::uint16_t label = 1; // value in the combined label volume
    Volume probabilities;
    // This organelle's threshold (each organelle's network is calibrated on its own);
    // unset: PostProcessOptions::threshold.
    std::optional<double> threshold;
};

// One label volume (uint8, or uint16 when a label exceeds 255) in which each voxel
// holds at most one organelle: among those above their thresholds, the most probable
// (HighestProbability) or the first in `maps` order (Priority). Small components are
// then removed per organelle. Throws InvalidArgument for maps of different shapes.
Volume combineOrganelles(const std::vector<OrganelleMap>& maps, OverlapRule rule,
                         const PostProcessOptions& options, const Progress& progress = {});

} // namespace cisterna
