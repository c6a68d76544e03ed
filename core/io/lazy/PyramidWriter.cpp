#include "core/io/lazy/PyramidWriter.h"

#include "core/io/VolumePath.h"
#include "core/io/zarr/ChunkCodec.h"
#include "core/io/zarr/ErrorGuard.h"
#include "core/io/zarr/JsonMetadata.h"
#include "core/io/zarr/OmeZarr.h"
#include "core/io/zarr/ZarrArray.h"
#include "core/phantom/ParallelFor.h"
#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"
#include "core/volume/Downsample.h"

#include <algorithm>
#include <cmath>
#include <mutex>

namespace fs = std::filesystem;

namespace cisterna {

namespace {

// Work unit of one level: a run of whole chunks, about 1024 x 1024 in-plane, so a
// block is read with few reader calls and split into chunks in memory.
Shape3 blockShape(const Shape3& chunk) {
    const auto multiple = [](std::int64_t c) { return std::max<std::int64_t>(1, 1024 / c) * c; };
    return {chunk.z, multiple(chunk.y), multiple(chunk.x)};
}

// Splits `voxels` (which holds `box` of the level) into its chunks and writes them.
void writeChunksOf(const fs::path& arrayDir, const zarr::ArrayWriteSpec& spec, const Box3& box,
                   const Volume& voxels, std::vector<unsigned char>& buffer) {
    const Shape3& c = spec.chunk;
    for (std::int64_t z = box.begin.z; z < box.end().z; z += c.z)
        for (std::int64_t y = box.begin.y; y < box.end().y; y += c.y)
            for (std::int64_t x = box.begin.x; x < box.end().x; x += c.x) {
                const Box3 local{{z - box.begin.z, y - box.begin.y, x - box.begin.x},
                                 {std::min(c.z, box.end().z - z), std::min(c.y, box.end().y - y),
                                  std::min(c.x, box.end().x - x)}};
                zarr::writeArrayChunk(arrayDir, spec, {z / c.z, y / c.y, x / c.x},
                                      voxels.crop(local).contiguous(), buffer);
            }
}

} // namespace

std::vector<PyramidLevel> planPyramid(const Shape3& shape, const Vec3d& voxelSize,
                                      std::int64_t screenExtent) {
    std::vector<PyramidLevel> levels{{shape, voxelSize, {1, 1, 1}}};
    const auto largest = [](const Shape3& s) { return std::max({s.z, s.y, s.x}); };
    while (largest(levels.back().shape) > std::max<std::int64_t>(screenExtent, 1)) {
        const PyramidLevel& last = levels.back();
        const Shape3 f = pyramidFactors(last.voxelSize);
        const Shape3 next = downsampledShape(last.shape, f);
        if (next == last.shape)
            break;
        levels.push_back(
            {next, {last.voxelSize.z * f.z, last.voxelSize.y * f.y, last.voxelSize.x * f.x}, f});
    }
    return levels;
}

std::vector<PyramidLevel> writePyramid(const LazyVolume& source, const std::string& path,
                                       const PyramidOptions& options, const Progress& progress) {
    const VolumePath target = parseVolumePath(path);
    if (target.extension() != ".ome.zarr" || !target.inner.empty())
        throw FormatError(path, "a pyramid is written as an OME-Zarr image: a folder ending in "
                                ".ome.zarr");
    VolumeInfo info = source.info();
    if (options.voxelSize) {
        info.voxelSize = *options.voxelSize;
        info.hasVoxelSize = true;
    }
    for (const double v : {info.voxelSize.z, info.voxelSize.y, info.voxelSize.x})
        if (!(v > 0) || !std::isfinite(v))
            throw InvalidArgument("a voxel size must be positive, got " + toString(info.voxelSize));
    const std::vector<PyramidLevel> levels =
        planPyramid(info.shape, info.voxelSize, options.screenExtent);

    zarr::ArrayWriteSpec spec;
    spec.codec = chunked::codecForWriting(options.write.compression, options.write.compressionLevel,
                                          chunked::Codec::Blosc, path);
    spec.separator = '/'; // what NGFF readers expect
    spec.chunk = chunked::chooseChunkShape(options.write.chunkShape, info.shape);

    AtomicDirectory out(target.file);
    std::vector<chunked::Spatial> spatial;
    for (const PyramidLevel& level : levels) {
        const Vec3d& v0 = info.voxelSize;
        const Vec3d& v = level.voxelSize;
        // A coarse voxel's centre is the centre of the block of fine voxels it holds.
        spatial.push_back({info.hasVoxelSize,
                           v,
                           {info.origin.z + (v.z - v0.z) / 2, info.origin.y + (v.y - v0.y) / 2,
                            info.origin.x + (v.x - v0.x) / 2}});
    }
    chunked::withFormatErrors(path, [&] {
        fs::create_directories(out.tempPath());
        chunked::writeJsonFile(out.tempPath() / ".zgroup", chunked::Json{{"zarr_format", 2}});
        const std::string name = target.file.filename().string();
        chunked::writeJsonFile(
            out.tempPath() / ".zattrs",
            zarr::omePyramidAttributes(name.substr(0, name.size() - 9), spatial));
    });

    std::int64_t totalVoxels = 0;
    for (const PyramidLevel& level : levels)
        totalVoxels += level.shape.voxelCount();
    std::int64_t doneVoxels = 0;
    std::unique_ptr<LazyVolume> previous;
    for (std::size_t i = 0; i < levels.size(); ++i) {
        const PyramidLevel& level = levels[i];
        zarr::ArrayWriteSpec levelSpec = spec;
        levelSpec.chunk = {std::min(spec.chunk.z, level.shape.z),
                           std::min(spec.chunk.y, level.shape.y),
                           std::min(spec.chunk.x, level.shape.x)};
        const fs::path arrayDir = out.tempPath() / std::to_string(i);
        chunked::withFormatErrors(path, [&] {
            fs::create_directory(arrayDir);
            zarr::writeArrayMeta(arrayDir, info.dataType, level.shape, levelSpec);
        });
        const std::vector<Box3> blocks = blocksOf(level.shape, blockShape(levelSpec.chunk));
        const unsigned workers = phantom::workerCount(static_cast<std::int64_t>(blocks.size()));
        std::vector<std::vector<unsigned char>> buffers(workers);
        const double from = double(doneVoxels) / double(totalVoxels);
        const double to = double(doneVoxels + level.shape.voxelCount()) / double(totalVoxels);
        phantom::parallelFor(
            static_cast<std::int64_t>(blocks.size()),
            [&](std::int64_t b, unsigned worker) {
                const Box3& box = blocks[static_cast<std::size_t>(b)];
                Volume voxels;
                if (i == 0) {
                    voxels = source.read(box);
                } else {
                    const Shape3 f = level.factors;
                    const Shape3 fine = previous->shape();
                    const Box3 in{{box.begin.z * f.z, box.begin.y * f.y, box.begin.x * f.x},
                                  {std::min(box.size.z * f.z, fine.z - box.begin.z * f.z),
                                   std::min(box.size.y * f.y, fine.y - box.begin.y * f.y),
                                   std::min(box.size.x * f.x, fine.x - box.begin.x * f.x)}};
                    voxels = downsample(previous->read(in), f);
                }
                chunked::withFormatErrors(path, [&] {
                    writeChunksOf(arrayDir, levelSpec, box, voxels, buffers[worker]);
                });
            },
            progress, from, to, "writing level " + std::to_string(i) + " of the pyramid");
        doneVoxels += level.shape.voxelCount();
        // The next level reads this one back: it is already on disk, and a lazy read
        // of it keeps the memory bounded whatever the level's size.
        const zarr::ArrayMeta meta =
            chunked::withFormatErrors(path, [&] { return zarr::readArrayMeta(arrayDir); });
        VolumeInfo levelInfo = info;
        levelInfo.shape = level.shape;
        levelInfo.voxelSize = level.voxelSize;
        const std::uint64_t cache =
            std::max<std::uint64_t>(LazyVolume::defaultCacheBytes() / 2, 64u << 20);
        previous = std::make_unique<LazyVolume>(
            levelInfo, meta.grid.chunk,
            [arrayDir, meta](const Box3& box) {
                return zarr::readArrayRegion(arrayDir, meta, box);
            },
            cache);
    }
    progress.report(1.0, "pyramid written");
    chunked::withFormatErrors(path, [&] { out.commit(); });
    return levels;
}

} // namespace cisterna
