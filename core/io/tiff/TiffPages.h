#pragma once
// Multi-page TIFF as a stack of z slices: the page headers checked against the
// file before any pixel is read, pages (or parts of them) read into a volume, and
// volumes written one page per slice.
#include "core/io/VolumeFormat.h"
#include "core/io/tiff/TiffFile.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cisterna {

struct TiffStack {
    std::vector<std::uint64_t> pageOffsets; // directory offset of each z slice
    Shape3 shape;
    DataType dataType = DataType::UInt8;
    bool palette = false; // colour-mapped pages: the index is the value (labels)
    std::string compression;
    std::optional<Shape3> tileShape;
    std::optional<Vec3d> voxelSize; // nm
    std::optional<Vec3d> origin;    // nm
    std::vector<std::string> details;
};

// Reads every page header: one sample per pixel, 8/16-bit unsigned or 32-bit
// float, all pages alike, and pixel data that lies inside the file. Throws
// FormatError naming the page and the problem.
TiffStack scanTiffStack(TiffFile& file);

// Reads pages region.begin.z ... into `dest` (a contiguous volume whose x/y extent
// is region's), writing page region.begin.z + i to dest slice destZ + i.
void readTiffPages(TiffFile& file, const TiffStack& stack, const Box3& region, Volume& dest,
                   std::int64_t destZ);

struct TiffWriteSettings {
    std::uint16_t compression = 1; // COMPRESSION_NONE
    int level = -1;
};

// "default"/"raw" = none, "lzw", "zlib"/"deflate"; anything else is a FormatError.
TiffWriteSettings tiffWriteSettings(const WriteOptions& options, const std::string& display);

// Writes every z slice of `volume` as one page of the new file `file` (a
// temporary; `display` names the user's target in messages).
void writeTiffPages(const std::filesystem::path& file, const std::string& display,
                    const Volume& volume, const TiffWriteSettings& settings);

} // namespace cisterna
