#include "core/io/zarr/SharedZarrArray.h"

#include "core/io/VolumePath.h"
#include "core/io/zarr/ContainerWrite.h"
#include "core/io/zarr/ErrorGuard.h"
#include "core/io/zarr/SpatialMetadata.h"
#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"

#include <unistd.h>

#include <random>

namespace fs = std::filesystem;

namespace cisterna {
namespace {

constexpr const char* kIdentityFile = ".cisterna-fill.json";
constexpr const char* kMarkers = ".cisterna-done";

std::string markerName(const Index3& g) {
    return std::to_string(g.z) + "." + std::to_string(g.y) + "." + std::to_string(g.x);
}

std::string uniqueSuffix() {
    std::random_device random;
    return ".cisterna-new-" + std::to_string(::getpid()) + "-" + std::to_string(random());
}

} // namespace

struct SharedZarrArray::State {
    std::string where;
    zarr::ArrayWriteSpec spec;
    fs::path arrayDir;
    chunked::ChunkGrid grid;
    std::vector<unsigned char> buffer;
};

SharedZarrArray::SharedZarrArray(const std::string& path, const SharedArraySpec& spec)
    : state_(std::make_unique<State>()) {
    State& s = *state_;
    s.where = path;
    chunked::withFormatErrors(path, [&] {
        const VolumePath vp = parseVolumePath(path);
        const std::string ext = vp.extension();
        if (ext != ".zarr" && ext != ".ome.zarr")
            throw InvalidArgument("a prediction shared by several tasks is written to Zarr "
                                  "(.zarr or .ome.zarr), where each task writes its own "
                                  "chunks; not to " +
                                  path);
        WriteOptions options;
        options.float16 = spec.float16;
        zarr::ContainerWrite plan = zarr::planContainerWrite(vp, options, spec.shape);
        plan.spec.chunk = spec.chunk;
        const chunked::Json identity = {{"identity", spec.identity},
                                        {"shape", {spec.shape.z, spec.shape.y, spec.shape.x}},
                                        {"chunks", {spec.chunk.z, spec.chunk.y, spec.chunk.x}},
                                        {"dtype", toString(spec.type)}};
        const chunked::Spatial spatial{spec.hasVoxelSize, spec.voxelSize, spec.origin};
        if (!fs::exists(plan.target)) {
            // Built aside and renamed: a directory renamed onto one that another task
            // made meanwhile fails (it is not empty), and then that one is used.
            const fs::path temp = plan.target.string() + uniqueSuffix();
            fs::create_directories(temp);
            const fs::path arrayDir = zarr::writeContainerGroups(temp, plan, spatial);
            zarr::writeArrayMeta(arrayDir, spec.type, spec.shape, plan.spec);
            fs::create_directories(arrayDir / kMarkers);
            chunked::writeJsonFile(arrayDir / kIdentityFile, identity);
            std::error_code error;
            fs::rename(temp, plan.target, error);
            if (error)
                fs::remove_all(temp);
        }
        // Where writeContainerGroups puts the array: the image's level 0 for OME-Zarr.
        s.arrayDir = plan.ome ? plan.target / "0" : plan.target;
        const auto found = chunked::readJsonFileIfPresent(s.arrayDir / kIdentityFile);
        if (!found || *found != identity)
            throw FormatError(path, "it holds another prediction (or other data) than this one "
                                    "would write; remove it or choose another output");
        s.spec = plan.spec;
        s.grid.shape = spec.shape;
        s.grid.chunk = spec.chunk;
    });
}

SharedZarrArray::~SharedZarrArray() = default;

Shape3 SharedZarrArray::gridShape() const {
    return state_->grid.gridShape();
}

Box3 SharedZarrArray::chunkBox(const Index3& chunk) const {
    return state_->grid.chunkBox(chunk);
}

bool SharedZarrArray::isDone(const Index3& chunk) const {
    return fs::exists(state_->arrayDir / kMarkers / markerName(chunk));
}

void SharedZarrArray::writeChunk(const Index3& chunk, const Volume& voxels) {
    State& s = *state_;
    if (voxels.shape() != chunkBox(chunk).size)
        throw InvalidArgument("chunk " + markerName(chunk) + " of " + s.where + " holds " +
                              toString(chunkBox(chunk).size) + ", not " + toString(voxels.shape()));
    chunked::withFormatErrors(s.where, [&] {
        zarr::writeArrayChunk(s.arrayDir, s.spec, chunk, voxels, s.buffer);
        // The marker comes after the chunk: a chunk without one is written again.
        writeFileAtomically(s.arrayDir / kMarkers / markerName(chunk), "");
    });
}

std::int64_t SharedZarrArray::doneCount() const {
    std::int64_t n = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(state_->arrayDir / kMarkers))
        ++n;
    return n;
}

} // namespace cisterna
