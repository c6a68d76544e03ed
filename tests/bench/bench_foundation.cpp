// bench_foundation [size] [scratch-folder]
// Times the demo phantom generation and the write/read throughput of every file
// format on that phantom, and prints peak resident memory. Figures only, no pass/fail.
#include "core/io/VolumeIO.h"
#include "core/phantom/Phantom.h"
#include "core/plugin/PluginRegistry.h"
#include "core/util/PeakMemory.h"
#include "core/volume/VolumeOps.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

using namespace cisterna;
namespace fs = std::filesystem;

namespace {

double seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

double peakResidentMiB() {
    return double(peakResidentBytes()) / (1 << 20);
}

std::uint64_t diskBytes(const fs::path& p) {
    if (fs::is_regular_file(p))
        return fs::file_size(p);
    std::uint64_t total = 0;
    for (const auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file())
            total += e.file_size();
    return total;
}

} // namespace

int main(int argc, char** argv) {
    if (argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
        std::printf("usage: bench_foundation [size=256] [scratch-folder]\n"
                    "Times phantom generation and each format's write/read of it.\n");
        return 0;
    }
    std::int64_t size = 256;
    try {
        if (argc > 1)
            size = std::stoll(argv[1]);
    } catch (const std::exception&) {
        std::fprintf(stderr, "bench_foundation: size must be a number, not '%s'\n", argv[1]);
        return 2;
    }
    const fs::path scratch =
        argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "cisterna-bench";
    fs::create_directories(scratch);
    loadDefaultPlugins();
    std::printf("cisterna bench_foundation: phantom %lld^3, %u hardware threads\n", (long long)size,
                std::thread::hardware_concurrency());

    PhantomParams params;
    params.shape = {size, size, size};
    auto start = std::chrono::steady_clock::now();
    const Phantom phantom = generatePhantom(params);
    const double generation = seconds(start);
    const double mvox = double(phantom.image.voxelCount()) / 1e6;
    std::printf("phantom generation: %.2f s (%.1f Mvoxel/s)\n", generation, mvox / generation);

    std::printf("%-28s %10s %10s %12s %12s\n", "format", "write s", "read s", "read MB/s",
                "disk MiB");
    const char* targets[] = {"bench.tif",       "bench.h5:/raw",  "bench-blosc.zarr",
                             "bench-zlib.zarr", "bench.ome.zarr", "bench.n5/raw",
                             "bench.nrrd",      "bench.mha",      "bench.nii.gz",
                             "bench.mrc",       "bench-slices/"};
    for (const char* target : targets) {
        const std::string path = (scratch / target).string();
        WriteOptions options;
        if (std::string(target).find("zlib") != std::string::npos)
            options.compression = "zlib";
        try {
            start = std::chrono::steady_clock::now();
            writeVolume(path, phantom.image, options);
            const double write = seconds(start);
            start = std::chrono::steady_clock::now();
            const Volume back = readVolume(path);
            const double read = seconds(start);
            const bool same = sameVoxels(back, phantom.image);
            std::printf("%-28s %10.3f %10.3f %12.1f %12.1f%s\n", target, write, read,
                        double(phantom.image.byteCount()) / 1e6 / read,
                        diskBytes(parseVolumePath(path).file) / 1048576.0,
                        same ? "" : "  MISMATCH");
        } catch (const std::exception& e) {
            std::printf("%-28s failed: %s\n", target, e.what());
        }
    }
    std::printf("peak resident memory: %.0f MiB\n", peakResidentMiB());
    fs::remove_all(scratch);
    return 0;
}
