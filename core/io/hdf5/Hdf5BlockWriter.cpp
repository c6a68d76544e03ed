// HDF5 datasets written block by block into a temporary copy of the file, renamed
// into place on commit. HDF5 itself merges blocks that cut through chunks; its
// chunk cache keeps partly written chunks decoded so that each is compressed about
// once, and bounds the memory this takes.
#include "core/io/BlockWriterSupport.h"
#include "core/io/hdf5/Hdf5Volume.h"
#include "core/volume/MemoryBudget.h"

#include <algorithm>

namespace cisterna {
namespace {

constexpr std::uint64_t kMaxChunkCacheBytes = std::uint64_t(64) << 20;

class Hdf5BlockWriter final : public BlockWriterBase {
public:
    Hdf5BlockWriter(const VolumePath& path, const BlockWriterSpec& spec,
                    const WriteOptions& options)
        : BlockWriterBase(path.display(), spec),
          writer_(path, spec.dataType, spec.shape, options,
                  static_cast<std::size_t>(std::max<std::uint64_t>(
                      1, std::min(kMaxChunkCacheBytes, availableMemoryBytes() / 8)))) {
        writer_.writeGeometry(spec.hasVoxelSize, spec.voxelSize, spec.origin);
    }

private:
    void store(const Box3& box, const Volume& block) override { writer_.writeBox(box, block); }
    void finish() override { writer_.commit(); }

    hdf5::DatasetWriter writer_;
};

} // namespace

std::unique_ptr<BlockWriter> createHdf5BlockWriter(const VolumePath& path,
                                                   const BlockWriterSpec& spec,
                                                   const WriteOptions& options) {
    return std::make_unique<Hdf5BlockWriter>(path, spec, options);
}

} // namespace cisterna
