#pragma once
// Writes a volume as NRRD (.nrrd, .nhdr), MetaImage (.mha, .mhd) or NIfTI (.nii,
// .nii.gz) through ITK, atomically.
#include "core/io/VolumeFormat.h"

namespace cisterna::itkio {

void writeItk(const VolumePath& path, const Volume& volume, const WriteOptions& options);

} // namespace cisterna::itkio
