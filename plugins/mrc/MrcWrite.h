#pragma once
// Writes MRC2014 files: uint8 as mode 0 (IMOD stamp saying unsigned), uint16 as
// mode 6, float32 as mode 2; little-endian; one label "Cisterna".
#include "core/io/VolumeFormat.h"

namespace cisterna::mrc {

void writeMrc(const VolumePath& path, const Volume& volume, const WriteOptions& options);

} // namespace cisterna::mrc
