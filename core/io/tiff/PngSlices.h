#pragma once
// Single PNG images as z slices, through libpng: 8/16-bit greyscale and palette
// images (whose palette index is the value: label images), 1/2/4-bit ones with
// their values kept. libpng reports errors by longjmp; that stays inside
// PngSlices.cpp and comes out as FormatError.
#include "core/volume/Volume.h"

#include <filesystem>
#include <string>

namespace cisterna {

struct PngHeader {
    std::int64_t width = 0, height = 0;
    int bitDepth = 8;
    int colorType = 0;
    bool interlaced = false;
    bool palette = false;
    DataType dataType = DataType::UInt8;
};

// Reads and checks the header: greyscale or palette, and no more pixels than the
// file's size can hold compressed. Throws FormatError naming the file.
PngHeader readPngHeader(const std::filesystem::path& file);

// Reads rows [y0, y0 + sy) and columns [x0, x0 + sx) of `region` (z ignored) into
// `dest`, one row every destRowBytes bytes. `header` is what readPngHeader said.
void readPngRegion(const std::filesystem::path& file, const PngHeader& header, const Box3& region,
                   unsigned char* dest, std::int64_t destRowBytes);

// Writes slice z of a uint8 or uint16 volume as a greyscale PNG. level: zlib
// level 0-9, or -1 for libpng's default. `display` names the file in messages.
void writePngSlice(const std::filesystem::path& file, const std::string& display,
                   const Volume& volume, std::int64_t z, int level);

} // namespace cisterna
