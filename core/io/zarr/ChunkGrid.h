#pragma once
// Geometry shared by Zarr and N5: a 3D array cut into a regular grid of chunks,
// and copies between one decoded chunk buffer and a Volume.
#include "core/volume/Volume.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace cisterna::chunked {

struct ChunkGrid {
    Shape3 shape; // of the whole array
    Shape3 chunk; // nominal chunk extent, every axis >= 1

    Shape3 gridShape() const;
    // The voxels of chunk `grid`, clipped to the array (edge chunks are smaller).
    Box3 chunkBox(const Index3& grid) const;
    // First and one-past-last grid index of the chunks `region` touches.
    Index3 firstChunk(const Box3& region) const;
    Index3 endChunk(const Box3& region) const;
};

// How one decoded chunk lies in memory: element strides of z, y, x (x fastest for C
// order; Zarr "F" order reverses them).
struct ChunkLayout {
    Strides3 strides;
};

// Copies the part of a chunk that lies in `region` into `dest`, which holds exactly
// `region` of the array. `chunkBox` is where the chunk lies in the array; the chunk
// buffer holds host-endian elements of dest's type.
void copyChunkToVolume(const unsigned char* chunk, const ChunkLayout& layout, const Box3& chunkBox,
                       Volume& dest, const Box3& region);

// Fills the part of `chunkBox` inside `region` with `value` (missing chunks).
void fillChunkInVolume(double value, const Box3& chunkBox, Volume& dest, const Box3& region);

// Copies `chunkBox` of `source` (the whole array) into a C-order chunk buffer whose
// x rows are `rowLength` elements and y planes `planeRows` rows (padding included).
void copyVolumeToChunk(const Volume& source, const Box3& chunkBox, unsigned char* chunk,
                       std::int64_t rowLength, std::int64_t planeRows);

bool hostIsLittleEndian();
// Reverses the bytes of each of `count` elements of `elementSize` bytes.
void swapBytes(unsigned char* data, std::size_t count, std::size_t elementSize);

// Voxels times bytes per voxel, or a FormatError naming `file` on overflow.
std::uint64_t chunkByteCount(const Shape3& chunk, std::size_t bytesPerVoxel,
                             const std::string& file);

// The requested chunk shape, or 64^3, clipped to the array's shape (at least 1).
// Throws InvalidArgument for a requested extent below 1.
Shape3 chooseChunkShape(const std::optional<Shape3>& requested, const Shape3& shape);

} // namespace cisterna::chunked
