#pragma once
// One Zarr v2 array: its .zarray metadata, reading a region of it chunk by chunk,
// and writing a Volume as a new array folder.
#include "core/io/zarr/ChunkCodec.h"
#include "core/io/zarr/ChunkGrid.h"
#include "core/io/zarr/JsonMetadata.h"

#include <filesystem>
#include <string>
#include <vector>

namespace cisterna::zarr {

struct ArrayMeta {
    std::vector<std::int64_t> shape;  // as stored, rank >= 2
    std::vector<std::int64_t> chunks; // as stored
    std::string dtype;                // "<u2", as stored
    DataType type = DataType::UInt8;  // as read: float16 arrays read as float32
    bool float16 = false;             // stored as IEEE half ("<f2", ">f2")
    bool bigEndian = false;
    bool fortranOrder = false;
    double fillValue = 0; // null fill values read as 0
    chunked::CodecSpec codec;
    char separator = '.';

    // The 3D view of it: leading axes of extent 1 dropped, a 2D array as z = 1.
    chunked::ChunkGrid grid;
    std::uint64_t chunkBytes = 0; // one stored chunk, edge chunks padded to full size
    chunked::ChunkLayout layout;  // element strides of z, y, x within a chunk
};

// Parses and validates `arrayDir`/.zarray. Throws FormatError for anything Cisterna
// cannot read, saying what and why.
ArrayMeta readArrayMeta(const std::filesystem::path& arrayDir);

// Reads `region` (validated by the caller) chunk by chunk: only the chunks it touches
// are opened; missing chunks read as the fill value.
Volume readArrayRegion(const std::filesystem::path& arrayDir, const ArrayMeta& meta,
                       const Box3& region);

struct ArrayWriteSpec {
    Shape3 chunk;
    chunked::CodecSpec codec;
    char separator = '.';
    bool float16 = false;     // float32 volumes stored as "<f2"
    chunked::Json attributes; // written as .zattrs unless null
};

// Writes `volume` as a Zarr v2 array into the (new, empty) folder `arrayDir`: C
// order, little-endian, fill value 0, edge chunks padded to full size as zarr does;
// float16 (spec.float16) takes a float32 volume.
void writeArray(const std::filesystem::path& arrayDir, const Volume& volume,
                const ArrayWriteSpec& spec);

// The two halves of writeArray, for writers that produce the chunks one by one: the
// metadata (.zarray, and .zattrs unless null) of an array of `type` and `shape`, and
// chunk `g`, whose clipped voxels `chunkVoxels` holds (`buffer` is scratch space kept
// between calls).
void writeArrayMeta(const std::filesystem::path& arrayDir, DataType type, const Shape3& shape,
                    const ArrayWriteSpec& spec);
void writeArrayChunk(const std::filesystem::path& arrayDir, const ArrayWriteSpec& spec,
                     const Index3& g, const Volume& chunkVoxels,
                     std::vector<unsigned char>& buffer);

} // namespace cisterna::zarr
