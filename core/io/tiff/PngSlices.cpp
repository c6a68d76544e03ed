#include "core/io/tiff/PngSlices.h"

#include "core/util/Error.h"
#include "core/util/Text.h"
#include "core/volume/MemoryBudget.h"

#include <png.h>

#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace fs = std::filesystem;

namespace cisterna {
namespace {

// ---- The part that libpng may longjmp through -----------------------------
// decode() and encode() hold only plain C data: a longjmp out of libpng skips
// destructors, so every C++ object lives in the callers.

struct ErrorSink {
    char message[256];
};

void onError(png_structp png, png_const_charp message) {
    auto* sink = static_cast<ErrorSink*>(png_get_error_ptr(png));
    std::snprintf(sink->message, sizeof sink->message, "%s", message ? message : "libpng error");
    png_longjmp(png, 1);
}

void onWarning(png_structp, png_const_charp) {}

struct DecodeJob {
    std::FILE* file;
    bool headerOnly;
    // header, filled by decode()
    png_uint_32 width, height;
    int bitDepth, colorType, interlace;
    // pixels: the caller's expectation (guards the buffers) and the region
    png_uint_32 expectWidth, expectHeight;
    int expectBitDepth, expectColorType;
    std::size_t bytesPerPixel;
    std::int64_t y0, y1, x0, x1;
    unsigned char* dest;
    std::int64_t destRowBytes;
    unsigned char* scratch; // one row, or the whole image when interlaced
    std::size_t scratchBytes;
};

bool decode(DecodeJob* job, ErrorSink* sink) {
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, sink, onError, onWarning);
    if (!png) {
        std::snprintf(sink->message, sizeof sink->message, "libpng could not start");
        return false;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, nullptr, nullptr);
        std::snprintf(sink->message, sizeof sink->message, "libpng could not start");
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, nullptr);
        return false;
    }
    png_init_io(png, job->file);
    png_read_info(png, info);
    job->width = png_get_image_width(png, info);
    job->height = png_get_image_height(png, info);
    job->bitDepth = png_get_bit_depth(png, info);
    job->colorType = png_get_color_type(png, info);
    job->interlace = png_get_interlace_type(png, info);
    if (!job->headerOnly) {
        if (job->width != job->expectWidth || job->height != job->expectHeight ||
            job->bitDepth != job->expectBitDepth || job->colorType != job->expectColorType)
            png_error(png, "the file changed while it was being read");
        if (job->bitDepth < 8)
            png_set_packing(png); // one byte per pixel, values kept (not scaled to 0..255)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (job->bitDepth == 16)
            png_set_swap(png); // PNG stores big-endian
#endif
        const int passes = png_set_interlace_handling(png);
        png_read_update_info(png, info);
        const std::size_t rowBytes = png_get_rowbytes(png, info);
        if (rowBytes != job->width * job->bytesPerPixel)
            png_error(png, "unexpected row layout");
        const std::size_t copyBytes =
            static_cast<std::size_t>(job->x1 - job->x0) * job->bytesPerPixel;
        const std::size_t xOffset = static_cast<std::size_t>(job->x0) * job->bytesPerPixel;
        if (passes == 1) {
            if (job->scratchBytes < rowBytes)
                png_error(png, "internal buffer too small");
            // Rows past the region are never decoded.
            for (std::int64_t y = 0; y < job->y1; ++y) {
                png_read_row(png, job->scratch, nullptr);
                if (y >= job->y0)
                    std::memcpy(job->dest + (y - job->y0) * job->destRowBytes,
                                job->scratch + xOffset, copyBytes);
            }
        } else {
            if (job->scratchBytes < rowBytes * job->height)
                png_error(png, "internal buffer too small");
            for (int pass = 0; pass < passes; ++pass)
                for (png_uint_32 y = 0; y < job->height; ++y)
                    png_read_row(png, job->scratch + y * rowBytes, nullptr);
            for (std::int64_t y = job->y0; y < job->y1; ++y)
                std::memcpy(job->dest + (y - job->y0) * job->destRowBytes,
                            job->scratch + y * rowBytes + xOffset, copyBytes);
        }
    }
    png_destroy_read_struct(&png, &info, nullptr);
    return true;
}

struct EncodeJob {
    std::FILE* file;
    png_uint_32 width, height;
    int bitDepth;
    int level;
    const unsigned char* const* rows;
};

bool encode(const EncodeJob* job, ErrorSink* sink) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, sink, onError, onWarning);
    if (!png) {
        std::snprintf(sink->message, sizeof sink->message, "libpng could not start");
        return false;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, nullptr);
        std::snprintf(sink->message, sizeof sink->message, "libpng could not start");
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_init_io(png, job->file);
    if (job->level >= 0)
        png_set_compression_level(png, job->level);
    png_set_IHDR(png, info, job->width, job->height, job->bitDepth, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (job->bitDepth == 16)
        png_set_swap(png);
#endif
    for (png_uint_32 y = 0; y < job->height; ++y)
        png_write_row(png, job->rows[y]);
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return true;
}

// ---- C++ side ---------------------------------------------------------------

struct FileCloser {
    void operator()(std::FILE* f) const {
        if (f)
            std::fclose(f);
    }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

FilePtr openPng(const fs::path& file) {
    const std::string display = file.string();
    FilePtr fp(std::fopen(file.c_str(), "rb"));
    if (!fp)
        throw FormatError(display, std::string("cannot be opened: ") + std::strerror(errno));
    unsigned char signature[8];
    if (std::fread(signature, 1, 8, fp.get()) != 8 || png_sig_cmp(signature, 0, 8) != 0)
        throw FormatError(display, "is not a PNG file");
    std::rewind(fp.get());
    return fp;
}

} // namespace

PngHeader readPngHeader(const fs::path& file) {
    const std::string display = file.string();
    FilePtr fp = openPng(file);
    DecodeJob job{};
    job.file = fp.get();
    job.headerOnly = true;
    ErrorSink sink{};
    if (!decode(&job, &sink))
        throw FormatError(display, std::string("is not a readable PNG: ") + sink.message);

    PngHeader header;
    header.width = job.width;
    header.height = job.height;
    header.bitDepth = job.bitDepth;
    header.colorType = job.colorType;
    header.interlaced = job.interlace != PNG_INTERLACE_NONE;
    switch (job.colorType) {
    case PNG_COLOR_TYPE_GRAY:
        header.dataType = job.bitDepth == 16 ? DataType::UInt16 : DataType::UInt8;
        break;
    case PNG_COLOR_TYPE_PALETTE:
        header.palette = true;
        header.dataType = DataType::UInt8;
        break;
    case PNG_COLOR_TYPE_GRAY_ALPHA:
        throw FormatError(display, "has an alpha channel (grey + alpha); Cisterna reads "
                                   "greyscale and palette PNGs");
    default:
        throw FormatError(display, std::string("is ") +
                                       (job.colorType == PNG_COLOR_TYPE_RGBA ? "RGBA" : "RGB") +
                                       " colour; Cisterna reads greyscale and palette (label) "
                                       "PNGs");
    }
    // Deflate compresses at most about 1032 to 1, so a header promising more
    // pixels than that is lying (or the file is cut short).
    const std::uint64_t rowBytes = (static_cast<std::uint64_t>(job.width) * job.bitDepth + 7) / 8;
    const std::uint64_t rawBytes = (rowBytes + 1) * job.height;
    std::error_code ec;
    const std::uint64_t fileSize = fs::file_size(file, ec);
    if (!ec && rawBytes > fileSize * 1100 + (64u << 10))
        throw FormatError(display, "its header describes " + std::to_string(job.width) + " x " +
                                       std::to_string(job.height) +
                                       " pixels, more than a file of " + humanBytes(fileSize) +
                                       " can hold");
    return header;
}

void readPngRegion(const fs::path& file, const PngHeader& header, const Box3& region,
                   unsigned char* dest, std::int64_t destRowBytes) {
    const std::string display = file.string();
    if (region.size.y == 0 || region.size.x == 0)
        return;
    const std::size_t bpp = bytesPerVoxel(header.dataType);
    const std::uint64_t rowBytes = static_cast<std::uint64_t>(header.width) * bpp;
    const std::uint64_t scratchBytes =
        header.interlaced ? rowBytes * static_cast<std::uint64_t>(header.height) : rowBytes;
    requireMemory(scratchBytes, "PNG decoding buffer");
    std::vector<unsigned char> scratch(static_cast<std::size_t>(scratchBytes));

    FilePtr fp = openPng(file);
    DecodeJob job{};
    job.file = fp.get();
    job.headerOnly = false;
    job.expectWidth = static_cast<png_uint_32>(header.width);
    job.expectHeight = static_cast<png_uint_32>(header.height);
    job.expectBitDepth = header.bitDepth;
    job.expectColorType = header.colorType;
    job.bytesPerPixel = bpp;
    job.y0 = region.begin.y;
    job.y1 = region.begin.y + region.size.y;
    job.x0 = region.begin.x;
    job.x1 = region.begin.x + region.size.x;
    job.dest = dest;
    job.destRowBytes = destRowBytes;
    job.scratch = scratch.data();
    job.scratchBytes = scratch.size();
    ErrorSink sink{};
    if (!decode(&job, &sink)) {
        // libpng's words for a short read.
        if (std::strcmp(sink.message, "Read Error") == 0)
            throw FormatError(display, "ends before its last row (truncated?)");
        throw FormatError(display, std::string("could not be decoded: ") + sink.message);
    }
}

void writePngSlice(const fs::path& file, const std::string& display, const Volume& volume,
                   std::int64_t z, int level) {
    if (volume.dataType() == DataType::Float32)
        throw FormatError(display, "PNG holds 8- and 16-bit integers; write float32 volumes as "
                                   ".tif slices");
    const Shape3& shape = volume.shape();
    if (shape.y > 0x7fffffffLL || shape.x > 0x7fffffffLL || shape.y == 0 || shape.x == 0)
        throw FormatError(display, "PNG images are 1 to 2^31 - 1 pixels wide and high, not " +
                                       toString(shape));
    // Rows must be contiguous in x for libpng; volumes always are, but be sure.
    const Volume slice = volume.strides().x == 1
                             ? volume.crop({{z, 0, 0}, {1, shape.y, shape.x}})
                             : volume.crop({{z, 0, 0}, {1, shape.y, shape.x}}).clone();
    const std::size_t bpp = bytesPerVoxel(volume.dataType());
    const auto* base = static_cast<const unsigned char*>(slice.data());
    std::vector<const unsigned char*> rows(static_cast<std::size_t>(shape.y));
    for (std::int64_t y = 0; y < shape.y; ++y)
        rows[static_cast<std::size_t>(y)] = base + y * slice.strides().y * std::int64_t(bpp);

    FilePtr fp(std::fopen(file.c_str(), "wb"));
    if (!fp)
        throw FormatError(display, std::string("cannot be created: ") + std::strerror(errno));
    EncodeJob job{};
    job.file = fp.get();
    job.width = static_cast<png_uint_32>(shape.x);
    job.height = static_cast<png_uint_32>(shape.y);
    job.bitDepth = bpp == 2 ? 16 : 8;
    job.level = level;
    job.rows = rows.data();
    ErrorSink sink{};
    if (!encode(&job, &sink))
        throw FormatError(display, std::string("could not be written: ") + sink.message);
    const bool flushed = std::fflush(fp.get()) == 0 && !std::ferror(fp.get());
    if (std::fclose(fp.release()) != 0 || !flushed)
        throw FormatError(display, "could not be written (disk full?)");
}

} // namespace cisterna
