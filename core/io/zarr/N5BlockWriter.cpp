// N5 datasets written block by block, laid out exactly as N5Format writes them, in
// a temporary folder renamed into place on commit.
#include "core/io/zarr/ChunkedBlockWriter.h"
#include "core/io/zarr/ContainerWrite.h"
#include "core/io/zarr/ErrorGuard.h"
#include "core/util/AtomicWrite.h"

namespace cisterna {
namespace {

class N5ChunkStore final : public chunked::ChunkStore {
public:
    N5ChunkStore(const VolumePath& path, const BlockWriterSpec& spec, const WriteOptions& options)
        : where_(path.display()), plan_(n5::planContainerWrite(path, options, spec.shape)),
          out_(plan_.target) {
        n5::checkBlockShape(out_.tempPath(), plan_.block);
        const chunked::Spatial spatial{spec.hasVoxelSize, spec.voxelSize, spec.origin};
        chunked::writeJsonFile(out_.tempPath() / "attributes.json",
                               n5::containerAttributes(plan_, spec.dataType, spec.shape, spatial));
        meta_ = n5::readDatasetMeta(out_.tempPath());
    }

    Shape3 chunkShape() const override { return plan_.block; }

    Volume load(const Index3&, const Box3& box) override {
        return chunked::withFormatErrors(
            where_, [&] { return n5::readDatasetRegion(out_.tempPath(), meta_, box); });
    }

    void store(const Index3& g, const Volume& voxels) override {
        chunked::withFormatErrors(where_, [&] {
            n5::writeDatasetBlock(out_.tempPath(), plan_.codec, g, voxels, buffer_);
        });
    }

    void publish() override {
        chunked::withFormatErrors(where_, [&] { out_.commit(); });
    }

private:
    std::string where_;
    n5::ContainerWrite plan_;
    AtomicDirectory out_;
    n5::DatasetMeta meta_;
    std::vector<unsigned char> buffer_;
};

} // namespace

std::unique_ptr<BlockWriter> createN5BlockWriter(const VolumePath& path,
                                                 const BlockWriterSpec& spec,
                                                 const WriteOptions& options) {
    return chunked::withFormatErrors(path.display(), [&] {
        return chunked::makeChunkedBlockWriter(path.display(), spec,
                                               std::make_unique<N5ChunkStore>(path, spec, options));
    });
}

} // namespace cisterna
