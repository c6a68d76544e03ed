#pragma once
// Turns one slice of the volume and its organelle overlays into an RGB image: the
// display window through a lookup table, then per organelle the thresholded
// prediction (outlined), the truth (filled) and the strokes (nearly opaque), over the
// live classifier preview (a probability ramp). Only the
// visible slice is read, through raw pointers and strides: no per-voxel virtual call
// or type dispatch, so a 1024 x 1024 slice takes milliseconds.
#include "ui/model/SliceGeometry.h"

#include "core/volume/Volume.h"

#include <QColor>
#include <QImage>

#include <vector>

namespace cisterna::ui {

struct SliceOverlay {
    QColor colour;
    double opacity = 0.5;
    Volume strokes, truth, prediction, segmentation; // uint8, any may be null
    double threshold = 0.5;                          // prediction: p > threshold shows
    // The live classifier preview: P(object) x 255 of the shown plane only, a volume
    // one voxel thick along the view's axis (ClassifierPreview). Drawn first, in the
    // organelle's colour with an opacity proportional to P, so it reads as a soft
    // probability ramp beside the filled truth and the outlined prediction.
    Volume preview;
};

struct SliceRenderRequest {
    SliceGeometry geometry;
    std::int64_t slice = 0;
    double windowLevel = 127.5, windowWidth = 255;
    std::vector<SliceOverlay> overlays; // drawn in order
    QColor backgroundStroke{40, 120, 255};
};

// One image pixel per voxel column/row; the view scales it by the voxel aspect.
QImage renderSlice(const Volume& image, const SliceRenderRequest& request);

} // namespace cisterna::ui
