// Formats that are written whole (TIFF, slice folders, MRC, ITK): the blocks are
// gathered in a volume allocated within the memory budget, so an output that
// cannot fit fails before any work, and written by writeVolume on commit.
#include "core/io/BlockWriterSupport.h"
#include "core/io/VolumeIO.h"
#include "core/plugin/PluginRegistry.h"

namespace cisterna {
namespace {

class MemoryBlockWriter final : public BlockWriterBase {
public:
    MemoryBlockWriter(const std::string& path, const BlockWriterSpec& spec,
                      const WriteOptions& options)
        : BlockWriterBase(path, spec), options_(options) {
        // Known to be writable before the voxels are computed.
        PluginRegistry::instance().formatForWriting(parseVolumePath(path));
        volume_ = Volume::allocate(spec.dataType, spec.shape, VolumeRole::Image,
                                   "the output " + path +
                                       " (this format is written whole; Zarr, N5 and HDF5 are "
                                       "written block by block)");
        if (spec.hasVoxelSize)
            volume_.setVoxelSize(spec.voxelSize);
        volume_.setOrigin(spec.origin);
    }

private:
    void store(const Box3& box, const Volume& block) override {
        Volume part = volume_.crop(box);
        paste(block, box, part, box);
    }

    void finish() override {
        writeVolume(path(), volume_, options_);
        volume_ = Volume(); // the memory goes back as soon as the file is written
    }

    WriteOptions options_;
    Volume volume_;
};

} // namespace

std::unique_ptr<BlockWriter> createMemoryBlockWriter(const std::string& path,
                                                     const BlockWriterSpec& spec,
                                                     const WriteOptions& options) {
    return std::make_unique<MemoryBlockWriter>(path, spec, options);
}

} // namespace cisterna
