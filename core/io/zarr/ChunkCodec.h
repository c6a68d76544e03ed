#pragma once
// Compression of one chunk (Zarr) or block payload (N5): raw, zlib, gzip and blosc.
// Decoding validates every size the encoded bytes claim before anything is written,
// so a damaged or hostile chunk yields a FormatError, never an overrun or a huge
// allocation.
#include <cstddef>
#include <string>
#include <vector>

namespace cisterna::chunked {

enum class Codec { Raw, Zlib, Gzip, Blosc };

struct CodecSpec {
    Codec codec = Codec::Raw;
    int level = -1;                // zlib/gzip 0-9, blosc clevel 0-9; -1: codec default
    std::string bloscName = "lz4"; // blosc's internal compressor
    int bloscShuffle = 1;          // 0 none, 1 byte shuffle, 2 bit shuffle
};

const char* codecName(Codec codec); // "raw", "zlib", "gzip", "blosc"
// The level actually written to metadata when spec.level is -1.
int effectiveLevel(const CodecSpec& spec);

// Picks the codec for WriteOptions::compression ("default", "raw", "zlib", "gzip",
// "blosc") and compressionLevel; throws FormatError naming `target` for any other.
CodecSpec codecForWriting(const std::string& compression, int level, Codec defaultCodec,
                          const std::string& target);

// Encodes `bytes` bytes of elements of `typeSize` bytes (blosc shuffles by it).
std::string encodeChunk(const CodecSpec& spec, const unsigned char* data, std::size_t bytes,
                        std::size_t typeSize, const std::string& file);

// Decodes into `out`, which is resized to exactly `expectedBytes`: the encoded bytes
// must decode to that size, no more, no less. `file` names the chunk in errors.
void decodeChunk(const CodecSpec& spec, const unsigned char* data, std::size_t size,
                 std::size_t expectedBytes, std::vector<unsigned char>& out,
                 const std::string& file);

} // namespace cisterna::chunked
