// N5 containers (.n5): a dataset inside one as data.n5/group/dataset. A group of
// s0, s1, ... datasets (a BigDataViewer / n5-viewer multiscale) opens at s0.
#include "core/io/BlockWriterSupport.h"
#include "core/io/BuiltinFormats.h"
#include "core/io/zarr/ChunkedRead.h"
#include "core/io/zarr/ContainerPath.h"
#include "core/io/zarr/ContainerWrite.h"
#include "core/io/zarr/ErrorGuard.h"
#include "core/io/zarr/N5Dataset.h"
#include "core/util/AtomicWrite.h"
#include "core/util/Text.h"

namespace fs = std::filesystem;

namespace cisterna {
namespace {

using chunked::Json;
using n5::DatasetMeta;

const char* const kN5Version = "2.5.1";

struct OpenedDataset {
    fs::path dir;
    DatasetMeta meta;
    std::vector<std::string> details;
};

std::string datasetChildren(const fs::path& group) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(group, ec))
        if (entry.is_directory(ec) && fs::is_regular_file(entry.path() / "attributes.json", ec))
            names.push_back(entry.path().filename().string());
    naturalSort(names);
    if (names.empty())
        return "it holds no datasets";
    std::string list;
    for (std::size_t i = 0; i < names.size() && i < 12; ++i)
        list += (i ? ", " : "") + names[i];
    if (names.size() > 12)
        list += ", ...";
    return "open one of its members: " + list;
}

// s0, s1, ... of a multiscale group, for VolumeInfo::details.
std::vector<std::string> scaleLevels(const fs::path& group) {
    std::vector<std::string> details{"N5 multiscale group; levels:"};
    for (int level = 0; level < 64; ++level) {
        const fs::path dir = group / ("s" + std::to_string(level));
        if (!n5::isDataset(dir))
            break;
        std::string line = "s" + std::to_string(level) + ": ";
        try {
            const DatasetMeta meta = n5::readDatasetMeta(dir);
            line += toString(meta.grid.shape);
            if (meta.spatial.hasVoxelSize)
                line += ", voxel size " + toString(meta.spatial.voxelSize) + " nm";
        } catch (const Error& e) {
            line += std::string("unreadable: ") + e.what();
        }
        if (level == 0)
            line += "  <- read";
        details.push_back(line);
    }
    return details;
}

OpenedDataset openDataset(const VolumePath& path) {
    chunked::requireContainerFolder(path, "N5");
    const fs::path node = chunked::innerFolder(path);
    std::error_code ec;
    if (!fs::exists(node, ec))
        throw FormatError(path.display(),
                          "the N5 container has no dataset or group \"" + path.inner + "\"");
    OpenedDataset opened;
    if (fs::is_regular_file(node / "attributes.json", ec) &&
        chunked::readJsonFile(node / "attributes.json").contains("dimensions")) {
        opened.dir = node;
        opened.meta = n5::readDatasetMeta(node);
        return opened;
    }
    if (n5::isDataset(node / "s0")) {
        opened.dir = node / "s0";
        opened.meta = n5::readDatasetMeta(opened.dir);
        opened.details = scaleLevels(node);
        return opened;
    }
    throw FormatError(path.display(), "is an N5 group, not a dataset; " + datasetChildren(node));
}

Volume readOpened(const OpenedDataset& opened, const Box3& region) {
    Volume volume = n5::readDatasetRegion(opened.dir, opened.meta, region);
    chunked::applySpatial(volume, opened.meta.spatial, region);
    return volume;
}

// Makes the groups above an inner dataset and returns the folder it goes to,
// refusing to replace anything but a dataset.
fs::path prepareInnerTarget(const VolumePath& path, const std::vector<std::string>& parts) {
    std::error_code ec;
    const bool created = chunked::createContainerFolder(path);
    const fs::path rootAttributes = path.file / "attributes.json";
    if (created || !fs::exists(rootAttributes, ec))
        chunked::writeJsonFile(rootAttributes, Json{{"n5", kN5Version}});
    fs::path dir = path.file;
    for (std::size_t i = 0;; ++i) {
        if (!fs::is_directory(dir, ec))
            throw FormatError(path.display(), dir.string() + " is not a folder");
        if (n5::isDataset(dir))
            throw FormatError(path.display(), dir.string() +
                                                  " is an N5 dataset, so it cannot hold another "
                                                  "dataset inside it");
        if (i + 1 >= parts.size())
            break;
        dir /= parts[i];
        if (!fs::exists(dir, ec))
            fs::create_directory(dir);
    }
    const fs::path target = dir / parts.back();
    if (fs::exists(target, ec) && !n5::isDataset(target) &&
        !(fs::is_directory(target, ec) && fs::is_empty(target, ec)))
        throw FormatError(path.display(), "already holds an N5 group or other files; Cisterna "
                                          "replaces only a dataset there, so nothing was written");
    return target;
}

class N5Format final : public VolumeFormat {
public:
    std::string name() const override { return "n5"; }
    std::string description() const override {
        return "N5 container; a dataset inside it as data.n5/group/dataset (uint8, uint16, "
               "float32; raw, gzip or blosc blocks)";
    }
    std::vector<std::string> extensions() const override { return {".n5"}; }

    VolumeInfo info(const VolumePath& path) const override {
        return chunked::withFormatErrors(path.display(), [&] {
            const OpenedDataset opened = openDataset(path);
            VolumeInfo info;
            info.format = name();
            info.dataType = opened.meta.type;
            info.shape = opened.meta.grid.shape;
            info.hasVoxelSize = opened.meta.spatial.hasVoxelSize;
            info.voxelSize = opened.meta.spatial.voxelSize;
            info.origin = opened.meta.spatial.origin;
            info.chunkShape = opened.meta.grid.chunk;
            info.compression = chunked::codecName(opened.meta.codec.codec);
            info.details = opened.details;
            return info;
        });
    }

    Volume read(const VolumePath& path, const ReadOptions& options) const override {
        return chunked::readChunked(path, options, openDataset, readOpened);
    }

    RegionReader regionReader(const VolumePath& path) const override {
        return chunked::chunkedRegionReader(path, openDataset, readOpened);
    }

    void write(const VolumePath& path, const Volume& volume,
               const WriteOptions& options) const override {
        chunked::withFormatErrors(path.display(), [&] {
            const n5::ContainerWrite plan = n5::planContainerWrite(path, options, volume.shape());
            // A whole container is swapped in at once; a dataset inside an existing
            // container is built in a temporary sibling folder and renamed into place.
            AtomicDirectory out(plan.target);
            chunked::writeJsonFile(out.tempPath() / "attributes.json",
                                   n5::containerAttributes(plan, volume.dataType(), volume.shape(),
                                                           chunked::spatialOf(volume)));
            n5::writeDatasetBlocks(out.tempPath(), volume, plan.block, plan.codec);
            out.commit();
        });
    }

    // Chunks are written as the blocks arrive, in bounded memory.
    std::unique_ptr<BlockWriter> createBlockWriter(const VolumePath& path,
                                                   const BlockWriterSpec& spec,
                                                   const WriteOptions& options) const override {
        return createN5BlockWriter(path, spec, options);
    }
};

} // namespace

namespace n5 {

ContainerWrite planContainerWrite(const VolumePath& path, const WriteOptions& options,
                                  const Shape3& shape) {
    const std::vector<std::string> parts = chunked::innerComponents(path);
    ContainerWrite plan;
    plan.codec = chunked::codecForWriting(options.compression, options.compressionLevel,
                                          chunked::Codec::Gzip, path.display());
    plan.block = chunked::chooseChunkShape(options.chunkShape, shape);
    plan.root = parts.empty();
    plan.target = plan.root ? path.file : prepareInnerTarget(path, parts);
    return plan;
}

Json containerAttributes(const ContainerWrite& plan, DataType type, const Shape3& shape,
                         const chunked::Spatial& spatial) {
    Json attrs = datasetAttributes(type, shape, spatial, plan.block, plan.codec);
    if (plan.root)
        attrs["n5"] = kN5Version; // the dataset is the container's root
    return attrs;
}

} // namespace n5

std::shared_ptr<VolumeFormat> makeN5Format() {
    return std::make_shared<N5Format>();
}

} // namespace cisterna
