#pragma once
// Voxel size and origin as the chunked formats store them: lists of numbers in
// some axis order and unit, turned into Cisterna's (z, y, x) nanometres.
#include "core/volume/Volume.h"

#include <filesystem>
#include <string>
#include <vector>

namespace cisterna::chunked {

struct Spatial {
    bool hasVoxelSize = false;
    Vec3d voxelSize{1, 1, 1}; // nm
    Vec3d origin{0, 0, 0};    // nm
};

// `scale` and `offset` list the spatial axes in (z, y, x) order (or (y, x) for a 2D
// array), possibly after leading non-spatial axes; each value is multiplied by
// `nmPerUnit` of its axis (same length as the lists, or empty for nanometres).
// An empty `scale` means no voxel size; an empty `offset` means origin 0. Throws
// FormatError naming `file` for non-positive sizes or lists too short.
Spatial spatialFromLists(const std::vector<double>& scale, const std::vector<double>& offset,
                         const std::vector<double>& nmPerUnit, const std::filesystem::path& file,
                         const std::string& what);

// The voxel size and origin a volume carries, as written to metadata.
Spatial spatialOf(const Volume& volume);

std::vector<double> zyxList(const Vec3d& v);
std::vector<double> xyzList(const Vec3d& v);

} // namespace cisterna::chunked
