#pragma once
// Reads the voxels of a validated MRC file, or only a region of them: each needed
// row is read with pread at its offset, so a region of a file larger than memory
// costs only the region.
#include "plugins/mrc/MrcHeader.h"

namespace cisterna::mrc {

Volume readVoxels(const VolumePath& path, const MrcLayout& layout, const Box3& region);

} // namespace cisterna::mrc
