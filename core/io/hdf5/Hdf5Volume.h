#pragma once
// Reading and writing one dataset of an HDF5 file as a Cisterna volume.
#include "core/io/VolumeFormat.h"

namespace cisterna::hdf5 {

// The dataset written when a path names no dataset ("out.h5").
inline const char* const kDefaultDatasetName = "data";

VolumeInfo readInfo(const VolumePath& path);
Volume readVolume(const VolumePath& path, const ReadOptions& options);
// Into a new file, or into a copy of an existing file (its other datasets kept)
// that then replaces it.
void writeVolume(const VolumePath& path, const Volume& volume, const WriteOptions& options);

} // namespace cisterna::hdf5
