#pragma once
// Connected components of the non-zero voxels of a volume, for per-object counts.
#include "core/volume/Volume.h"

#include <cstdint>
#include <vector>

namespace cisterna {

enum class Connectivity { Faces6 = 6, Edges18 = 18, Corners26 = 26 };

struct Components {
    Shape3 shape;
    std::vector<std::uint32_t> labels; // row-major, 0 = background, 1..count
    std::uint32_t count = 0;
    std::vector<std::int64_t> sizes; // sizes[k] = voxels of component k (sizes[0] = background)
};

// Voxels count as foreground where `foreground(value)` is true; by default where
// the value is non-zero. Two-pass union-find, linear in the voxel count.
Components connectedComponents(const Volume& volume,
                               Connectivity connectivity = Connectivity::Faces6,
                               double threshold = 0.0);

} // namespace cisterna
