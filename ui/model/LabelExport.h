#pragma once
// Label volumes for export: one organelle as a binary volume, or all organelles as
// one multi-label volume (organelle i has value i + 1; where two overlap, the later
// organelle in the list wins). Written in any format core writes.
#include "ui/model/DocumentModel.h"

namespace cisterna::ui {

// Which layer an export takes; Best is the segmentation if there is one, else the
// thresholded prediction, else the truth.
enum class ExportSource { Best, Truth, Prediction, Segmentation };

// Binary uint8 0/1 with the image's voxel size and origin; null when the organelle
// has nothing in that source.
Volume organelleMask(const DocumentModel& document, int organelle, ExportSource source);
// uint8 (uint16 beyond 255 organelles); throws InvalidArgument when no organelle has
// anything to export.
Volume multiLabelVolume(const DocumentModel& document, ExportSource source);

void exportLabelVolume(const QString& path, const Volume& labels);

} // namespace cisterna::ui
