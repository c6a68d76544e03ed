#pragma once
// Whole-volume operations used by the CLI and the app.
#include "core/util/Progress.h"
#include "core/volume/Volume.h"

namespace cisterna {

struct ValueRange {
    double min = 0, max = 0;
    bool hasNaN = false;
};
ValueRange valueRange(const Volume& volume);
void extendRange(ValueRange& range, const ValueRange& more, bool first);

// Converts to another voxel type, rounding and clamping to the target's range
// (NaN becomes 0). Metadata is kept.
Volume convertDataType(const Volume& volume, DataType target);

// True when both have the same shape, type and voxel values (metadata ignored).
bool sameVoxels(const Volume& a, const Volume& b);

} // namespace cisterna
