#include "core/io/zarr/ChunkFiles.h"

#include "core/util/Error.h"
#include "core/util/Text.h"
#include "core/volume/MemoryBudget.h"

#include <fstream>

namespace fs = std::filesystem;

namespace cisterna::chunked {

std::optional<std::string> readChunkFile(const fs::path& file, std::uint64_t maxBytes) {
    std::error_code ec;
    const auto status = fs::status(file, ec);
    if (ec || !fs::exists(status))
        return std::nullopt;
    if (!fs::is_regular_file(status))
        throw FormatError(file.string(), "is not a regular file, expected a chunk");
    const std::uintmax_t size = fs::file_size(file, ec);
    if (ec)
        throw FormatError(file.string(), "cannot be read: " + ec.message());
    if (size > maxBytes)
        throw FormatError(file.string(), "is " + std::to_string(size) +
                                             " bytes, more than a chunk of this array can be (" +
                                             std::to_string(maxBytes) + " bytes)");
    requireMemory(size, "chunk file " + file.filename().string());
    std::string bytes(static_cast<std::size_t>(size), '\0');
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw FormatError(file.string(), "cannot be opened for reading");
    in.read(bytes.data(), static_cast<std::streamsize>(size));
    if (static_cast<std::uintmax_t>(in.gcount()) != size)
        throw FormatError(file.string(), "could not be read completely");
    return bytes;
}

void writeChunkFile(const fs::path& file, const std::string& bytes) {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (ec)
        throw FormatError(file.string(), "could not create its folder: " + ec.message());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out)
        throw FormatError(file.string(), "could not write (disk full or no permission?)");
}

std::uint64_t maxEncodedBytes(std::uint64_t rawBytes) {
    // Deflate stores incompressible data with 5 bytes per 16 KiB block; blosc adds
    // at most 16 bytes plus a little per block; gzip headers may carry a file name.
    return rawBytes + rawBytes / 64 + 64 * 1024;
}

} // namespace cisterna::chunked
