#pragma once
// Reads the voxels of a header already read by readItkHeader, whole or a region.
#include "core/io/itk/ItkHeader.h"

namespace cisterna::itkio {

// MetaImage reads only the region from disk (ITK streams it); NRRD and NIfTI
// cannot, so the whole image is read into a scratch buffer (after checking the
// memory budget) and the region copied out.
Volume readItkVoxels(const VolumePath& path, ItkHeader& header, const Box3& region);

} // namespace cisterna::itkio
