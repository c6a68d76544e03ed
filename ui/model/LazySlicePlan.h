#pragma once
// Which part of a browsed (lazy, multiscale) volume a slice view reads: the level that
// gives about one voxel per screen pixel, and only the box of that level the view
// shows, so a zoomed-out 4096 x 4096 section reads a 1024 x 1024 plane of a coarse
// level and a zoomed-in view reads its window alone. Pure logic, no widgets.
#include "ui/model/SliceGeometry.h"

#include "core/io/lazy/LazyPyramid.h"

namespace cisterna::ui {

struct LazySlicePlan {
    std::size_t level = 0;
    Box3 box;       // of that level: one voxel thick across the view's axis
    Shape3 factors; // level-0 voxels per voxel of that level
    // The level-0 columns and rows the box covers: [column, column + columns) and
    // [row, row + rows) of the full-resolution slice (clipped to it).
    std::int64_t column = 0, row = 0, columns = 0, rows = 0;
};

// `geometry` and `slice` are those of the full-resolution volume; the view shows
// columns [c0, c1) and rows [r0, r1) of the slice (clipped to it; an empty range
// plans nothing: columns == 0) at `pixelsPerColumn` and `pixelsPerRow` screen pixels
// per level-0 voxel.
LazySlicePlan planLazySlice(const LazyPyramid& pyramid, const SliceGeometry& geometry,
                            std::int64_t slice, double c0, double c1, double r0, double r1,
                            double pixelsPerColumn, double pixelsPerRow);

int axisIndexOf(ViewAxis axis); // 0 (z) for XY, 1 (y) for XZ, 2 (x) for YZ

} // namespace cisterna::ui
