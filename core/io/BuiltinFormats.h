#pragma once
// Factories of the formats compiled into core. MRC lives in plugins/mrc and comes
// in through the plugin loader.
#include "core/io/VolumeFormat.h"

#include <memory>

namespace cisterna {

std::shared_ptr<VolumeFormat> makeTiffStackFormat();   // multi-page .tif/.tiff
std::shared_ptr<VolumeFormat> makeSliceFolderFormat(); // folders of .tif/.png 2D slices
std::shared_ptr<VolumeFormat> makeHdf5Format();        // .h5 .hdf5 .hdf
std::shared_ptr<VolumeFormat> makeZarrFormat();        // .zarr, OME-Zarr (.ome.zarr)
std::shared_ptr<VolumeFormat> makeN5Format();          // .n5
std::shared_ptr<VolumeFormat> makeItkFormat();         // .nrrd .nhdr .mha .mhd .nii .nii.gz

} // namespace cisterna
