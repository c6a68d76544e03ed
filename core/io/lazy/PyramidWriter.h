#pragma once
// Writes any volume, read lazily, as a chunked multiscale OME-Zarr image: level 0 a
// chunked copy, then levels shrunk by pyramidFactors until one fits a screen. This is
// how a volume in a format that cannot be read by region (slice folders, MRC, NRRD)
// becomes one that can, and how zoomed-out views get a coarse level to read. Block
// by block, in bounded memory, on all cores; atomic (nothing at the target until the
// last chunk is written).
#include "core/io/lazy/LazyVolume.h"
#include "core/util/Progress.h"

#include <optional>
#include <string>
#include <vector>

namespace cisterna {

struct PyramidOptions {
    // Levels are added until the largest extent of a level is at most this many
    // voxels (a screen).
    std::int64_t screenExtent = 1024;
    // Compression and chunk shape of every level (default: blosc, 64^3).
    WriteOptions write;
    // The voxel size in nm, for inputs that do not record it (PNG slices): it decides
    // which axes each level halves, and is written with the levels.
    std::optional<Vec3d> voxelSize;
};

struct PyramidLevel {
    Shape3 shape;
    Vec3d voxelSize;
    Shape3 factors; // relative to the level before (1, 1, 1 for level 0)
};

// The levels writePyramid writes for a volume of `shape` and `voxelSize`.
std::vector<PyramidLevel> planPyramid(const Shape3& shape, const Vec3d& voxelSize,
                                      std::int64_t screenExtent);

// Writes `source` to `path` (which must end in .ome.zarr) and returns its levels.
// Throws FormatError when the path cannot be written, Cancelled when `progress` is
// cancelled (the target is then untouched).
std::vector<PyramidLevel> writePyramid(const LazyVolume& source, const std::string& path,
                                       const PyramidOptions& options = {},
                                       const Progress& progress = {});

} // namespace cisterna
