#pragma once
// One N5 dataset: attributes.json (dimensions and block size in x, y, z order),
// blocks stored at x/y/z with a big-endian header and big-endian data, edge blocks
// cropped to the dataset rather than padded.
#include "core/io/zarr/ChunkCodec.h"
#include "core/io/zarr/ChunkGrid.h"
#include "core/io/zarr/JsonMetadata.h"
#include "core/io/zarr/SpatialMetadata.h"

#include <filesystem>
#include <string>
#include <vector>

namespace cisterna::n5 {

struct DatasetMeta {
    std::vector<std::int64_t> dimensions; // N5 order: x first
    std::vector<std::int64_t> blockSize;  // N5 order
    DataType type = DataType::UInt8;
    chunked::CodecSpec codec;
    chunked::ChunkGrid grid;      // (z, y, x)
    std::uint64_t blockBytes = 0; // one full block
    chunked::Spatial spatial;
};

// Whether `dir`/attributes.json describes a dataset (has "dimensions"); false for
// groups and for folders without readable attributes.
bool isDataset(const std::filesystem::path& dir);

// Parses and validates `dir`/attributes.json; FormatError for anything unsupported.
DatasetMeta readDatasetMeta(const std::filesystem::path& dir);

// Reads `region` block by block, opening only the blocks it touches; missing blocks
// read as 0. Each block header is checked against the block grid.
Volume readDatasetRegion(const std::filesystem::path& dir, const DatasetMeta& meta,
                         const Box3& region);

// attributes.json of a dataset of `type` and `shape` placed by `spatial` (voxel size
// as "resolution" and "pixelResolution" in nm, origin as "offset").
chunked::Json datasetAttributes(DataType type, const Shape3& shape, const chunked::Spatial& spatial,
                                const Shape3& block, const chunked::CodecSpec& codec);

// Writes every block of `volume` into the (new, empty) dataset folder `dir`.
void writeDatasetBlocks(const std::filesystem::path& dir, const Volume& volume, const Shape3& block,
                        const chunked::CodecSpec& codec);

// For writers that produce the blocks one by one: FormatError unless `block` fits
// the N5 header, and block `g`, whose clipped voxels `blockVoxels` holds (`buffer`
// is scratch space kept between calls).
void checkBlockShape(const std::filesystem::path& dir, const Shape3& block);
void writeDatasetBlock(const std::filesystem::path& dir, const chunked::CodecSpec& codec,
                       const Index3& g, const Volume& blockVoxels,
                       std::vector<unsigned char>& buffer);

} // namespace cisterna::n5
