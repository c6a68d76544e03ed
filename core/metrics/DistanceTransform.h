#pragma once
#include "core/volume/Geometry.h"

#include <vector>

namespace cisterna {

// Exact squared Euclidean distance (in voxel units) from every voxel to the nearest
// voxel where `feature` is true; +inf where there is none. Separable algorithm of
// Felzenszwalb & Huttenlocher, linear in the voxel count.
std::vector<float> squaredDistanceToFeature(const std::vector<bool>& feature, const Shape3& shape);

} // namespace cisterna
