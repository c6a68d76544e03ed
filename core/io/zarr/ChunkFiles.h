#pragma once
// Reading and writing single chunk / block files, with their size checked before
// anything is read so that a damaged folder cannot make us load a giant file.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace cisterna::chunked {

// The bytes of a chunk file; nullopt when it does not exist (the chunk was never
// written). Throws FormatError when it is larger than `maxBytes` or unreadable.
std::optional<std::string> readChunkFile(const std::filesystem::path& file, std::uint64_t maxBytes);

// Writes a chunk inside a folder that is itself being written atomically (the
// AtomicDirectory temp), creating nested folders ("0/1/2" keys) as needed.
void writeChunkFile(const std::filesystem::path& file, const std::string& bytes);

// Largest encoded size a chunk of `rawBytes` can have: compressors may expand
// incompressible data a little, and N5 adds its header.
std::uint64_t maxEncodedBytes(std::uint64_t rawBytes);

} // namespace cisterna::chunked
