#pragma once
// Draws a slice of a browsed volume (lazy, multiscale) without waiting on the disk:
// what the chunk cache holds of the planned box is drawn now, the rest (and the planes
// next to it, for the next step) is handed to the volume's read-ahead, and the view
// draws again until the picture is complete.
#include "ui/model/LazySlicePlan.h"

#include <QImage>

namespace cisterna::ui {

struct LazySliceImage {
    QImage image; // one pixel per voxel of the plan's level; null when nothing planned
    LazySlicePlan plan;
    bool complete = true; // false: some chunks were still being read (drawn black)
};

LazySliceImage renderLazySlice(const LazyPyramid& pyramid, const LazySlicePlan& plan, ViewAxis axis,
                               double windowLevel, double windowWidth);

} // namespace cisterna::ui
