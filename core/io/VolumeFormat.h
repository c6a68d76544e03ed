#pragma once
// The interface every file format implements, built in or from a plugin.
#include "core/io/VolumePath.h"
#include "core/volume/Volume.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cisterna {

class BlockWriter;      // core/io/BlockWriter.h
struct BlockWriterSpec; // core/io/BlockWriter.h

// What a file holds, read from its header alone (no voxel data).
struct VolumeInfo {
    std::string format; // registry name of the format that read it
    DataType dataType = DataType::UInt8;
    Shape3 shape;
    Vec3d voxelSize{1, 1, 1}; // nm
    bool hasVoxelSize = false;
    Vec3d origin{0, 0, 0};
    std::optional<Shape3> chunkShape; // for chunked formats
    std::string compression;          // "raw", "zlib", "gzip", "blosc", ...
    std::vector<std::string> details; // e.g. the other levels of a multiscale image
};

struct ReadOptions {
    // Read only this box (in voxels of the array). Chunked formats read only the
    // chunks it touches, so a region of a volume larger than memory can be read.
    std::optional<Box3> region;
};

struct WriteOptions {
    // "default", "raw", "zlib", "gzip", "blosc", "lzw" (TIFF): formats reject the
    // ones they cannot write with a clear message.
    std::string compression = "default";
    int compressionLevel = -1;           // -1: the format's default
    std::optional<Shape3> chunkShape;    // chunked formats; default picked per format
    std::string sliceExtension = ".tif"; // slice folders: ".tif" or ".png"
    // Store a float32 volume as IEEE float16 (probability maps: half the bytes, ~3
    // significant digits). Formats that have no float16 type refuse it up front.
    bool float16 = false;
};

// Reads boxes of one array again and again (lazy volumes read chunk by chunk): what
// can be parsed once (headers, metadata) is parsed when it is made.
struct RegionReader {
    std::function<Volume(const Box3& box)> read;
    // Whether read() may run on several threads at once (no shared state: Zarr and N5
    // keep each chunk in a file of its own).
    bool concurrent = false;
};

class VolumeFormat {
public:
    virtual ~VolumeFormat() = default;

    virtual std::string name() const = 0;                    // "hdf5", "zarr", "mrc", ...
    virtual std::string description() const = 0;             // one line for `cisterna-cli formats`
    virtual std::vector<std::string> extensions() const = 0; // ".h5", ".hdf5"

    // Whether this format recognises the path. The default compares the extension;
    // folder formats look inside the folder.
    virtual bool canRead(const VolumePath& path) const;
    virtual bool canWrite(const VolumePath& path) const;

    virtual VolumeInfo info(const VolumePath& path) const = 0;
    virtual Volume read(const VolumePath& path, const ReadOptions& options) const = 0;
    virtual void write(const VolumePath& path, const Volume& volume,
                       const WriteOptions& options) const = 0;
    // The default reads through read() with a region each time, one call at a time.
    virtual RegionReader regionReader(const VolumePath& path) const;
    // Whether write() (and block writing) honours WriteOptions::float16.
    virtual bool writesFloat16() const { return false; }

    // The writer createBlockWriter (BlockWriter.h) hands out for a path this format
    // writes; `spec` is already checked. The default gathers the blocks in memory
    // (within the memory budget) and writes the whole volume on commit; chunked
    // formats override it to write each block as it arrives, in bounded memory.
    virtual std::unique_ptr<BlockWriter> createBlockWriter(const VolumePath& path,
                                                           const BlockWriterSpec& spec,
                                                           const WriteOptions& options) const;

protected:
    bool extensionMatches(const VolumePath& path) const;
};

// Shared by readers: the region to read, validated against the array's shape.
Box3 resolveRegion(const VolumePath& path, const Shape3& shape, const ReadOptions& options);

} // namespace cisterna
