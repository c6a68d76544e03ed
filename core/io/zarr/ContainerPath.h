#pragma once
// Navigating folder containers (Zarr, N5): the array path inside, checks that the
// container is a folder, and placing what was read in physical space.
#include "core/io/VolumePath.h"
#include "core/io/zarr/SpatialMetadata.h"
#include "core/volume/Volume.h"

#include <filesystem>
#include <string>
#include <vector>

namespace cisterna::chunked {

// The components of path.inner; "." and ".." are refused so that a path never
// leaves its container.
std::vector<std::string> innerComponents(const VolumePath& path);
std::string joinComponents(const std::vector<std::string>& parts, std::size_t from, std::size_t to);
std::filesystem::path innerFolder(const VolumePath& path);

// Throws FormatError unless path.file is an existing folder.
void requireContainerFolder(const VolumePath& path, const std::string& formatName);

// Creates `path.file` when missing (its parent must exist); true if it was created.
bool createContainerFolder(const VolumePath& path);

// Voxel size and origin of `region` of an array placed by `spatial`.
void applySpatial(Volume& volume, const Spatial& spatial, const Box3& region);

// The name an image is given in metadata: the last inner component, else the
// container's file name without `extensions`.
std::string containerItemName(const VolumePath& path, const std::vector<std::string>& parts,
                              const std::vector<std::string>& extensions);

} // namespace cisterna::chunked
