// Zarr arrays and OME-Zarr images written block by block, laid out exactly as
// ZarrFormat writes them, in a temporary folder renamed into place on commit.
#include "core/io/zarr/ChunkedBlockWriter.h"
#include "core/io/zarr/ContainerWrite.h"
#include "core/io/zarr/ErrorGuard.h"
#include "core/util/AtomicWrite.h"

namespace fs = std::filesystem;

namespace cisterna {
namespace {

class ZarrChunkStore final : public chunked::ChunkStore {
public:
    ZarrChunkStore(const VolumePath& path, const BlockWriterSpec& spec, const WriteOptions& options)
        : where_(path.display()), plan_(zarr::planContainerWrite(path, options, spec.shape)),
          out_(plan_.target) {
        const chunked::Spatial spatial{spec.hasVoxelSize, spec.voxelSize, spec.origin};
        arrayDir_ = zarr::writeContainerGroups(out_.tempPath(), plan_, spatial);
        zarr::writeArrayMeta(arrayDir_, spec.dataType, spec.shape, plan_.spec);
        meta_ = zarr::readArrayMeta(arrayDir_);
    }

    Shape3 chunkShape() const override { return plan_.spec.chunk; }

    Volume load(const Index3&, const Box3& box) override {
        return chunked::withFormatErrors(
            where_, [&] { return zarr::readArrayRegion(arrayDir_, meta_, box); });
    }

    void store(const Index3& g, const Volume& voxels) override {
        chunked::withFormatErrors(
            where_, [&] { zarr::writeArrayChunk(arrayDir_, plan_.spec, g, voxels, buffer_); });
    }

    void publish() override {
        chunked::withFormatErrors(where_, [&] { out_.commit(); });
    }

private:
    std::string where_;
    zarr::ContainerWrite plan_;
    AtomicDirectory out_;
    fs::path arrayDir_;
    zarr::ArrayMeta meta_;
    std::vector<unsigned char> buffer_;
};

} // namespace

std::unique_ptr<BlockWriter> createZarrBlockWriter(const VolumePath& path,
                                                   const BlockWriterSpec& spec,
                                                   const WriteOptions& options) {
    return chunked::withFormatErrors(path.display(), [&] {
        return chunked::makeChunkedBlockWriter(
            path.display(), spec, std::make_unique<ZarrChunkStore>(path, spec, options));
    });
}

} // namespace cisterna
