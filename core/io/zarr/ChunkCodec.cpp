#include "core/io/zarr/ChunkCodec.h"

#include "core/util/Error.h"
#include "core/util/Text.h"
#include "core/volume/MemoryBudget.h"

#include <blosc.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace cisterna::chunked {
namespace {

// Deflate cannot do better than about 1032:1, so an encoded chunk much smaller than
// that fraction of what it claims to hold is damaged; checked before allocating.
constexpr std::size_t kDeflateMaxRatio = 1100;
// zlib's avail_in/avail_out are 32-bit: feed big buffers in pieces.
constexpr std::size_t kZlibPiece = std::size_t(1) << 30;

std::string sizeText(std::size_t bytes) {
    return std::to_string(bytes) + " bytes";
}

int zlibWindowBits(Codec codec) {
    return codec == Codec::Gzip ? 15 + 16 : 15;
}

std::string deflateBytes(const CodecSpec& spec, const unsigned char* data, std::size_t bytes,
                         const std::string& file) {
    z_stream stream{};
    if (deflateInit2(&stream, effectiveLevel(spec), Z_DEFLATED, zlibWindowBits(spec.codec), 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        throw FormatError(file, "zlib could not start compressing");
    std::string out;
    const std::uint64_t bound =
        deflateBound(&stream, static_cast<uLong>(std::min(bytes, kZlibPiece))) *
            (bytes / kZlibPiece + 1) +
        64;
    try {
        requireMemory(bound, "compressed chunk");
        out.resize(bound);
    } catch (...) {
        deflateEnd(&stream);
        throw;
    }
    std::size_t inPos = 0, outPos = 0;
    int result = Z_OK;
    while (result != Z_STREAM_END) {
        const std::size_t inPiece = std::min(bytes - inPos, kZlibPiece);
        const std::size_t outPiece = std::min(out.size() - outPos, kZlibPiece);
        stream.next_in = const_cast<Bytef*>(data + inPos);
        stream.avail_in = static_cast<uInt>(inPiece);
        stream.next_out = reinterpret_cast<Bytef*>(&out[outPos]);
        stream.avail_out = static_cast<uInt>(outPiece);
        const bool last = inPos + inPiece == bytes;
        result = deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH);
        inPos += inPiece - stream.avail_in;
        outPos += outPiece - stream.avail_out;
        if (result != Z_OK && result != Z_STREAM_END && result != Z_BUF_ERROR) {
            deflateEnd(&stream);
            throw FormatError(file, "zlib failed while compressing a chunk");
        }
        if (outPos == out.size() && result != Z_STREAM_END) {
            deflateEnd(&stream);
            throw FormatError(file, "zlib produced more output than its own bound");
        }
    }
    deflateEnd(&stream);
    out.resize(outPos);
    return out;
}

void inflateBytes(const unsigned char* data, std::size_t size, unsigned char* out,
                  std::size_t expected, const std::string& file) {
    z_stream stream{};
    // 15 + 32: accept both zlib and gzip headers; writers disagree on which a
    // "zlib" or "gzip" chunk holds (N5's useZlib flag, for one).
    if (inflateInit2(&stream, 15 + 32) != Z_OK)
        throw FormatError(file, "zlib could not start decompressing");
    std::size_t inPos = 0, outPos = 0;
    int result = Z_OK;
    while (true) {
        const std::size_t inPiece = std::min(size - inPos, kZlibPiece);
        const std::size_t outPiece = std::min(expected - outPos, kZlibPiece);
        stream.next_in = const_cast<Bytef*>(data + inPos);
        stream.avail_in = static_cast<uInt>(inPiece);
        // A one-byte scratch lets zlib tell us about data past the expected size.
        unsigned char spill = 0;
        stream.next_out = outPiece ? out + outPos : &spill;
        stream.avail_out = outPiece ? static_cast<uInt>(outPiece) : 1;
        result = inflate(&stream, Z_NO_FLUSH);
        inPos += inPiece - stream.avail_in;
        if (outPiece)
            outPos += outPiece - stream.avail_out;
        else if (stream.avail_out == 0) {
            inflateEnd(&stream);
            throw FormatError(file, "decompresses to more than the expected " + sizeText(expected) +
                                        " (corrupt or a wrong chunk shape)");
        }
        if (result == Z_STREAM_END)
            break;
        if (result == Z_NEED_DICT || result == Z_DATA_ERROR || result == Z_MEM_ERROR ||
            result == Z_STREAM_ERROR) {
            const std::string why = stream.msg ? stream.msg : "invalid data";
            inflateEnd(&stream);
            throw FormatError(file, "is corrupt (zlib: " + why + ")");
        }
        if (result == Z_BUF_ERROR && inPos == size) {
            inflateEnd(&stream);
            throw FormatError(file, "is cut short: its compressed data ends after " +
                                        sizeText(outPos) + " of the expected " +
                                        sizeText(expected));
        }
    }
    inflateEnd(&stream);
    if (outPos != expected)
        throw FormatError(file, "decompresses to " + sizeText(outPos) + ", expected " +
                                    sizeText(expected));
}

std::string bloscCompress(const CodecSpec& spec, const unsigned char* data, std::size_t bytes,
                          std::size_t typeSize, const std::string& file) {
    if (bytes > static_cast<std::size_t>(BLOSC_MAX_BUFFERSIZE))
        throw FormatError(file, "a chunk of " + humanBytes(bytes) +
                                    " is too large for blosc (2 GiB at most); use smaller chunks");
    const std::size_t capacity = bytes + BLOSC_MAX_OVERHEAD;
    requireMemory(capacity, "compressed chunk");
    std::string out(capacity, '\0');
    const int written = blosc_compress_ctx(effectiveLevel(spec), spec.bloscShuffle, typeSize, bytes,
                                           data, &out[0], capacity, spec.bloscName.c_str(), 0, 1);
    if (written <= 0)
        throw FormatError(file, "blosc could not compress a chunk with " + spec.bloscName);
    out.resize(static_cast<std::size_t>(written));
    return out;
}

void bloscDecompress(const unsigned char* data, std::size_t size, unsigned char* out,
                     std::size_t expected, const std::string& file) {
    std::size_t nbytes = 0, cbytes = 0, blocksize = 0;
    blosc_cbuffer_sizes(data, &nbytes, &cbytes, &blocksize);
    if (nbytes != expected)
        throw FormatError(file, "its blosc header claims " + sizeText(nbytes) +
                                    " of data, but the chunk holds " + sizeText(expected));
    if (cbytes > size)
        throw FormatError(file, "its blosc header claims " + sizeText(cbytes) +
                                    " of compressed data, but the chunk is only " + sizeText(size));
    std::size_t validated = 0;
    if (blosc_cbuffer_validate(data, size, &validated) != 0 || validated != expected)
        throw FormatError(file, "is not a valid blosc buffer");
    const int result = blosc_decompress_ctx(data, out, expected, 1);
    if (result < 0 || static_cast<std::size_t>(result) != expected)
        throw FormatError(file, "is corrupt (blosc could not decompress it)");
}

// Rejects encoded sizes that cannot possibly decode to `expected` bytes, before the
// output buffer is allocated.
void checkPlausibleSize(const CodecSpec& spec, const unsigned char* data, std::size_t size,
                        std::size_t expected, const std::string& file) {
    switch (spec.codec) {
    case Codec::Raw:
        if (size != expected)
            throw FormatError(file, "is " + sizeText(size) + ", expected " + sizeText(expected) +
                                        " of uncompressed data");
        return;
    case Codec::Zlib:
    case Codec::Gzip:
        if (expected / kDeflateMaxRatio > size)
            throw FormatError(file, "is only " + sizeText(size) + ", too small to decompress to " +
                                        sizeText(expected));
        return;
    case Codec::Blosc:
        if (size < BLOSC_MIN_HEADER_LENGTH)
            throw FormatError(file, "is " + sizeText(size) + ", too short for a blosc header");
        {
            std::size_t nbytes = 0, cbytes = 0, blocksize = 0;
            blosc_cbuffer_sizes(data, &nbytes, &cbytes, &blocksize);
            if (nbytes != expected)
                throw FormatError(file, "its blosc header claims " + sizeText(nbytes) +
                                            " of data, but the chunk holds " + sizeText(expected));
        }
        return;
    }
}

} // namespace

const char* codecName(Codec codec) {
    switch (codec) {
    case Codec::Zlib:
        return "zlib";
    case Codec::Gzip:
        return "gzip";
    case Codec::Blosc:
        return "blosc";
    case Codec::Raw:
    default:
        return "raw";
    }
}

int effectiveLevel(const CodecSpec& spec) {
    if (spec.level >= 0)
        return spec.level;
    return spec.codec == Codec::Blosc ? 5 : 6;
}

CodecSpec codecForWriting(const std::string& compression, int level, Codec defaultCodec,
                          const std::string& target) {
    CodecSpec spec;
    const std::string name = toLower(compression);
    if (name == "default" || name.empty())
        spec.codec = defaultCodec;
    else if (name == "raw" || name == "none")
        spec.codec = Codec::Raw;
    else if (name == "zlib")
        spec.codec = Codec::Zlib;
    else if (name == "gzip")
        spec.codec = Codec::Gzip;
    else if (name == "blosc")
        spec.codec = Codec::Blosc;
    else
        throw FormatError(target, "cannot write compression \"" + compression +
                                      "\" (choose default, raw, zlib, gzip or blosc)");
    if (level < -1 || level > 9)
        throw FormatError(target, "compression level " + std::to_string(level) +
                                      " is outside 0-9 (or -1 for the default)");
    spec.level = level;
    return spec;
}

std::string encodeChunk(const CodecSpec& spec, const unsigned char* data, std::size_t bytes,
                        std::size_t typeSize, const std::string& file) {
    switch (spec.codec) {
    case Codec::Zlib:
    case Codec::Gzip:
        return deflateBytes(spec, data, bytes, file);
    case Codec::Blosc:
        return bloscCompress(spec, data, bytes, typeSize, file);
    case Codec::Raw:
    default:
        return std::string(reinterpret_cast<const char*>(data), bytes);
    }
}

void decodeChunk(const CodecSpec& spec, const unsigned char* data, std::size_t size,
                 std::size_t expectedBytes, std::vector<unsigned char>& out,
                 const std::string& file) {
    checkPlausibleSize(spec, data, size, expectedBytes, file);
    if (out.capacity() < expectedBytes)
        requireMemory(expectedBytes, "chunk buffer");
    out.resize(expectedBytes);
    switch (spec.codec) {
    case Codec::Raw:
        if (size)
            std::memcpy(out.data(), data, size);
        return;
    case Codec::Zlib:
    case Codec::Gzip:
        inflateBytes(data, size, out.data(), expectedBytes, file);
        return;
    case Codec::Blosc:
        bloscDecompress(data, size, out.data(), expectedBytes, file);
        return;
    }
}

} // namespace cisterna::chunked
