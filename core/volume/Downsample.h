#pragma once
// One level of an image pyramid: a volume shrunk by an integer factor per axis, so
// that zoomed-out views and overviews read a few bytes per screen pixel instead of
// the whole section.
#include "core/volume/Volume.h"

namespace cisterna {

// The factors (1 or 2 per axis) of the next pyramid level of voxels of `voxelSize`:
// every axis is halved except those already at least twice as coarse as the finest
// one, so 30 x 6 x 6 nm sections are halved in-plane first (30 x 12 x 12, 30 x 24 x 24)
// and only then along z (60 x 48 x 48), keeping levels close to isotropic.
Shape3 pyramidFactors(const Vec3d& voxelSize);

// The shape of `shape` shrunk by `factors`: ceil(extent / factor) per axis, so the
// last, partial block of each axis still gives a voxel.
Shape3 downsampledShape(const Shape3& shape, const Shape3& factors);

// `source` shrunk by `factors` (each >= 1). Images: the mean of each block, rounded to
// the nearest value for integer types. Labels: the largest value of each block, so
// that thin structures (a one-voxel membrane, a pore) stay visible when zoomed out.
// The result is contiguous, keeps the role, its voxel size is multiplied by the
// factors and its origin moves to the centre of the first block.
Volume downsample(const Volume& source, const Shape3& factors);

} // namespace cisterna
