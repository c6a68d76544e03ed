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

// Throws FormatError when a NIfTI-1 file (.nii or .nii.gz) holds fewer bytes than its
// header promises (vox_offset + every voxel), or its gzip stream is damaged: the
// NIfTI library fills what it could not read with zeros and reports nothing, so a
// truncated download would be read as a volume whose end is black. A .nii.gz is
// decompressed once for this (streamed, in 1 MiB pieces); a plain .nii is left to the
// header's file-size check.
void rejectShortNiftiData(const VolumePath& path);

} // namespace cisterna::itkio
