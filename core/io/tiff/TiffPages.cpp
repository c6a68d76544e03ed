#include "core/io/tiff/TiffPages.h"

#include "core/io/tiff/TiffCalibration.h"
#include "core/util/Error.h"
#include "core/util/Text.h"
#include "core/volume/MemoryBudget.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace cisterna {
namespace {

std::string pageName(std::size_t index) {
    return "page " + std::to_string(index + 1);
}

struct PageFormat {
    std::int64_t width = 0, height = 0;
    DataType type = DataType::UInt8;
    bool palette = false;
    std::uint16_t compression = COMPRESSION_NONE;
    bool reducedResolution = false;
};

std::string describe(const PageFormat& p) {
    return std::to_string(p.width) + " x " + std::to_string(p.height) + " " + toString(p.type);
}

std::string compressionName(std::uint16_t compression) {
    switch (compression) {
    case COMPRESSION_NONE:
        return "raw";
    case COMPRESSION_LZW:
        return "lzw";
    case COMPRESSION_ADOBE_DEFLATE:
    case COMPRESSION_DEFLATE:
        return "zlib";
    case COMPRESSION_PACKBITS:
        return "packbits";
    default:
        break;
    }
    const TIFFCodec* codec = TIFFFindCODEC(compression);
    return codec && codec->name ? toLower(codec->name)
                                : "compression " + std::to_string(compression);
}

DataType sampleType(const TiffFile& file, std::size_t index, std::uint16_t bits,
                    std::uint16_t format) {
    if (format == SAMPLEFORMAT_UINT || format == SAMPLEFORMAT_VOID) {
        if (bits == 8)
            return DataType::UInt8;
        if (bits == 16)
            return DataType::UInt16;
    }
    if (format == SAMPLEFORMAT_IEEEFP && bits == 32)
        return DataType::Float32;
    std::string kind = format == SAMPLEFORMAT_INT      ? "signed integer"
                       : format == SAMPLEFORMAT_IEEEFP ? "floating point"
                       : format == SAMPLEFORMAT_UINT   ? "unsigned integer"
                                                       : "complex";
    throw FormatError(file.display(), pageName(index) + " has " + std::to_string(bits) + "-bit " +
                                          kind +
                                          " pixels; Cisterna reads 8- and 16-bit unsigned and "
                                          "32-bit float TIFFs");
}

PageFormat readPageFormat(const TiffFile& file, std::size_t index) {
    TIFF* tif = file.get();
    PageFormat page;
    std::uint32_t width = 0, height = 0;
    if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &width) ||
        !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &height) || width == 0 || height == 0)
        throw FormatError(file.display(), pageName(index) + " has no image size");
    page.width = width;
    page.height = height;
    std::uint16_t samples = 1, bits = 1, format = SAMPLEFORMAT_UINT;
    std::uint16_t photometric = PHOTOMETRIC_MINISBLACK;
    std::uint32_t subfileType = 0;
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &samples);
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bits);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &format);
    TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &page.compression);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SUBFILETYPE, &subfileType);
    if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric))
        photometric = PHOTOMETRIC_MINISBLACK;
    page.reducedResolution = (subfileType & FILETYPE_REDUCEDIMAGE) != 0;

    if (samples != 1 || photometric == PHOTOMETRIC_RGB || photometric == PHOTOMETRIC_YCBCR)
        throw FormatError(
            file.display(),
            pageName(index) + " has " + std::to_string(samples) + " samples per pixel" +
                (photometric == PHOTOMETRIC_RGB || samples >= 3 ? " (RGB colour)" : "") +
                "; Cisterna reads single-channel greyscale TIFFs");
    if (photometric != PHOTOMETRIC_MINISBLACK && photometric != PHOTOMETRIC_MINISWHITE &&
        photometric != PHOTOMETRIC_PALETTE)
        throw FormatError(file.display(), pageName(index) +
                                              " uses the photometric interpretation " +
                                              std::to_string(photometric) +
                                              "; Cisterna reads greyscale and palette TIFFs");
    page.palette = photometric == PHOTOMETRIC_PALETTE;
    page.type = sampleType(file, index, bits, format);
    if (!TIFFIsCODECConfigured(page.compression))
        throw FormatError(file.display(), pageName(index) + " is compressed with " +
                                              compressionName(page.compression) +
                                              ", which this libtiff cannot decode");
    return page;
}

std::uint64_t fileSizeOf(TIFF* tif) {
    return static_cast<std::uint64_t>(TIFFGetSizeProc(tif)(TIFFClientdata(tif)));
}

// Every strip or tile of the current page lies inside the file, and uncompressed
// ones hold as many bytes as the header promises, so a lying header fails here
// and not after a giant allocation. Returns the page's stored (compressed) bytes.
std::uint64_t checkPageData(const TiffFile& file, std::size_t index, const PageFormat& page,
                            std::uint64_t fileSize) {
    TIFF* tif = file.get();
    const bool tiled = TIFFIsTiled(tif) != 0;
    const std::uint32_t pieces = tiled ? TIFFNumberOfTiles(tif) : TIFFNumberOfStrips(tif);
    std::uint32_t rowsPerStrip = 0;
    TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rowsPerStrip);
    if (rowsPerStrip == 0 || rowsPerStrip > page.height)
        rowsPerStrip = static_cast<std::uint32_t>(page.height);
    const std::uint64_t rowBytes =
        static_cast<std::uint64_t>(page.width) * bytesPerVoxel(page.type);
    const std::uint64_t tileBytes = tiled ? static_cast<std::uint64_t>(TIFFTileSize64(tif)) : 0;
    std::uint64_t stored = 0;
    for (std::uint32_t s = 0; s < pieces; ++s) {
        const std::uint64_t offset = TIFFGetStrileOffset(tif, s);
        const std::uint64_t count = TIFFGetStrileByteCount(tif, s);
        if (offset == 0 && count == 0)
            continue; // a sparse (never written) tile or strip reads as zeros
        if (offset > fileSize || count > fileSize - offset)
            throw FormatError(file.display(),
                              pageName(index) + " has pixel data up to byte " +
                                  std::to_string(offset + count) + " but the file holds only " +
                                  std::to_string(fileSize) + " bytes (truncated or damaged)");
        if (page.compression == COMPRESSION_NONE) {
            const std::uint64_t rows = std::min<std::uint64_t>(
                rowsPerStrip, page.height - std::uint64_t(s) * rowsPerStrip);
            const std::uint64_t expected = tiled ? tileBytes : rows * rowBytes;
            if (count < expected)
                throw FormatError(file.display(),
                                  pageName(index) + " holds " + humanBytes(count) + " in " +
                                      (tiled ? "tile " : "strip ") + std::to_string(s) +
                                      " where its header promises " + humanBytes(expected) + " (" +
                                      std::to_string(page.width) + " x " +
                                      std::to_string(page.height) + " pixels)");
        }
        stored += count;
    }
    return stored;
}

} // namespace

TiffStack scanTiffStack(TiffFile& file) {
    TIFF* tif = file.get();
    const std::uint64_t fileSize = fileSizeOf(tif);
    TiffStack stack;
    PageFormat first;
    std::uint64_t storedBytes = 0;
    std::size_t skipped = 0;
    for (std::size_t index = 0;; ++index) {
        const PageFormat page = readPageFormat(file, index);
        if (page.reducedResolution) {
            ++skipped; // thumbnails and pyramid levels are not z slices
        } else {
            if (stack.pageOffsets.empty()) {
                first = page;
                stack.palette = page.palette;
                stack.compression = compressionName(page.compression);
                if (TIFFIsTiled(tif)) {
                    std::uint32_t tw = 0, th = 0;
                    TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw);
                    TIFFGetField(tif, TIFFTAG_TILELENGTH, &th);
                    stack.tileShape = Shape3{1, th, tw};
                }
                char* description = nullptr;
                float xRes = 0, yRes = 0;
                TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xRes);
                TIFFGetField(tif, TIFFTAG_YRESOLUTION, &yRes);
                if (TIFFGetField(tif, TIFFTAG_IMAGEDESCRIPTION, &description) && description) {
                    const TiffCalibration c = parseTiffCalibration(description, xRes, yRes);
                    if (c.channels > 1 || c.timePoints > 1)
                        throw FormatError(file.display(),
                                          "is a hyperstack of " + std::to_string(c.channels) +
                                              " channels and " + std::to_string(c.timePoints) +
                                              " time points (" + c.source +
                                              "); Cisterna reads single-channel z stacks: "
                                              "split it first (Fiji: Image > Stacks > Tools)");
                    stack.voxelSize = c.voxelSize;
                    stack.origin = c.origin;
                    if (c.voxelSize)
                        stack.details.push_back("voxel size from the " + c.source);
                }
            } else if (page.width != first.width || page.height != first.height ||
                       page.type != first.type) {
                throw FormatError(file.display(),
                                  pageName(index) + " is " + describe(page) + " but page 1 is " +
                                      describe(first) +
                                      "; every page of a stack must have the same size and type");
            }
            storedBytes += checkPageData(file, index, page, fileSize);
            stack.pageOffsets.push_back(TIFFCurrentDirOffset(tif));
        }
        if (TIFFLastDirectory(tif))
            break;
        file.clearMessages();
        if (!TIFFReadDirectory(tif))
            file.fail("could not read the header of " + pageName(index + 1) +
                      " (truncated or damaged file?)");
    }
    if (stack.pageOffsets.empty())
        throw FormatError(file.display(), "holds only reduced-resolution pages, no full image");
    stack.shape = {static_cast<std::int64_t>(stack.pageOffsets.size()), first.height, first.width};
    stack.dataType = first.type;
    if (skipped)
        stack.details.push_back("skipped " + std::to_string(skipped) + " reduced-resolution pages");
    if (stack.palette)
        stack.details.push_back("palette (colour-mapped) pages: the index is the value");
    // No codec squeezes data a million to one; a header claiming so is lying, and
    // saying so beats a memory error.
    const std::uint64_t rawBytes =
        checkedByteCount(stack.shape, bytesPerVoxel(stack.dataType), "TIFF stack");
    if (rawBytes > (std::uint64_t(1) << 20) && rawBytes / 1000000 > storedBytes)
        throw FormatError(file.display(), "its headers describe " + humanBytes(rawBytes) +
                                              " of pixels but the file holds only " +
                                              humanBytes(fileSize));
    return stack;
}

namespace {

void readStrips(const TiffFile& file, std::size_t index, const Box3& region, std::int64_t width,
                std::int64_t height, std::size_t bpv, unsigned char* dest,
                std::int64_t destRowBytes) {
    TIFF* tif = file.get();
    std::uint32_t rowsPerStrip = 0;
    TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rowsPerStrip);
    if (rowsPerStrip == 0 || rowsPerStrip > height)
        rowsPerStrip = static_cast<std::uint32_t>(height);
    const std::int64_t rowBytes = width * static_cast<std::int64_t>(bpv);
    const std::uint64_t bufferBytes = static_cast<std::uint64_t>(rowsPerStrip) * rowBytes;
    requireMemory(bufferBytes, "TIFF strip buffer");
    std::vector<unsigned char> buffer(static_cast<std::size_t>(bufferBytes));
    const std::int64_t y0 = region.begin.y, y1 = region.begin.y + region.size.y;
    const std::int64_t xOffset = region.begin.x * static_cast<std::int64_t>(bpv);
    const std::size_t copyBytes = static_cast<std::size_t>(region.size.x) * bpv;
    for (std::int64_t s = y0 / rowsPerStrip; s * rowsPerStrip < y1; ++s) {
        const std::int64_t first = s * rowsPerStrip;
        const std::int64_t rows = std::min<std::int64_t>(rowsPerStrip, height - first);
        const tmsize_t want = static_cast<tmsize_t>(rows * rowBytes);
        if (TIFFReadEncodedStrip(tif, static_cast<std::uint32_t>(s), buffer.data(), want) < want)
            file.fail("could not read " + pageName(index) + ", strip " + std::to_string(s));
        for (std::int64_t y = std::max(first, y0); y < std::min(first + rows, y1); ++y)
            std::memcpy(dest + (y - y0) * destRowBytes,
                        buffer.data() + (y - first) * rowBytes + xOffset, copyBytes);
    }
}

void readTiles(const TiffFile& file, std::size_t index, const Box3& region, std::int64_t width,
               std::int64_t height, std::size_t bpv, unsigned char* dest,
               std::int64_t destRowBytes) {
    TIFF* tif = file.get();
    std::uint32_t tw = 0, th = 0;
    if (!TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw) || !TIFFGetField(tif, TIFFTAG_TILELENGTH, &th) ||
        tw == 0 || th == 0)
        throw FormatError(file.display(), pageName(index) + " is tiled but has no tile size");
    const tmsize_t tileBytes = TIFFTileSize(tif);
    if (tileBytes <= 0 || static_cast<std::uint64_t>(tileBytes) != std::uint64_t(tw) * th * bpv)
        file.fail(pageName(index) + " has an unusable tile size");
    requireMemory(static_cast<std::uint64_t>(tileBytes), "TIFF tile buffer");
    std::vector<unsigned char> buffer(static_cast<std::size_t>(tileBytes));
    const std::int64_t y0 = region.begin.y, y1 = region.begin.y + region.size.y;
    const std::int64_t x0 = region.begin.x, x1 = region.begin.x + region.size.x;
    for (std::int64_t ty = y0 / th * th; ty < y1; ty += th)
        for (std::int64_t tx = x0 / tw * tw; tx < x1; tx += tw) {
            const std::uint32_t tile = TIFFComputeTile(tif, static_cast<std::uint32_t>(tx),
                                                       static_cast<std::uint32_t>(ty), 0, 0);
            if (TIFFReadEncodedTile(tif, tile, buffer.data(), tileBytes) < tileBytes)
                file.fail("could not read " + pageName(index) + ", tile " + std::to_string(tile));
            const std::int64_t xs = std::max(tx, x0), xe = std::min({tx + tw, x1, width});
            for (std::int64_t y = std::max(ty, y0); y < std::min({ty + th, y1, height}); ++y)
                std::memcpy(dest + (y - y0) * destRowBytes + (xs - x0) * std::int64_t(bpv),
                            buffer.data() + ((y - ty) * tw + (xs - tx)) * std::int64_t(bpv),
                            static_cast<std::size_t>(xe - xs) * bpv);
        }
}

} // namespace

void readTiffPages(TiffFile& file, const TiffStack& stack, const Box3& region, Volume& dest,
                   std::int64_t destZ) {
    TIFF* tif = file.get();
    const std::size_t bpv = bytesPerVoxel(stack.dataType);
    auto* base = static_cast<unsigned char*>(dest.data());
    const std::int64_t destRowBytes = dest.strides().y * static_cast<std::int64_t>(bpv);
    const std::int64_t destSliceBytes = dest.strides().z * static_cast<std::int64_t>(bpv);
    if (region.size.y == 0 || region.size.x == 0)
        return;
    for (std::int64_t z = region.begin.z; z < region.begin.z + region.size.z; ++z) {
        const auto index = static_cast<std::size_t>(z);
        file.clearMessages();
        if (!TIFFSetSubDirectory(tif, stack.pageOffsets[index]))
            file.fail("could not go back to " + pageName(index));
        unsigned char* slice = base + (destZ + z - region.begin.z) * destSliceBytes;
        if (TIFFIsTiled(tif))
            readTiles(file, index, region, stack.shape.x, stack.shape.y, bpv, slice, destRowBytes);
        else
            readStrips(file, index, region, stack.shape.x, stack.shape.y, bpv, slice, destRowBytes);
    }
}

TiffWriteSettings tiffWriteSettings(const WriteOptions& options, const std::string& display) {
    TiffWriteSettings settings;
    const std::string name = toLower(options.compression);
    if (name == "default" || name == "raw" || name == "none") {
        settings.compression = COMPRESSION_NONE;
    } else if (name == "lzw") {
        settings.compression = COMPRESSION_LZW;
    } else if (name == "zlib" || name == "deflate") {
        settings.compression = COMPRESSION_ADOBE_DEFLATE;
        if (options.compressionLevel > 9)
            throw FormatError(display, "zlib compression levels go from 1 to 9, not " +
                                           std::to_string(options.compressionLevel));
        settings.level = options.compressionLevel;
    } else {
        throw FormatError(display, "TIFF files are written with compression raw (the default), "
                                   "lzw or zlib, not '" +
                                       options.compression + "'");
    }
    if (!TIFFIsCODECConfigured(settings.compression))
        throw FormatError(display, "this libtiff cannot write " + name + " compression");
    return settings;
}

void writeTiffPages(const std::filesystem::path& path, const std::string& display,
                    const Volume& volume, const TiffWriteSettings& settings) {
    const Shape3& shape = volume.shape();
    if (shape.isEmpty())
        throw FormatError(display, "cannot write an empty volume " + toString(shape) + " as TIFF");
    if (shape.x > 0xffffffffLL || shape.y > 0xffffffffLL)
        throw FormatError(display, "TIFF pages are at most 2^32 - 1 pixels wide and high");
    const std::size_t bpv = bytesPerVoxel(volume.dataType());
    // Classic TIFF addresses 4 GiB; LZW may grow incompressible data by half.
    const double growth = settings.compression == COMPRESSION_LZW ? 1.5 : 1.01;
    const bool bigTiff =
        static_cast<double>(volume.byteCount()) * growth + static_cast<double>(shape.z) * 4096 >
        3.9e9;
    TiffFile out = TiffFile::openForWriting(path, display, bigTiff);
    TIFF* tif = out.get();

    const std::int64_t rowBytes = shape.x * static_cast<std::int64_t>(bpv);
    const std::int64_t rowsPerStrip =
        std::clamp<std::int64_t>((256 << 10) / std::max<std::int64_t>(rowBytes, 1), 1, shape.y);
    requireMemory(static_cast<std::uint64_t>(rowsPerStrip * rowBytes), "TIFF strip buffer");
    std::vector<unsigned char> strip(static_cast<std::size_t>(rowsPerStrip * rowBytes));
    const std::optional<Vec3d> voxelSize =
        volume.hasVoxelSize() ? std::optional<Vec3d>(volume.voxelSize()) : std::nullopt;
    const std::string description = imageJDescription(shape.z, voxelSize, volume.origin());
    const bool isFloat = volume.dataType() == DataType::Float32;
    const auto* base = static_cast<const unsigned char*>(volume.data());
    const Strides3& strides = volume.strides();

    for (std::int64_t z = 0; z < shape.z; ++z) {
        TIFFSetField(tif, TIFFTAG_SUBFILETYPE, shape.z > 1 ? FILETYPE_PAGE : 0);
        TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(shape.x));
        TIFFSetField(tif, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(shape.y));
        TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, static_cast<std::uint16_t>(bpv * 8));
        TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, static_cast<std::uint16_t>(1));
        TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, isFloat ? SAMPLEFORMAT_IEEEFP : SAMPLEFORMAT_UINT);
        TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
        TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
        TIFFSetField(tif, TIFFTAG_COMPRESSION, settings.compression);
        TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, static_cast<std::uint32_t>(rowsPerStrip));
        if (settings.compression != COMPRESSION_NONE && !isFloat)
            TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL); // EM compresses better
        if (settings.compression == COMPRESSION_ADOBE_DEFLATE && settings.level > 0)
            TIFFSetField(tif, TIFFTAG_ZIPQUALITY, settings.level);
        if (voxelSize) {
            // ImageJ reads X/YResolution as pixels per `unit` (nm here).
            TIFFSetField(tif, TIFFTAG_XRESOLUTION, 1.0 / voxelSize->x);
            TIFFSetField(tif, TIFFTAG_YRESOLUTION, 1.0 / voxelSize->y);
            TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_NONE);
        }
        if (z == 0) {
            TIFFSetField(tif, TIFFTAG_IMAGEDESCRIPTION, description.c_str());
            TIFFSetField(tif, TIFFTAG_SOFTWARE, "Cisterna");
        }
        for (std::int64_t y0 = 0, s = 0; y0 < shape.y; y0 += rowsPerStrip, ++s) {
            const std::int64_t rows = std::min(rowsPerStrip, shape.y - y0);
            for (std::int64_t y = y0; y < y0 + rows; ++y) {
                const unsigned char* row =
                    base + (z * strides.z + y * strides.y) * static_cast<std::int64_t>(bpv);
                unsigned char* out = strip.data() + (y - y0) * rowBytes;
                if (strides.x == 1)
                    std::memcpy(out, row, static_cast<std::size_t>(rowBytes));
                else
                    for (std::int64_t x = 0; x < shape.x; ++x)
                        std::memcpy(out + x * bpv, row + x * strides.x * std::int64_t(bpv), bpv);
            }
            if (TIFFWriteEncodedStrip(tif, static_cast<std::uint32_t>(s), strip.data(),
                                      static_cast<tmsize_t>(rows * rowBytes)) < 0)
                out.fail("could not write page " + std::to_string(z + 1) + " (disk full?)");
        }
        if (!TIFFWriteDirectory(tif))
            out.fail("could not write page " + std::to_string(z + 1) + " (disk full?)");
    }
    out.finishWriting();
}

} // namespace cisterna
