#pragma once
// Turns one slice of the volume (and its labels) into an RGB image, with the
// display window applied and labels blended in their organelle colours.
#include "ui/model/SliceGeometry.h"

#include "core/volume/Volume.h"

#include <QColor>
#include <QImage>

namespace cisterna::ui {

QColor labelColour(int label); // the organelle colours used everywhere in the app

struct SliceRenderRequest {
    SliceGeometry geometry;
    std::int64_t slice = 0;
    double windowLevel = 127.5, windowWidth = 255;
    double labelOpacity = 0.4;
};

// One image pixel per voxel column/row; the view scales it by the voxel aspect.
QImage renderSlice(const Volume& image, const Volume* labels, const SliceRenderRequest& request);

} // namespace cisterna::ui
