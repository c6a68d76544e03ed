#pragma once
// Multi-scale 3D voxel features for the graph cut's learned data term, most of the
// set ilastik's pixel classification uses: Gaussian smoothing, gradient magnitude,
// Laplacian of Gaussian and the eigenvalues of the Hessian, at several scales. (The
// structure tensor's eigenvalues, ilastik's last group, were tried: on the SBEM
// training stack they moved the cut's F1 by under 0.01 and doubled the time.) The Hessian's
// eigenvalues answer sheets (one large eigenvalue: Golgi cisternae, ER sheets, membranes) and tubes
// (two: ER tubules), which grey values alone cannot tell from cytoplasm.
//
// Smoothed with VIGRA (ilastik's own C++ core), derivatives by central differences
// of the smoothed volume, and anisotropy-aware: scales are in
// units of the smallest voxel side, so a scale of 1.6 is 1.6 pixels in-plane and a
// third of a section along z on 30 x 6 x 6 nm SBEM, and derivatives are taken per
// nanometre, not per voxel, so eigenvalues mix the axes correctly. Along an axis
// whose voxels are larger than the scale the Gaussian is kept at half a voxel: a
// narrower one is not sampled by the grid.
//
// Each feature is quantised to a byte over its 0.5 to 99.5 percentile range, so the
// stack costs one byte per feature and voxel and the random forest splits bytes.
#include "core/util/Progress.h"
#include "core/volume/Volume.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cisterna {

struct VoxelFeatureOptions {
    // 7 and the smoothing at 20 are context: a mitochondrion is 30-80 pixels wide on
    // 6 nm SBEM. Adding them took the automatic cut's F1 on the SBEM training stack from
    // 0.805 to 0.828 (held-out validation 0.851 -> 0.865) and raised every phantom
    // organelle by 0.005-0.04; wider sets (7 and 14, or 1 to 10) gave no more.
    std::vector<double> scales = {0.7, 1.6, 3.5, 7.0};
    double largestSmoothing = 20.0; // one more, coarser smoothing for context
};

// Features of every voxel, voxel-major: the `count` bytes of voxel i start at i * count.
class FeatureStack {
public:
    Shape3 shape;
    int count = 0;
    std::vector<std::string> names;
    std::vector<std::uint8_t> data;

    const std::uint8_t* voxel(std::int64_t index) const {
        return data.data() + std::size_t(index) * std::size_t(count);
    }
};

// The Gaussian smoothing the features are made of (float32, the image's shape): scale
// in units of the smallest voxel side, per axis never under half a voxel (see above).
Volume gaussianSmoothed(const Volume& image, double scale, const Progress& progress = {});

// Number of features computeVoxelFeatures() makes with these options.
int voxelFeatureCount(const VoxelFeatureOptions& options);

// Bytes computeVoxelFeatures() needs for an image of this shape, at its peak.
std::uint64_t voxelFeatureBytes(const Shape3& shape, const VoxelFeatureOptions& options);

// Checks the memory first (count bytes per voxel plus one scale's float temporaries)
// and throws MemoryBudgetError; throws Cancelled through `progress`.
FeatureStack computeVoxelFeatures(const Volume& image, const VoxelFeatureOptions& options = {},
                                  const Progress& progress = {}, double from = 0, double to = 1);

} // namespace cisterna
