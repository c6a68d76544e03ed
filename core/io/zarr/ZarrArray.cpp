#include "core/io/zarr/ZarrArray.h"

#include "core/io/zarr/ChunkFiles.h"
#include "core/util/Error.h"
#include "core/volume/HalfFloat.h"
#include "core/volume/MemoryBudget.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace fs = std::filesystem;

namespace cisterna::zarr {
namespace {

std::size_t storedElementSize(const ArrayMeta& meta) {
    return meta.float16 ? 2 : bytesPerVoxel(meta.type);
}

using chunked::Codec;
using chunked::Json;

const char* numpyTypeName(const std::string& code) {
    static const std::pair<const char*, const char*> names[] = {
        {"b1", "bool"},      {"i1", "int8"},       {"i2", "int16"},  {"i4", "int32"},
        {"i8", "int64"},     {"u4", "uint32"},     {"u8", "uint64"}, {"f8", "float64"},
        {"c8", "complex64"}, {"c16", "complex128"}};
    for (const auto& [c, name] : names)
        if (code == c)
            return name;
    return "an unknown type";
}

void parseDtype(const Json& value, const fs::path& file, ArrayMeta& meta) {
    if (!value.is_string())
        throw FormatError(file.string(), "has a structured \"dtype\" " + value.dump() +
                                             "; Cisterna reads uint8, uint16, float16 and "
                                             "float32 arrays");
    meta.dtype = value.get<std::string>();
    const std::string& d = meta.dtype;
    const std::string code = d.size() >= 2 ? d.substr(1) : d;
    const char order = d.empty() ? '?' : d[0];
    const bool knownOrder = order == '<' || order == '>' || order == '|';
    if (knownOrder && code == "u1")
        meta.type = DataType::UInt8;
    else if (knownOrder && order != '|' && code == "u2")
        meta.type = DataType::UInt16;
    else if (knownOrder && order != '|' && code == "f4")
        meta.type = DataType::Float32;
    else if (knownOrder && order != '|' && code == "f2") {
        meta.type = DataType::Float32; // widened on read: every half is a float
        meta.float16 = true;
    } else
        throw FormatError(file.string(),
                          "has the unsupported data type \"" + d + "\" (" +
                              (knownOrder ? numpyTypeName(code) : "not a NumPy type string") +
                              "); Cisterna reads uint8 (|u1), uint16 (<u2, >u2), float16 (<f2, "
                              ">f2, read as float32) and float32 (<f4, >f4)");
    meta.bigEndian = order == '>';
}

double parseFillValue(const Json& value, const fs::path& file, DataType type) {
    if (value.is_null())
        return 0; // "uninitialised": any value is right; zero is what readers show
    double fill = 0;
    if (value.is_string()) {
        const std::string s = value.get<std::string>();
        if (type == DataType::Float32 && s == "NaN")
            fill = std::numeric_limits<double>::quiet_NaN();
        else if (type == DataType::Float32 && s == "Infinity")
            fill = std::numeric_limits<double>::infinity();
        else if (type == DataType::Float32 && s == "-Infinity")
            fill = -std::numeric_limits<double>::infinity();
        else
            throw FormatError(file.string(), "has \"fill_value\" \"" + s + "\", which a " +
                                                 toString(type) + " array cannot hold");
        return fill;
    }
    if (!value.is_number())
        throw FormatError(file.string(),
                          "has \"fill_value\" " + value.dump() + ", expected a number or null");
    fill = value.get<double>();
    if (isIntegerType(type)) {
        const double maximum = type == DataType::UInt8 ? 255.0 : 65535.0;
        if (fill != std::floor(fill) || fill < 0 || fill > maximum)
            throw FormatError(file.string(), "has \"fill_value\" " + value.dump() + ", which a " +
                                                 toString(type) + " array cannot hold");
    }
    return fill;
}

chunked::CodecSpec parseCompressor(const Json& value, const fs::path& file) {
    chunked::CodecSpec spec;
    if (value.is_null())
        return spec;
    if (!value.is_object() || !value.contains("id") || !value["id"].is_string())
        throw FormatError(file.string(), "has \"compressor\" " + value.dump() +
                                             ", expected null or an object with an \"id\"");
    const std::string id = value["id"].get<std::string>();
    if (id == "zlib")
        spec.codec = Codec::Zlib;
    else if (id == "gzip")
        spec.codec = Codec::Gzip;
    else if (id == "blosc") {
        spec.codec = Codec::Blosc;
        if (value.contains("cname"))
            spec.bloscName = chunked::readString(value["cname"], "compressor.cname", file);
    } else
        throw FormatError(file.string(), "uses the compressor \"" + id +
                                             "\", which Cisterna cannot read (it reads raw, "
                                             "zlib, gzip and blosc chunks)");
    return spec;
}

void checkNoFilters(const Json& meta, const fs::path& file) {
    const auto it = meta.find("filters");
    if (it == meta.end() || it->is_null() || (it->is_array() && it->empty()))
        return;
    throw FormatError(file.string(), "uses \"filters\" " + it->dump() +
                                         "; Cisterna reads arrays without filters only");
}

std::int64_t checkedProduct(const std::vector<std::int64_t>& values, std::int64_t start,
                            const fs::path& file, const std::string& what) {
    std::int64_t product = start;
    for (std::int64_t v : values)
        if (__builtin_mul_overflow(product, v, &product) || product > (std::int64_t(1) << 62))
            throw FormatError(file.string(), what + " is too large to exist");
    return product;
}

std::string shapeText(const std::vector<std::int64_t>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i)
        s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
}

// The 3D grid and chunk layout of an array of any supported rank.
void deriveGeometry(const fs::path& file, ArrayMeta& meta) {
    const std::size_t rank = meta.shape.size();
    if (rank < 2)
        throw FormatError(file.string(), "describes a " + std::to_string(rank) +
                                             "D array; Cisterna reads 3D arrays (or 2D as one "
                                             "slice)");
    for (std::size_t i = 0; i + 3 < rank; ++i)
        if (meta.shape[i] != 1)
            throw FormatError(file.string(),
                              "describes an array of shape " + shapeText(meta.shape) +
                                  "; Cisterna reads 3D arrays, and extra leading axes (time, "
                                  "channel) must have extent 1");
    checkedProduct(meta.shape, 1, file, "the shape " + shapeText(meta.shape));
    const std::int64_t chunkElements =
        checkedProduct(meta.chunks, 1, file, "the chunk shape " + shapeText(meta.chunks));
    meta.chunkBytes =
        chunked::chunkByteCount({1, 1, chunkElements}, storedElementSize(meta), file.string());

    std::vector<std::int64_t> strides(rank, 1);
    if (meta.fortranOrder)
        for (std::size_t i = 1; i < rank; ++i)
            strides[i] = strides[i - 1] * meta.chunks[i - 1];
    else
        for (std::size_t i = rank - 1; i-- > 0;)
            strides[i] = strides[i + 1] * meta.chunks[i + 1];

    const std::size_t y = rank - 2, x = rank - 1;
    if (rank == 2) {
        meta.grid.shape = {1, meta.shape[y], meta.shape[x]};
        meta.grid.chunk = {1, meta.chunks[y], meta.chunks[x]};
        meta.layout.strides = {0, strides[y], strides[x]};
    } else {
        const std::size_t z = rank - 3;
        meta.grid.shape = {meta.shape[z], meta.shape[y], meta.shape[x]};
        meta.grid.chunk = {meta.chunks[z], meta.chunks[y], meta.chunks[x]};
        meta.layout.strides = {strides[z], strides[y], strides[x]};
    }
}

std::string chunkKey(const ArrayMeta& meta, const Index3& g) {
    const std::size_t rank = meta.shape.size();
    std::string key;
    const auto add = [&](std::int64_t index) {
        if (!key.empty())
            key += meta.separator;
        key += std::to_string(index);
    };
    for (std::size_t i = 0; i + 3 < rank; ++i)
        add(0);
    if (rank >= 3)
        add(g.z);
    add(g.y);
    add(g.x);
    return key;
}

Json compressorJson(const chunked::CodecSpec& spec) {
    const int level = chunked::effectiveLevel(spec);
    switch (spec.codec) {
    case Codec::Zlib:
        return {{"id", "zlib"}, {"level", level}};
    case Codec::Gzip:
        return {{"id", "gzip"}, {"level", level}};
    case Codec::Blosc:
        return {{"id", "blosc"},
                {"cname", spec.bloscName},
                {"clevel", level},
                {"shuffle", spec.bloscShuffle},
                {"blocksize", 0}};
    case Codec::Raw:
    default:
        return nullptr;
    }
}

const char* dtypeForWriting(DataType type, bool float16) {
    if (float16 && type == DataType::Float32)
        return "<f2";
    switch (type) {
    case DataType::UInt8:
        return "|u1";
    case DataType::UInt16:
        return "<u2";
    case DataType::Float32:
    default:
        return "<f4";
    }
}

} // namespace

ArrayMeta readArrayMeta(const fs::path& arrayDir) {
    const fs::path file = arrayDir / ".zarray";
    const Json json = chunked::readJsonFile(file);
    ArrayMeta meta;
    const Json& format = chunked::requireField(json, "zarr_format", file);
    if (!format.is_number_integer() || format.get<std::int64_t>() != 2)
        throw FormatError(file.string(), "has \"zarr_format\" " + format.dump() +
                                             "; Cisterna reads Zarr version 2");
    meta.shape =
        chunked::readExtentList(chunked::requireField(json, "shape", file), "shape", 0, file);
    meta.chunks =
        chunked::readExtentList(chunked::requireField(json, "chunks", file), "chunks", 1, file);
    if (meta.chunks.size() != meta.shape.size())
        throw FormatError(file.string(), "has " + std::to_string(meta.chunks.size()) +
                                             " chunk extents for a " +
                                             std::to_string(meta.shape.size()) + "D shape");
    parseDtype(chunked::requireField(json, "dtype", file), file, meta);
    const std::string order =
        chunked::readString(chunked::requireField(json, "order", file), "order", file);
    if (order != "C" && order != "F")
        throw FormatError(file.string(),
                          "has \"order\" \"" + order + "\", expected \"C\" or \"F\"");
    meta.fortranOrder = order == "F";
    meta.fillValue =
        parseFillValue(chunked::requireField(json, "fill_value", file), file, meta.type);
    meta.codec = parseCompressor(chunked::requireField(json, "compressor", file), file);
    checkNoFilters(json, file);
    if (json.contains("dimension_separator") && !json["dimension_separator"].is_null()) {
        const std::string sep =
            chunked::readString(json["dimension_separator"], "dimension_separator", file);
        if (sep != "." && sep != "/")
            throw FormatError(file.string(), "has \"dimension_separator\" \"" + sep +
                                                 "\", expected \".\" or \"/\"");
        meta.separator = sep[0];
    }
    deriveGeometry(file, meta);
    return meta;
}

Volume readArrayRegion(const fs::path& arrayDir, const ArrayMeta& meta, const Box3& region) {
    Volume volume = Volume::allocate(meta.type, region.size, VolumeRole::Image,
                                     "region of Zarr array " + arrayDir.filename().string());
    if (region.size.isEmpty())
        return volume;
    const bool swap = meta.bigEndian == chunked::hostIsLittleEndian();
    const std::size_t elementSize = storedElementSize(meta);
    const std::uint64_t maxFileBytes = chunked::maxEncodedBytes(meta.chunkBytes);
    const Index3 first = meta.grid.firstChunk(region), end = meta.grid.endChunk(region);
    std::vector<unsigned char> buffer;
    for (std::int64_t gz = first.z; gz < end.z; ++gz)
        for (std::int64_t gy = first.y; gy < end.y; ++gy)
            for (std::int64_t gx = first.x; gx < end.x; ++gx) {
                const Index3 g{gz, gy, gx};
                const Box3 box = meta.grid.chunkBox(g);
                const fs::path file = arrayDir / chunkKey(meta, g);
                const auto bytes = chunked::readChunkFile(file, maxFileBytes);
                if (!bytes) {
                    if (meta.fillValue != 0)
                        chunked::fillChunkInVolume(meta.fillValue, box, volume, region);
                    continue;
                }
                chunked::decodeChunk(meta.codec,
                                     reinterpret_cast<const unsigned char*>(bytes->data()),
                                     bytes->size(), static_cast<std::size_t>(meta.chunkBytes),
                                     buffer, file.string());
                if (swap)
                    chunked::swapBytes(buffer.data(), buffer.size() / elementSize, elementSize);
                if (meta.float16) {
                    const std::size_t count = buffer.size() / elementSize;
                    // Checked once: the buffer keeps its capacity from chunk to chunk.
                    if (buffer.capacity() < count * sizeof(float))
                        requireMemory(count * sizeof(float), "float32 chunk buffer");
                    buffer.resize(count * sizeof(float));
                    widenFromHalfInPlace(buffer.data(), count);
                }
                chunked::copyChunkToVolume(buffer.data(), meta.layout, box, volume, region);
            }
    return volume;
}

void writeArrayMeta(const fs::path& arrayDir, DataType type, const Shape3& shape,
                    const ArrayWriteSpec& spec) {
    const Shape3& chunk = spec.chunk;
    const Json meta = {{"zarr_format", 2},
                       {"shape", {shape.z, shape.y, shape.x}},
                       {"chunks", {chunk.z, chunk.y, chunk.x}},
                       {"dtype", dtypeForWriting(type, spec.float16)},
                       {"order", "C"},
                       {"fill_value", 0},
                       {"compressor", compressorJson(spec.codec)},
                       {"filters", nullptr},
                       {"dimension_separator", std::string(1, spec.separator)}};
    chunked::writeJsonFile(arrayDir / ".zarray", meta);
    if (!spec.attributes.is_null())
        chunked::writeJsonFile(arrayDir / ".zattrs", spec.attributes);
}

void writeArrayChunk(const fs::path& arrayDir, const ArrayWriteSpec& spec, const Index3& g,
                     const Volume& chunkVoxels, std::vector<unsigned char>& buffer) {
    const Shape3& chunk = spec.chunk;
    const std::size_t elementSize = bytesPerVoxel(chunkVoxels.dataType());
    // float16 chunks are laid out as float32 first and narrowed in place.
    const bool narrow = spec.float16 && chunkVoxels.dataType() == DataType::Float32;
    const std::size_t storedSize = narrow ? 2 : elementSize;
    const std::uint64_t chunkBytes = chunked::chunkByteCount(chunk, elementSize, arrayDir.string());
    if (buffer.size() != chunkBytes) {
        requireMemory(chunkBytes, "chunk buffer");
        buffer.resize(static_cast<std::size_t>(chunkBytes));
    }
    // Edge chunks keep their full size; the padding holds the fill value.
    if (chunkVoxels.shape() != chunk)
        std::memset(buffer.data(), 0, buffer.size());
    chunked::copyVolumeToChunk(chunkVoxels, Box3{{0, 0, 0}, chunkVoxels.shape()}, buffer.data(),
                               chunk.x, chunk.y);
    const std::size_t count = buffer.size() / elementSize;
    if (narrow)
        narrowToHalfInPlace(buffer.data(), count);
    const std::size_t storedBytes = count * storedSize;
    if (!chunked::hostIsLittleEndian())
        chunked::swapBytes(buffer.data(), count, storedSize);
    ArrayMeta layout;
    layout.shape = {0, 0, 0}; // rank 3: the key has three parts
    layout.separator = spec.separator;
    const fs::path file = arrayDir / chunkKey(layout, g);
    chunked::writeChunkFile(file, chunked::encodeChunk(spec.codec, buffer.data(), storedBytes,
                                                       storedSize, file.string()));
}

void writeArray(const fs::path& arrayDir, const Volume& volume, const ArrayWriteSpec& spec) {
    writeArrayMeta(arrayDir, volume.dataType(), volume.shape(), spec);
    std::vector<unsigned char> buffer;
    const chunked::ChunkGrid grid{volume.shape(), spec.chunk};
    const Shape3 gridShape = grid.gridShape();
    for (std::int64_t gz = 0; gz < gridShape.z; ++gz)
        for (std::int64_t gy = 0; gy < gridShape.y; ++gy)
            for (std::int64_t gx = 0; gx < gridShape.x; ++gx) {
                const Index3 g{gz, gy, gx};
                writeArrayChunk(arrayDir, spec, g, volume.crop(grid.chunkBox(g)), buffer);
            }
}

} // namespace cisterna::zarr
