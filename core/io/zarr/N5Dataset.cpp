#include "core/io/zarr/N5Dataset.h"

#include "core/io/zarr/ChunkFiles.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <algorithm>
#include <limits>

namespace fs = std::filesystem;

namespace cisterna::n5 {
namespace {

using chunked::Codec;
using chunked::Json;

constexpr std::uint16_t kModeDefault = 0;
constexpr std::uint16_t kModeVarLength = 1;
constexpr std::uint16_t kModeObject = 2;

std::uint32_t readBigEndian(const unsigned char* p, int bytes) {
    std::uint32_t v = 0;
    for (int i = 0; i < bytes; ++i)
        v = (v << 8) | p[i];
    return v;
}

void appendBigEndian(std::string& out, std::uint32_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::string listText(const std::vector<std::int64_t>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i)
        s += (i ? " x " : "") + std::to_string(v[i]);
    return s;
}

chunked::CodecSpec parseCompression(const Json& attrs, const fs::path& file) {
    chunked::CodecSpec spec;
    std::string type = "raw";
    const Json* compression = nullptr;
    if (attrs.contains("compression")) {
        compression = &attrs["compression"];
        type = chunked::readString(chunked::requireField(*compression, "type", file),
                                   "compression.type", file);
    } else if (attrs.contains("compressionType")) { // N5 before 1.0
        type = chunked::readString(attrs["compressionType"], "compressionType", file);
    }
    if (type == "raw")
        spec.codec = Codec::Raw;
    else if (type == "gzip") {
        const bool useZlib = compression && compression->contains("useZlib") &&
                             (*compression)["useZlib"].is_boolean() &&
                             (*compression)["useZlib"].get<bool>();
        spec.codec = useZlib ? Codec::Zlib : Codec::Gzip;
    } else if (type == "zlib")
        spec.codec = Codec::Zlib;
    else if (type == "blosc") {
        spec.codec = Codec::Blosc;
        if (compression && compression->contains("cname"))
            spec.bloscName = chunked::readString((*compression)["cname"], "cname", file);
    } else
        throw FormatError(file.string(), "uses the N5 compression \"" + type +
                                             "\", which Cisterna cannot read (it reads raw, "
                                             "gzip and blosc blocks)");
    return spec;
}

DataType parseDataType(const Json& value, const fs::path& file) {
    const std::string name = chunked::readString(value, "dataType", file);
    if (name == "uint8")
        return DataType::UInt8;
    if (name == "uint16")
        return DataType::UInt16;
    if (name == "float32")
        return DataType::Float32;
    throw FormatError(file.string(), "has the unsupported data type \"" + name +
                                         "\"; Cisterna reads uint8, uint16 and float32");
}

// N5 lists axes x first; Cisterna's lists are z first.
std::vector<double> reversed(std::vector<double> v) {
    std::reverse(v.begin(), v.end());
    return v;
}

chunked::Spatial parseSpatial(const Json& attrs, const fs::path& file) {
    std::vector<double> scale, offset;
    double factor = 1.0;
    bool knownUnit = true;
    if (attrs.contains("pixelResolution")) {
        const Json& pr = attrs["pixelResolution"];
        if (pr.is_object() && pr.contains("dimensions")) {
            scale = chunked::readNumberList(pr["dimensions"], "pixelResolution.dimensions", file);
            if (pr.contains("unit") && pr["unit"].is_string()) {
                const auto f = chunked::nanometresPerUnit(pr["unit"].get<std::string>());
                knownUnit = f.has_value();
                factor = f.value_or(1.0);
            }
        } else if (pr.is_array()) {
            scale = chunked::readNumberList(pr, "pixelResolution", file);
        }
    }
    if (scale.empty() && attrs.contains("resolution"))
        scale = chunked::readNumberList(attrs["resolution"], "resolution", file);
    if (attrs.contains("offset"))
        offset = chunked::readNumberList(attrs["offset"], "offset", file);
    if (!knownUnit)
        return {}; // sizes in an unknown unit are no voxel size
    for (double& s : scale)
        s *= factor;
    return chunked::spatialFromLists(reversed(scale), reversed(offset), {}, file,
                                     "the resolution/offset attributes");
}

// Extents of block `g` as N5 lists them (x first), for a dataset of `rank` axes.
std::vector<std::int64_t> expectedBlockDims(const DatasetMeta& meta, const Box3& box) {
    std::vector<std::int64_t> dims(meta.dimensions.size(), 1);
    dims[0] = box.size.x;
    dims[1] = box.size.y;
    if (dims.size() >= 3)
        dims[2] = box.size.z;
    return dims;
}

std::string blockName(const DatasetMeta& meta, const Index3& g) {
    std::string name = std::to_string(g.x) + "/" + std::to_string(g.y);
    if (meta.dimensions.size() >= 3)
        name += "/" + std::to_string(g.z);
    for (std::size_t i = 3; i < meta.dimensions.size(); ++i)
        name += "/0";
    return name;
}

// Parses and checks a block's header; returns the offset of its payload and fills
// the block's extents (x first) and element count.
std::size_t parseBlockHeader(const std::string& bytes, const DatasetMeta& meta, const Box3& box,
                             const fs::path& file, std::vector<std::int64_t>& dims,
                             std::uint64_t& elements) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    if (bytes.size() < 4)
        throw FormatError(file.string(), "is " + std::to_string(bytes.size()) +
                                             " bytes, too short for an N5 block header");
    const std::uint32_t mode = readBigEndian(p, 2);
    const std::uint32_t ndim = readBigEndian(p + 2, 2);
    if (mode == kModeObject)
        throw FormatError(file.string(), "is an N5 object block (mode 2); Cisterna reads "
                                         "numeric blocks only");
    if (mode != kModeDefault && mode != kModeVarLength)
        throw FormatError(file.string(), "has the unknown N5 block mode " + std::to_string(mode));
    if (ndim != meta.dimensions.size())
        throw FormatError(file.string(), "has a block header of " + std::to_string(ndim) +
                                             " dimensions, but the dataset has " +
                                             std::to_string(meta.dimensions.size()));
    const std::size_t headerBytes = 4 + 4 * std::size_t(ndim) + (mode == kModeVarLength ? 4 : 0);
    if (bytes.size() < headerBytes)
        throw FormatError(file.string(), "is cut short inside its N5 block header");
    const std::vector<std::int64_t> expected = expectedBlockDims(meta, box);
    dims.assign(ndim, 0);
    elements = 1;
    for (std::size_t i = 0; i < ndim; ++i)
        dims[i] = readBigEndian(p + 4 + 4 * i, 4);
    for (std::size_t i = 0; i < ndim; ++i) {
        // N5 crops edge blocks; some writers pad them to the full block size instead.
        const bool cropped = dims[i] == expected[i];
        const bool padded = dims[i] == meta.blockSize[i] && dims[i] >= expected[i];
        if (!cropped && !padded)
            throw FormatError(file.string(), "has a block header of " + listText(dims) +
                                                 " (x first), but this block of the grid is " +
                                                 listText(expected) + " (block size " +
                                                 listText(meta.blockSize) + ")");
        elements *= static_cast<std::uint64_t>(dims[i]);
    }
    if (mode == kModeVarLength) {
        const std::uint32_t count = readBigEndian(p + 4 + 4 * ndim, 4);
        if (count != elements)
            throw FormatError(file.string(), "is a varlength N5 block of " + std::to_string(count) +
                                                 " elements, but its " + "extents " +
                                                 listText(dims) + " hold " +
                                                 std::to_string(elements));
    }
    return headerBytes;
}

Json compressionJson(const chunked::CodecSpec& spec) {
    const int level = chunked::effectiveLevel(spec);
    switch (spec.codec) {
    case Codec::Zlib:
        return {{"type", "gzip"}, {"level", level}, {"useZlib", true}};
    case Codec::Gzip:
        return {{"type", "gzip"}, {"level", level}, {"useZlib", false}};
    case Codec::Blosc:
        return {{"type", "blosc"}, {"cname", spec.bloscName},
                {"clevel", level}, {"shuffle", spec.bloscShuffle},
                {"blocksize", 0},  {"nthreads", 1}};
    case Codec::Raw:
    default:
        return {{"type", "raw"}};
    }
}

} // namespace

bool isDataset(const fs::path& dir) {
    try {
        const auto attrs = chunked::readJsonFileIfPresent(dir / "attributes.json");
        return attrs && attrs->contains("dimensions");
    } catch (const Error&) {
        return false;
    }
}

DatasetMeta readDatasetMeta(const fs::path& dir) {
    const fs::path file = dir / "attributes.json";
    const Json attrs = chunked::readJsonFile(file);
    DatasetMeta meta;
    meta.dimensions = chunked::readExtentList(chunked::requireField(attrs, "dimensions", file),
                                              "dimensions", 0, file);
    meta.blockSize = chunked::readExtentList(chunked::requireField(attrs, "blockSize", file),
                                             "blockSize", 1, file);
    const std::size_t rank = meta.dimensions.size();
    if (meta.blockSize.size() != rank)
        throw FormatError(file.string(), "has " + std::to_string(meta.blockSize.size()) +
                                             " block extents for " + std::to_string(rank) +
                                             " dimensions");
    if (rank < 2)
        throw FormatError(file.string(), "describes a " + std::to_string(rank) +
                                             "D dataset; Cisterna reads 3D datasets (or 2D as "
                                             "one slice)");
    for (std::size_t i = 3; i < rank; ++i)
        if (meta.dimensions[i] != 1)
            throw FormatError(file.string(), "describes a dataset of " + std::to_string(rank) +
                                                 " dimensions (" + listText(meta.dimensions) +
                                                 "); axes after x, y, z must have extent 1");
    for (std::int64_t b : meta.blockSize)
        if (b > std::int64_t(std::numeric_limits<std::uint32_t>::max()))
            throw FormatError(file.string(), "has a block extent beyond the 32 bits N5 allows");
    meta.type = parseDataType(chunked::requireField(attrs, "dataType", file), file);
    meta.codec = parseCompression(attrs, file);
    const bool is3d = rank >= 3;
    meta.grid.shape = {is3d ? meta.dimensions[2] : 1, meta.dimensions[1], meta.dimensions[0]};
    meta.grid.chunk = {is3d ? meta.blockSize[2] : 1, meta.blockSize[1], meta.blockSize[0]};
    std::int64_t voxels = 1;
    for (std::int64_t d : meta.dimensions)
        if (__builtin_mul_overflow(voxels, d, &voxels) || voxels > (std::int64_t(1) << 62))
            throw FormatError(file.string(), "has dimensions " + listText(meta.dimensions) +
                                                 ", too large to exist");
    // Blocks past the third axis are 1 deep for data but may be nominally larger.
    meta.blockBytes =
        chunked::chunkByteCount(meta.grid.chunk, bytesPerVoxel(meta.type), file.string());
    for (std::size_t i = 3; i < rank; ++i)
        meta.blockBytes = chunked::chunkByteCount(
            {1, static_cast<std::int64_t>(meta.blockBytes), meta.blockSize[i]}, 1, file.string());
    meta.spatial = parseSpatial(attrs, file);
    return meta;
}

Volume readDatasetRegion(const fs::path& dir, const DatasetMeta& meta, const Box3& region) {
    Volume volume = Volume::allocate(meta.type, region.size, VolumeRole::Image,
                                     "region of N5 dataset " + dir.filename().string());
    if (region.size.isEmpty())
        return volume;
    const std::size_t elementSize = bytesPerVoxel(meta.type);
    const bool swap = chunked::hostIsLittleEndian();
    const std::uint64_t maxFileBytes =
        16 + 4 * meta.dimensions.size() + chunked::maxEncodedBytes(meta.blockBytes);
    const Index3 first = meta.grid.firstChunk(region), end = meta.grid.endChunk(region);
    std::vector<unsigned char> buffer;
    std::vector<std::int64_t> dims;
    for (std::int64_t gz = first.z; gz < end.z; ++gz)
        for (std::int64_t gy = first.y; gy < end.y; ++gy)
            for (std::int64_t gx = first.x; gx < end.x; ++gx) {
                const Index3 g{gz, gy, gx};
                const Box3 box = meta.grid.chunkBox(g);
                const fs::path file = dir / blockName(meta, g);
                const auto bytes = chunked::readChunkFile(file, maxFileBytes);
                if (!bytes)
                    continue; // never written: zeros, as N5 readers show it
                std::uint64_t elements = 0;
                const std::size_t header =
                    parseBlockHeader(*bytes, meta, box, file, dims, elements);
                const auto* payload =
                    reinterpret_cast<const unsigned char*>(bytes->data()) + header;
                chunked::decodeChunk(meta.codec, payload, bytes->size() - header,
                                     static_cast<std::size_t>(elements * elementSize), buffer,
                                     file.string());
                if (swap)
                    chunked::swapBytes(buffer.data(), static_cast<std::size_t>(elements),
                                       elementSize);
                chunked::ChunkLayout layout;
                layout.strides = {dims.size() >= 3 ? dims[0] * dims[1] : 0, dims[0], 1};
                chunked::copyChunkToVolume(buffer.data(), layout, box, volume, region);
            }
    return volume;
}

Json datasetAttributes(DataType type, const Shape3& s, const chunked::Spatial& spatial,
                       const Shape3& block, const chunked::CodecSpec& codec) {
    Json attrs = {{"dimensions", {s.x, s.y, s.z}},
                  {"blockSize", {block.x, block.y, block.z}},
                  {"dataType", toString(type)},
                  {"compression", compressionJson(codec)}};
    if (spatial.hasVoxelSize) {
        const auto size = chunked::xyzList(spatial.voxelSize);
        attrs["resolution"] = size;
        attrs["pixelResolution"] = {{"dimensions", size}, {"unit", "nm"}};
    }
    if (spatial.hasVoxelSize || spatial.origin != Vec3d{0, 0, 0})
        attrs["offset"] = chunked::xyzList(spatial.origin);
    return attrs;
}

void checkBlockShape(const fs::path& dir, const Shape3& block) {
    for (std::int64_t b : {block.z, block.y, block.x})
        if (b > std::int64_t(std::numeric_limits<std::uint32_t>::max()))
            throw FormatError(dir.string(), "N5 block extents must fit in 32 bits");
}

void writeDatasetBlock(const fs::path& dir, const chunked::CodecSpec& codec, const Index3& g,
                       const Volume& blockVoxels, std::vector<unsigned char>& buffer) {
    const Shape3& size = blockVoxels.shape();
    const std::size_t elementSize = bytesPerVoxel(blockVoxels.dataType());
    const std::uint64_t blockBytes = chunked::chunkByteCount(size, elementSize, dir.string());
    if (buffer.size() < blockBytes) {
        requireMemory(blockBytes, "block buffer");
        buffer.resize(static_cast<std::size_t>(blockBytes));
    }
    // Edge blocks are cropped, and the header says by how much.
    chunked::copyVolumeToChunk(blockVoxels, Box3{{0, 0, 0}, size}, buffer.data(), size.x, size.y);
    const std::size_t count = static_cast<std::size_t>(size.voxelCount());
    if (chunked::hostIsLittleEndian())
        chunked::swapBytes(buffer.data(), count, elementSize);
    std::string bytes;
    appendBigEndian(bytes, kModeDefault, 2);
    appendBigEndian(bytes, 3, 2);
    for (std::int64_t extent : {size.x, size.y, size.z})
        appendBigEndian(bytes, static_cast<std::uint32_t>(extent), 4);
    DatasetMeta layout;
    layout.dimensions = {0, 0, 0}; // three dimensions: the name has three parts
    const fs::path file = dir / blockName(layout, g);
    bytes +=
        chunked::encodeChunk(codec, buffer.data(), count * elementSize, elementSize, file.string());
    chunked::writeChunkFile(file, bytes);
}

void writeDatasetBlocks(const fs::path& dir, const Volume& volume, const Shape3& block,
                        const chunked::CodecSpec& codec) {
    checkBlockShape(dir, block);
    const std::size_t elementSize = bytesPerVoxel(volume.dataType());
    const std::uint64_t blockBytes = chunked::chunkByteCount(block, elementSize, dir.string());
    requireMemory(blockBytes, "block buffer");
    std::vector<unsigned char> buffer(static_cast<std::size_t>(blockBytes));
    const chunked::ChunkGrid grid{volume.shape(), block};
    const Shape3 gridShape = grid.gridShape();
    for (std::int64_t gz = 0; gz < gridShape.z; ++gz)
        for (std::int64_t gy = 0; gy < gridShape.y; ++gy)
            for (std::int64_t gx = 0; gx < gridShape.x; ++gx) {
                const Index3 g{gz, gy, gx};
                writeDatasetBlock(dir, codec, g, volume.crop(grid.chunkBox(g)), buffer);
            }
}

} // namespace cisterna::n5
