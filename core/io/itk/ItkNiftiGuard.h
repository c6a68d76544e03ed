#pragma once
// ITK 5.2's NiftiImageIO runs an SVD over the header's qform/sform matrices; with
// NaN or astronomically large entries (a damaged header) that SVD never returns.
// So the spatial fields of a NIfTI-1 header are checked here first, read with
// zlib, which reads .nii and .nii.gz alike.
#include "core/io/VolumePath.h"

namespace cisterna::itkio {

// Throws FormatError when pixdim, the quaternion (if qform_code is set) or the
// affine rows (if sform_code is set) are not finite or exceed 1e9 in magnitude.
void rejectHostileNiftiTransform(const VolumePath& path);

} // namespace cisterna::itkio
