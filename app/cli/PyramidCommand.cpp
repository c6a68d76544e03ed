#include "Command.h"

#include "core/io/lazy/PyramidWriter.h"
#include "core/util/Error.h"
#include "core/util/Stopwatch.h"
#include "core/volume/Geometry.h"
#include "core/volume/MemoryBudget.h"

#include <cstdio>
#include <iostream>

namespace cisterna::cli {
namespace {

// The CLI's way to make any volume browsable lazily: a chunked, multiscale OME-Zarr
// written block by block, in bounded memory, whatever the input's size.
class PyramidCommand final : public Command {
public:
    void setup(CLI::App& app) override {
        subcommand = app.add_subcommand(
            "pyramid", "Write a volume as a chunked multiscale OME-Zarr (read lazily, any size)");
        subcommand->add_option("input", input_, "Volume to read")->required();
        subcommand->add_option("output", output_, "OME-Zarr image to write (.ome.zarr)")
            ->required();
        subcommand->add_option("--screen", screen_,
                               "Add levels until the largest extent is at most this many voxels");
        subcommand->add_option("--voxel-size", voxelSize_,
                               "Voxel size in nm (z,y,x or one value) when the input has none");
        subcommand->add_option("--compression", compression_, "raw, zlib, gzip or blosc");
        subcommand->add_option("--chunks", chunks_, "Chunk shape z,y,x (default 64,64,64)");
        subcommand->add_option("--cache", cache_,
                               "Bytes of the input's chunk cache (K/M/G suffix; default a "
                               "quarter of the memory available)");
    }

    void run() override {
        PyramidOptions options;
        options.screenExtent = screen_;
        options.write.compression = compression_;
        if (!chunks_.empty()) {
            const Vec3d c = parseVec3d(chunks_);
            options.write.chunkShape =
                Shape3{std::int64_t(c.z), std::int64_t(c.y), std::int64_t(c.x)};
            if (options.write.chunkShape->isEmpty())
                throw InvalidArgument("chunk shape '" + chunks_ + "' must be positive");
        }
        if (!voxelSize_.empty())
            options.voxelSize = parseVec3d(voxelSize_);
        std::uint64_t cacheBytes = 0;
        if (!cache_.empty()) {
            const auto parsed = parseByteSize(cache_);
            if (!parsed || *parsed == 0)
                throw InvalidArgument("cache size '" + cache_ + "' is not a size like 512M or 2G");
            cacheBytes = *parsed;
        }
        const auto source = LazyVolume::open(input_, cacheBytes);
        Stopwatch watch;
        const auto levels = writePyramid(
            *source, output_, options, Progress([](double fraction, const std::string& message) {
                std::fprintf(stderr, "\r%5.1f %% %s   ", 100 * fraction, message.c_str());
            }));
        std::fprintf(stderr, "\n");
        for (std::size_t i = 0; i < levels.size(); ++i)
            std::cout << "level " << i << ": " << toString(levels[i].shape) << ", voxel "
                      << toString(levels[i].voxelSize) << " nm\n";
        std::cout << "wrote " << output_ << " in " << watch.seconds() << " s\n";
    }

private:
    std::string input_, output_, compression_ = "default", chunks_, cache_, voxelSize_;
    std::int64_t screen_ = 1024;
};

} // namespace

std::unique_ptr<Command> makePyramidCommand() {
    return std::make_unique<PyramidCommand>();
}

} // namespace cisterna::cli
