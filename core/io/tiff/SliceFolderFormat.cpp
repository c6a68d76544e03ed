// Folders of 2D slices (.tif/.tiff or .png), one file per z slice in natural order.
#include "core/io/BuiltinFormats.h"
#include "core/io/tiff/PngSlices.h"
#include "core/io/tiff/SliceFiles.h"
#include "core/io/tiff/TiffPages.h"
#include "core/plugin/PluginRegistry.h"
#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"
#include "core/util/Text.h"

namespace fs = std::filesystem;

namespace cisterna {
namespace {

const char* const kFormatName = "slices";

// What one slice file holds, whichever kind it is.
struct SliceHeader {
    std::int64_t width = 0, height = 0;
    DataType dataType = DataType::UInt8;
    bool palette = false;
    std::string compression;
    std::optional<Vec3d> voxelSize;
    std::optional<Vec3d> origin;
};

std::string describe(const SliceHeader& h) {
    return std::to_string(h.width) + " x " + std::to_string(h.height) + " " + toString(h.dataType) +
           (h.palette ? " palette" : "");
}

SliceHeader readSliceHeader(SliceKind kind, const fs::path& file) {
    SliceHeader h;
    if (kind == SliceKind::Png) {
        const PngHeader png = readPngHeader(file);
        h.width = png.width;
        h.height = png.height;
        h.dataType = png.dataType;
        h.palette = png.palette;
        h.compression = "png";
        return h;
    }
    TiffFile tiff = TiffFile::openForReading(file, file.string());
    const TiffStack stack = scanTiffStack(tiff);
    if (stack.shape.z != 1)
        throw FormatError(file.string(), "holds " + std::to_string(stack.shape.z) +
                                             " pages; every file of a slice folder holds one "
                                             "image");
    h.width = stack.shape.x;
    h.height = stack.shape.y;
    h.dataType = stack.dataType;
    h.palette = stack.palette;
    h.compression = stack.compression;
    h.voxelSize = stack.voxelSize;
    h.origin = stack.origin;
    return h;
}

// Reads the region's rows and columns of one slice into dest slice `destZ`.
void readSlice(SliceKind kind, const fs::path& file, const SliceHeader& expected,
               const Box3& region, Volume& dest, std::int64_t destZ) {
    const Box3 plane{{0, region.begin.y, region.begin.x}, {1, region.size.y, region.size.x}};
    if (kind == SliceKind::Png) {
        PngHeader header = readPngHeader(file);
        if (header.width != expected.width || header.height != expected.height ||
            header.dataType != expected.dataType)
            throw FormatError(file.string(), "changed while the folder was being read");
        const std::int64_t bpv = static_cast<std::int64_t>(bytesPerVoxel(header.dataType));
        readPngRegion(file, header, plane,
                      static_cast<unsigned char*>(dest.data()) + destZ * dest.strides().z * bpv,
                      dest.strides().y * bpv);
        return;
    }
    TiffFile tiff = TiffFile::openForReading(file, file.string());
    const TiffStack stack = scanTiffStack(tiff);
    if (stack.shape != Shape3{1, expected.height, expected.width} ||
        stack.dataType != expected.dataType)
        throw FormatError(file.string(), "changed while the folder was being read");
    readTiffPages(tiff, stack, plane, dest, destZ);
}

struct FolderContents {
    SliceListing listing;
    SliceHeader first;
};

FolderContents openFolder(const VolumePath& path) {
    if (!path.inner.empty())
        throw FormatError(path.display(), "a slice folder has no arrays inside it");
    FolderContents contents;
    contents.listing = listSlices(path.file, path.display());
    contents.first = readSliceHeader(contents.listing.kind, contents.listing.files.front());
    return contents;
}

VolumeInfo infoOf(const FolderContents& c) {
    VolumeInfo info;
    info.format = kFormatName;
    info.dataType = c.first.dataType;
    info.shape = {static_cast<std::int64_t>(c.listing.files.size()), c.first.height, c.first.width};
    info.hasVoxelSize = c.first.voxelSize.has_value();
    info.voxelSize = c.first.voxelSize.value_or(Vec3d{1, 1, 1});
    info.origin = c.first.origin.value_or(Vec3d{0, 0, 0});
    info.compression = c.first.compression;
    info.details.push_back(std::to_string(c.listing.files.size()) + " slices, " +
                           c.listing.files.front().filename().string() + " ... " +
                           c.listing.files.back().filename().string());
    if (c.first.palette)
        info.details.push_back("palette (colour-mapped) slices: the index is the value");
    return info;
}

// The folder and naming of slices to write.
struct SliceTarget {
    fs::path folder;
    SlicePattern pattern;
    SliceKind kind = SliceKind::Tiff;
    bool patternGiven = false;
};

bool endsWithSlash(const VolumePath& path) {
    const std::string text = path.display();
    return !text.empty() && (text.back() == '/' || path.file.filename().empty());
}

// A folder whose extension another format claims (out.zarr/, x.n5/) is not ours.
bool claimedByOtherFormat(const fs::path& folder) {
    fs::path p = folder;
    if (p.filename().empty())
        p = p.parent_path();
    const std::string ext = volumeExtension(p);
    if (ext.empty())
        return false;
    for (const auto& format : PluginRegistry::instance().formats()) {
        if (format->name() == kFormatName)
            continue;
        for (const auto& e : format->extensions())
            if (e == ext)
                return true;
    }
    return false;
}

std::string normalizedExtension(const std::string& text, const std::string& display) {
    std::string ext = toLower(text);
    if (!ext.empty() && ext.front() != '.')
        ext.insert(ext.begin(), '.');
    if (ext != ".tif" && ext != ".tiff" && ext != ".png")
        throw FormatError(display, "slices are written as .tif or .png, not '" + text + "'");
    return ext;
}

SliceTarget sliceTarget(const VolumePath& path, std::int64_t count, const WriteOptions& options) {
    const std::string display = path.display();
    SliceTarget target;
    const std::string name = path.file.filename().string();
    if (auto pattern = parseSlicePattern(name, display)) {
        target.patternGiven = true;
        target.pattern = *pattern;
        target.folder = path.file.parent_path().empty() ? fs::path(".") : path.file.parent_path();
        const auto kind = sliceKindOf(fs::path("slice" + pattern->suffix));
        if (!kind)
            throw FormatError(display, "the file name pattern must end in .tif, .tiff or .png");
        target.kind = *kind;
        return target;
    }
    target.folder = path.file.filename().empty() ? path.file.parent_path() : path.file;
    const std::string ext = normalizedExtension(options.sliceExtension, display);
    target.pattern = defaultSlicePattern(count, ext);
    target.kind = ext == ".png" ? SliceKind::Png : SliceKind::Tiff;
    return target;
}

// An existing folder is replaced only when it holds nothing but slice images:
// pointing the writer at a folder of other work must not delete that work.
void requireReplaceable(const fs::path& folder, const std::string& display) {
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const bool slice = it->is_regular_file(ec) && sliceKindOf(it->path()).has_value();
        if (!slice)
            throw FormatError(display, "already holds " + it->path().filename().string() +
                                           ", which is not a slice; write slices into a new or "
                                           "empty folder, or into a folder of slices");
    }
    if (ec)
        throw FormatError(display, "could not be listed: " + ec.message());
}

void writeSlice(const SliceTarget& target, const fs::path& file, const std::string& display,
                const Volume& volume, std::int64_t z, const TiffWriteSettings& tiff, int pngLevel) {
    if (target.kind == SliceKind::Png) {
        writePngSlice(file, display, volume, z, pngLevel);
    } else {
        const Volume slice = volume.crop({{z, 0, 0}, {1, volume.shape().y, volume.shape().x}});
        writeTiffPages(file, display, slice, tiff);
    }
}

int pngLevelFor(const WriteOptions& options, const std::string& display) {
    const std::string name = toLower(options.compression);
    if (name == "raw" || name == "none")
        return 0;
    if (name == "default" || name == "zlib" || name == "deflate") {
        if (options.compressionLevel > 9)
            throw FormatError(display, "PNG compression levels go from 0 to 9, not " +
                                           std::to_string(options.compressionLevel));
        return options.compressionLevel;
    }
    throw FormatError(display, "PNG slices are written with zlib (the default) or raw "
                               "compression, not '" +
                                   options.compression + "'");
}

class SliceFolderFormat final : public VolumeFormat {
public:
    std::string name() const override { return kFormatName; }
    std::string description() const override {
        return "folder of 2D .tif/.png slices in natural order (write: folder/ or "
               "folder/img_%04d.png)";
    }
    std::vector<std::string> extensions() const override { return {}; }

    bool canRead(const VolumePath& path) const override {
        return path.inner.empty() && holdsSlices(path.file) && !claimedByOtherFormat(path.file);
    }

    bool canWrite(const VolumePath& path) const override {
        if (!path.inner.empty())
            return false;
        const std::string name = path.file.filename().string();
        if (name.find('%') != std::string::npos) {
            try {
                const auto pattern = parseSlicePattern(name, path.display());
                return pattern && sliceKindOf(fs::path("slice" + pattern->suffix)).has_value();
            } catch (const FormatError&) {
                return false;
            }
        }
        std::error_code ec;
        return (endsWithSlash(path) || fs::is_directory(path.file, ec)) &&
               !claimedByOtherFormat(path.file);
    }

    VolumeInfo info(const VolumePath& path) const override { return infoOf(openFolder(path)); }

    Volume read(const VolumePath& path, const ReadOptions& options) const override {
        const FolderContents c = openFolder(path);
        const auto& files = c.listing.files;
        // Every header is checked before the volume is allocated.
        for (std::size_t i = 1; i < files.size(); ++i) {
            const SliceHeader h = readSliceHeader(c.listing.kind, files[i]);
            if (h.width != c.first.width || h.height != c.first.height ||
                h.dataType != c.first.dataType || h.palette != c.first.palette)
                throw FormatError(files[i].string(),
                                  "is " + describe(h) + " but the first slice " +
                                      files.front().filename().string() + " is " +
                                      describe(c.first) +
                                      "; every slice must have the same size and type");
        }
        const VolumeInfo info = infoOf(c);
        const Box3 region = resolveRegion(path, info.shape, options);
        Volume volume = Volume::allocate(info.dataType, region.size,
                                         c.first.palette ? VolumeRole::Label : VolumeRole::Image,
                                         "slice folder");
        for (std::int64_t z = region.begin.z; z < region.begin.z + region.size.z; ++z)
            readSlice(c.listing.kind, files[static_cast<std::size_t>(z)], c.first, region, volume,
                      z - region.begin.z);
        if (info.hasVoxelSize)
            volume.setVoxelSize(info.voxelSize);
        const Vec3d& size = info.voxelSize;
        volume.setOrigin({info.origin.z + region.begin.z * size.z,
                          info.origin.y + region.begin.y * size.y,
                          info.origin.x + region.begin.x * size.x});
        return volume;
    }

    void write(const VolumePath& path, const Volume& volume,
               const WriteOptions& options) const override {
        const std::string display = path.display();
        const Shape3& shape = volume.shape();
        if (shape.isEmpty())
            throw FormatError(display,
                              "cannot write an empty volume " + toString(shape) + " as slices");
        const SliceTarget target = sliceTarget(path, shape.z, options);
        // Every setting is checked before the first file is written.
        TiffWriteSettings tiff;
        int pngLevel = -1;
        if (target.kind == SliceKind::Png) {
            pngLevel = pngLevelFor(options, display);
            if (volume.dataType() == DataType::Float32)
                throw FormatError(display, "PNG holds 8- and 16-bit integers; write float32 "
                                           "volumes as .tif slices");
        } else {
            tiff = tiffWriteSettings(options, display);
        }

        std::error_code ec;
        const bool folderExists = fs::is_directory(target.folder, ec);
        if (target.patternGiven && folderExists) {
            // Other files in the folder stay; each slice replaces its namesake atomically.
            for (std::int64_t z = 0; z < shape.z; ++z) {
                const fs::path file = target.folder / sliceFileName(target.pattern, z);
                AtomicFile atomic(file);
                writeSlice(target, atomic.tempPath(), file.string(), volume, z, tiff, pngLevel);
                atomic.commit();
            }
            return;
        }
        if (folderExists)
            requireReplaceable(target.folder, display);
        else if (fs::exists(target.folder, ec))
            throw FormatError(display, target.folder.string() + " exists and is not a folder");
        // The whole folder appears at once, replacing old slices (none left over).
        AtomicDirectory atomic(target.folder);
        for (std::int64_t z = 0; z < shape.z; ++z) {
            const std::string name = sliceFileName(target.pattern, z);
            writeSlice(target, atomic.tempPath() / name, (target.folder / name).string(), volume, z,
                       tiff, pngLevel);
        }
        atomic.commit();
    }
};

} // namespace

std::shared_ptr<VolumeFormat> makeSliceFolderFormat() {
    return std::make_shared<SliceFolderFormat>();
}

} // namespace cisterna
