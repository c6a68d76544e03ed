#pragma once
// The graph cut of a region: on a volume too large to cut whole in reasonable time
// and memory (the learned term's features alone cost 25 bytes per voxel), the cut
// covers the box the strokes span plus a margin, and leaves the rest of the labels
// as they were. Strokes far apart give a large box: the user sees it (the app draws
// it) and can change the margin or cut the whole volume.
#include "core/graphcut/AutoGraphCut.h"
#include "core/volume/Volume.h"

namespace cisterna {

// The bounding box of the stroked voxels (non-zero), grown by `margin` on every side
// and clamped to the volume. The margin is in units of the smallest voxel side (in-
// plane pixels on thick-section EM), so on 30 x 6 x 6 nm voxels 30 pixels are 6
// sections: the same physical distance on every axis, at least one voxel where the
// margin is not zero. Throws InvalidArgument when nothing is stroked or the margin
// is negative.
Box3 strokeRegion(const Volume& strokes, double margin);
// `tight` (the strokes' own box) grown by `margin` the same way, clamped to `shape`.
Box3 growRegion(const Box3& tight, const Shape3& shape, const Vec3d& voxelSize, double margin);

// The features of the voxels of `box` (a copy): features computed on the whole
// volume keep their context at the box's faces, which features of the crop lack.
FeatureStack cropFeatures(const FeatureStack& features, const Box3& box);

// autoGraphCut() on the voxels of `box` only. The result's labels have the whole
// image's shape: inside the box the cut, outside it `outside` (labels to keep, the
// image's shape, uint8) or 0 when `outside` is null. The result's probability, when
// computed, covers the box (its origin is the box's corner). params.features, when
// given for the whole image, is cropped; params.prior too. Throws like autoGraphCut,
// and InvalidArgument when the box does not fit or `outside` has another shape.
AutoGraphCutResult autoGraphCutInRegion(const Volume& image, const Volume& strokes,
                                        const AutoGraphCutParams& params, const Box3& box,
                                        const Volume& outside = {}, const Progress& progress = {});

} // namespace cisterna
