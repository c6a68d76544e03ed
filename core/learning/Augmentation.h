#pragma once
// Internal: random augmentation of one training patch, on whatever device it lives.
// The image patch (1, z, y, x) is the network input, the target patch (z, y, x) covers
// either the output window (centred) or, with elastic deformation, the input window.
#include "core/learning/Training.h"

#include <torch/types.h>

#include <array>
#include <random>
#include <vector>

namespace cisterna {

class Augmenter {
public:
    // `interchangeable`: groups of axes (0 z, 1 y, 2 x) that transposes may swap, i.e.
    // same voxel size and same network geometry.
    Augmenter(const AugmentationOptions& options, const Vec3d& voxelSize,
              std::vector<std::vector<int>> interchangeable);

    // image: (z, y, x) float; target: (z, y, x) uint8 over the same window as image
    // when options.elastic, else over the centred output window. Returns both
    // augmented; the target is cropped to `output` (z, y, x) extents.
    std::pair<torch::Tensor, torch::Tensor> apply(torch::Tensor image, torch::Tensor target,
                                                  const Shape3& output, std::mt19937_64& rng) const;

    const AugmentationOptions& options() const { return options_; }

private:
    std::pair<torch::Tensor, torch::Tensor>
    deform(const torch::Tensor& image, const torch::Tensor& target, std::mt19937_64& rng) const;

    AugmentationOptions options_;
    Vec3d voxelSize_;
    std::vector<std::vector<int>> interchangeable_;
};

// Axes whose voxel sizes agree within 10 % and whose geometry is the same.
std::vector<std::vector<int>> interchangeableAxes(const UNetConfig& config, const Shape3& input,
                                                  const Vec3d& voxelSize);

} // namespace cisterna
