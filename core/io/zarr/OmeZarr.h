#pragma once
// OME-Zarr (NGFF 0.4, also the older 0.1-0.3 layouts): the "multiscales" metadata
// of an image group, the voxel size and origin of each level, and the metadata of
// the one-level images Cisterna writes.
#include "core/io/zarr/JsonMetadata.h"
#include "core/io/zarr/SpatialMetadata.h"
#include "core/volume/Volume.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cisterna::zarr {

struct OmeLevel {
    std::string path;                // relative to the image group, e.g. "0"
    std::vector<double> scale;       // one per axis; empty when not given
    std::vector<double> translation; // one per axis; empty when not given
};

struct OmeImage {
    std::filesystem::path attributesFile; // the group's .zattrs, for messages
    std::string version;
    std::string name;
    std::vector<std::string> axisNames;           // empty when the metadata has none
    std::vector<std::optional<double>> nmPerUnit; // per axis; nullopt: no length unit
    std::vector<OmeLevel> levels;                 // levels[0] is full resolution
};

// The first multiscale image described in `groupDir`/.zattrs; nullopt when that
// file is missing or has no "multiscales". Malformed metadata is a FormatError.
std::optional<OmeImage> readOmeImage(const std::filesystem::path& groupDir);

// Voxel size and origin of one level, for an array of rank `rank`. Without length
// units on the spatial axes there is no voxel size.
chunked::Spatial levelSpatial(const OmeImage& image, const OmeLevel& level, std::size_t rank);

// The .zattrs of a one-level (path "0") image placed by `spatial`, NGFF 0.4.
chunked::Json omeImageAttributes(const std::string& name, const chunked::Spatial& spatial);
// The .zattrs of a multiscale image whose level i (path "i") is placed by levels[i];
// levels[0] is full resolution. All levels share level 0's units.
chunked::Json omePyramidAttributes(const std::string& name,
                                   const std::vector<chunked::Spatial>& levels);

// Attributes of a plain array: "resolution" and "offset" in nm, (z, y, x), as
// funlib / incasem / COSEM tools write them.
chunked::Json plainArrayAttributes(const chunked::Spatial& spatial);
// Reads those back from `arrayDir`/.zattrs ("resolution"/"offset", else a COSEM
// "transform"); nothing when neither is present.
chunked::Spatial plainArraySpatial(const std::filesystem::path& arrayDir);

} // namespace cisterna::zarr
