// Multi-page TIFF stacks (.tif .tiff): every page one z slice.
#include "core/io/BuiltinFormats.h"
#include "core/io/tiff/TiffPages.h"
#include "core/util/AtomicWrite.h"

namespace cisterna {
namespace {

class TiffStackFormat final : public VolumeFormat {
public:
    std::string name() const override { return "tiff"; }
    std::string description() const override {
        return "multi-page TIFF stack, one page per z slice (8/16-bit unsigned or 32-bit float "
               "greyscale; ImageJ calibration)";
    }
    std::vector<std::string> extensions() const override {
        return {".tif", ".tiff", ".ome.tif", ".ome.tiff"};
    }

    // Written files are ImageJ TIFFs, not OME-TIFF: a .ome.tif name would promise
    // OME-XML to other readers.
    bool canWrite(const VolumePath& path) const override {
        const std::string ext = path.extension();
        return path.inner.empty() && (ext == ".tif" || ext == ".tiff");
    }

    VolumeInfo info(const VolumePath& path) const override {
        TiffFile file = TiffFile::openForReading(path.file, path.display());
        const TiffStack stack = scanTiffStack(file);
        VolumeInfo info;
        info.format = name();
        info.dataType = stack.dataType;
        info.shape = stack.shape;
        info.hasVoxelSize = stack.voxelSize.has_value();
        info.voxelSize = stack.voxelSize.value_or(Vec3d{1, 1, 1});
        info.origin = stack.origin.value_or(Vec3d{0, 0, 0});
        info.chunkShape = stack.tileShape;
        info.compression = stack.compression;
        info.details = stack.details;
        return info;
    }

    Volume read(const VolumePath& path, const ReadOptions& options) const override {
        TiffFile file = TiffFile::openForReading(path.file, path.display());
        const TiffStack stack = scanTiffStack(file);
        const Box3 region = resolveRegion(path, stack.shape, options);
        Volume volume =
            Volume::allocate(stack.dataType, region.size,
                             stack.palette ? VolumeRole::Label : VolumeRole::Image, "TIFF stack");
        readTiffPages(file, stack, region, volume, 0);
        if (stack.voxelSize)
            volume.setVoxelSize(*stack.voxelSize);
        const Vec3d size = volume.voxelSize();
        const Vec3d origin = stack.origin.value_or(Vec3d{0, 0, 0});
        volume.setOrigin({origin.z + region.begin.z * size.z, origin.y + region.begin.y * size.y,
                          origin.x + region.begin.x * size.x});
        return volume;
    }

    void write(const VolumePath& path, const Volume& volume,
               const WriteOptions& options) const override {
        const TiffWriteSettings settings = tiffWriteSettings(options, path.display());
        AtomicFile atomic(path.file);
        writeTiffPages(atomic.tempPath(), path.display(), volume, settings);
        atomic.commit();
    }
};

} // namespace

std::shared_ptr<VolumeFormat> makeTiffStackFormat() {
    return std::make_shared<TiffStackFormat>();
}

} // namespace cisterna
