// Zarr v2 folders (.zarr) and OME-Zarr images (.ome.zarr, NGFF 0.4): any 3D (or 2D)
// array inside a container, as crop.zarr/volumes/raw; a group holding OME-Zarr
// "multiscales" opens at its full-resolution level.
#include "core/io/BlockWriterSupport.h"
#include "core/io/BuiltinFormats.h"
#include "core/io/zarr/ChunkedRead.h"
#include "core/io/zarr/ContainerPath.h"
#include "core/io/zarr/ContainerWrite.h"
#include "core/io/zarr/ErrorGuard.h"
#include "core/io/zarr/OmeZarr.h"
#include "core/io/zarr/ZarrArray.h"
#include "core/util/AtomicWrite.h"
#include "core/util/Text.h"

#include <algorithm>

namespace fs = std::filesystem;

namespace cisterna {
namespace {

using chunked::innerComponents;
using chunked::Json;
using zarr::ArrayMeta;
using zarr::OmeImage;

bool hasZarray(const fs::path& dir) {
    std::error_code ec;
    return fs::is_regular_file(dir / ".zarray", ec);
}

bool hasZgroup(const fs::path& dir) {
    std::error_code ec;
    return fs::is_regular_file(dir / ".zgroup", ec);
}

// Whether .zattrs names an OME-Zarr image, without failing on damaged metadata.
bool isOmeImage(const fs::path& dir) {
    try {
        return zarr::readOmeImage(dir).has_value();
    } catch (const Error&) {
        return false;
    }
}

// Arrays and images directly inside a group, to suggest in messages.
std::string openableChildren(const fs::path& group) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(group, ec))
        if (entry.is_directory(ec) && (hasZarray(entry.path()) || hasZgroup(entry.path())))
            names.push_back(entry.path().filename().string());
    naturalSort(names);
    if (names.empty())
        return "it holds no arrays";
    std::string list;
    for (std::size_t i = 0; i < names.size() && i < 12; ++i)
        list += (i ? ", " : "") + names[i];
    if (names.size() > 12)
        list += ", ...";
    return "open one of its members: " + list;
}

struct OpenedArray {
    fs::path arrayDir;
    ArrayMeta meta;
    chunked::Spatial spatial;
    std::vector<std::string> details;
};

std::string levelLine(const fs::path& imageDir, const OmeImage& image, std::size_t index,
                      bool opened) {
    const zarr::OmeLevel& level = image.levels[index];
    std::string line = "level " + std::to_string(index) + " (path \"" + level.path + "\"): ";
    try {
        const ArrayMeta meta = zarr::readArrayMeta(imageDir / level.path);
        const chunked::Spatial spatial = zarr::levelSpatial(image, level, meta.shape.size());
        line += toString(meta.grid.shape);
        if (spatial.hasVoxelSize)
            line += ", voxel size " + toString(spatial.voxelSize) + " nm";
    } catch (const Error& e) {
        line += std::string("unreadable: ") + e.what();
    }
    if (opened)
        line += "  <- read";
    return line;
}

std::vector<std::string> imageDetails(const fs::path& imageDir, const OmeImage& image,
                                      std::size_t openedLevel) {
    std::vector<std::string> details;
    details.push_back("OME-Zarr image" + (image.name.empty() ? "" : " \"" + image.name + "\"") +
                      (image.version.empty() ? "" : " (NGFF " + image.version + ")") + " with " +
                      std::to_string(image.levels.size()) + " level(s)");
    for (std::size_t i = 0; i < image.levels.size(); ++i)
        details.push_back(levelLine(imageDir, image, i, i == openedLevel));
    return details;
}

// An OME-Zarr image in a group above `parts` that lists the array as one of its
// levels: then its voxel size comes from the multiscales metadata.
bool describeAsLevel(const fs::path& root, const std::vector<std::string>& parts,
                     OpenedArray& opened) {
    for (std::size_t k = parts.size(); k-- > 0;) {
        const fs::path group = root / chunked::joinComponents(parts, 0, k);
        const auto image = zarr::readOmeImage(group);
        if (!image)
            continue;
        const std::string relative = chunked::joinComponents(parts, k, parts.size());
        for (std::size_t i = 0; i < image->levels.size(); ++i)
            if (image->levels[i].path == relative) {
                opened.spatial =
                    zarr::levelSpatial(*image, image->levels[i], opened.meta.shape.size());
                opened.details = imageDetails(group, *image, i);
                return true;
            }
    }
    return false;
}

OpenedArray openArray(const VolumePath& path) {
    chunked::requireContainerFolder(path, "Zarr");
    const std::vector<std::string> parts = innerComponents(path);
    const fs::path root = path.file;
    const fs::path node =
        parts.empty() ? root : root / chunked::joinComponents(parts, 0, parts.size());
    std::error_code ec;
    if (!fs::exists(node, ec))
        throw FormatError(path.display(),
                          "the Zarr container has no array or group \"" + path.inner + "\"");
    OpenedArray opened;
    if (hasZarray(node)) {
        opened.arrayDir = node;
        opened.meta = zarr::readArrayMeta(node);
        if (!describeAsLevel(root, parts, opened))
            opened.spatial = zarr::plainArraySpatial(node);
        return opened;
    }
    if (const auto image = zarr::readOmeImage(node)) {
        opened.arrayDir = node / image->levels[0].path;
        if (!hasZarray(opened.arrayDir))
            throw FormatError(path.display(), "the OME-Zarr image's full-resolution level \"" +
                                                  image->levels[0].path +
                                                  "\" is not a Zarr array (no .zarray)");
        opened.meta = zarr::readArrayMeta(opened.arrayDir);
        opened.spatial = zarr::levelSpatial(*image, image->levels[0], opened.meta.shape.size());
        opened.details = imageDetails(node, *image, 0);
        return opened;
    }
    if (fs::exists(node / "zarr.json", ec))
        throw FormatError(path.display(), "is a Zarr version 3 store (zarr.json); Cisterna "
                                          "reads Zarr version 2 (.zarray)");
    if (hasZgroup(node))
        throw FormatError(path.display(),
                          "is a Zarr group, not an array; " + openableChildren(node));
    throw FormatError(path.display(), "holds no Zarr array (.zarray), group (.zgroup) or "
                                      "OME-Zarr image");
}

Volume readOpened(const OpenedArray& opened, const Box3& region) {
    Volume volume = zarr::readArrayRegion(opened.arrayDir, opened.meta, region);
    chunked::applySpatial(volume, opened.spatial, region);
    return volume;
}

void writeGroupMarker(const fs::path& dir) {
    chunked::writeJsonFile(dir / ".zgroup", Json{{"zarr_format", 2}});
}

// Makes the groups above an inner array and returns the folder the array goes to,
// refusing to replace anything that is not an array or image of its own.
fs::path prepareInnerTarget(const VolumePath& path, const std::vector<std::string>& parts) {
    const fs::path root = path.file;
    std::error_code ec;
    chunked::createContainerFolder(path);
    const auto checkGroup = [&](const fs::path& dir) {
        if (!fs::is_directory(dir, ec))
            throw FormatError(path.display(), dir.string() + " is not a folder");
        if (hasZarray(dir))
            throw FormatError(path.display(), dir.string() +
                                                  " is a Zarr array, so it cannot hold another "
                                                  "array inside it");
        if (!hasZgroup(dir))
            writeGroupMarker(dir);
    };
    fs::path dir = root;
    checkGroup(dir);
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        dir /= parts[i];
        if (!fs::exists(dir, ec))
            fs::create_directory(dir);
        checkGroup(dir);
    }
    const fs::path target = dir / parts.back();
    if (fs::exists(target, ec)) {
        const bool replaceable =
            fs::is_directory(target, ec) &&
            (hasZarray(target) || isOmeImage(target) || fs::is_empty(target, ec));
        if (!replaceable)
            throw FormatError(path.display(),
                              "already holds a Zarr group or other files; Cisterna replaces "
                              "only an array or image there, so nothing was written");
    }
    return target;
}

class ZarrFormat final : public VolumeFormat {
public:
    std::string name() const override { return "zarr"; }
    std::string description() const override {
        return "Zarr v2 folder or OME-Zarr image; an array inside it as data.zarr/group/array "
               "(uint8, uint16, float32; raw, zlib, gzip or blosc chunks)";
    }
    std::vector<std::string> extensions() const override { return {".zarr", ".ome.zarr"}; }

    VolumeInfo info(const VolumePath& path) const override {
        return chunked::withFormatErrors(path.display(), [&] {
            const OpenedArray opened = openArray(path);
            VolumeInfo info;
            info.format = name();
            info.dataType = opened.meta.type;
            info.shape = opened.meta.grid.shape;
            info.hasVoxelSize = opened.spatial.hasVoxelSize;
            info.voxelSize = opened.spatial.voxelSize;
            info.origin = opened.spatial.origin;
            info.chunkShape = opened.meta.grid.chunk;
            info.compression = chunked::codecName(opened.meta.codec.codec);
            info.details = opened.details;
            if (opened.meta.float16)
                info.details.push_back("stored as float16, read as float32");
            return info;
        });
    }

    Volume read(const VolumePath& path, const ReadOptions& options) const override {
        return chunked::readChunked(path, options, openArray, readOpened);
    }

    RegionReader regionReader(const VolumePath& path) const override {
        return chunked::chunkedRegionReader(path, openArray, readOpened);
    }

    bool writesFloat16() const override { return true; }
    void write(const VolumePath& path, const Volume& volume,
               const WriteOptions& options) const override {
        chunked::withFormatErrors(path.display(), [&] {
            zarr::ContainerWrite plan = zarr::planContainerWrite(path, options, volume.shape());
            // A whole container is swapped in at once; an array inside an existing
            // container is built in a temporary sibling folder and renamed into place,
            // leaving the container's other arrays alone.
            AtomicDirectory out(plan.target);
            const fs::path arrayDir =
                zarr::writeContainerGroups(out.tempPath(), plan, chunked::spatialOf(volume));
            zarr::writeArray(arrayDir, volume, plan.spec);
            out.commit();
        });
    }

    // Chunks are written as the blocks arrive, in bounded memory.
    std::unique_ptr<BlockWriter> createBlockWriter(const VolumePath& path,
                                                   const BlockWriterSpec& spec,
                                                   const WriteOptions& options) const override {
        return createZarrBlockWriter(path, spec, options);
    }
};

} // namespace

namespace zarr {

ContainerWrite planContainerWrite(const VolumePath& path, const WriteOptions& options,
                                  const Shape3& shape) {
    const std::vector<std::string> parts = innerComponents(path);
    ContainerWrite plan;
    plan.spec.codec = chunked::codecForWriting(options.compression, options.compressionLevel,
                                               chunked::Codec::Blosc, path.display());
    plan.spec.chunk = chunked::chooseChunkShape(options.chunkShape, shape);
    plan.spec.float16 = options.float16;
    plan.target = parts.empty() ? path.file : prepareInnerTarget(path, parts);
    // An existing level of an image stays an array, so that its image's multiscales
    // metadata still points at an array.
    plan.ome = path.extension() == ".ome.zarr" && (parts.empty() || !hasZarray(plan.target));
    if (plan.ome) {
        plan.name = chunked::containerItemName(path, parts, {".ome.zarr", ".zarr"});
        plan.spec.separator = '/'; // what NGFF readers expect
    }
    return plan;
}

fs::path writeContainerGroups(const fs::path& dir, ContainerWrite& plan,
                              const chunked::Spatial& spatial) {
    if (!plan.ome) {
        const Json attrs = plainArrayAttributes(spatial);
        if (!attrs.empty())
            plan.spec.attributes = attrs;
        return dir;
    }
    writeGroupMarker(dir);
    chunked::writeJsonFile(dir / ".zattrs", omeImageAttributes(plan.name, spatial));
    fs::create_directory(dir / "0");
    return dir / "0";
}

} // namespace zarr

std::shared_ptr<VolumeFormat> makeZarrFormat() {
    return std::make_shared<ZarrFormat>();
}

} // namespace cisterna
