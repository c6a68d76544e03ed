// bench_layer_memory [edge=1024] [scratch-folder]
// What a label layer of edge^3 voxels with strokes on three planes really costs in
// memory (ZeroPages.h): after painting, after a copy-on-write copy, and after it is
// saved and read back, before and after its zero pages are given back. Figures only.
#include "core/io/VolumeIO.h"
#include "core/util/PeakMemory.h"
#include "core/util/Stopwatch.h"
#include "core/volume/ZeroPages.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

using namespace cisterna;
namespace fs = std::filesystem;

namespace {

double mib(std::uint64_t bytes) {
    return double(bytes) / (1 << 20);
}

} // namespace

int main(int argc, char** argv) {
    if (argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
        std::printf("usage: bench_layer_memory [edge=1024] [scratch-folder]\n");
        return 0;
    }
    const std::int64_t edge = argc > 1 ? std::stoll(argv[1]) : 1024;
    const fs::path scratch =
        argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "cisterna-bench-layers";
    fs::create_directories(scratch);
    const Shape3 shape{edge, edge, edge};
    std::printf("a %s uint8 strokes layer (%.0f MiB)\n", toString(shape).c_str(),
                mib(std::uint64_t(shape.voxelCount())));

    Volume layer = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label, "strokes");
    auto v = layer.view<std::uint8_t>();
    // Three stroked planes, each with 20 strokes of radius 3 and 200 voxels long.
    std::int64_t painted = 0;
    for (std::int64_t z : {edge / 4, edge / 2, 3 * edge / 4})
        for (std::int64_t k = 0; k < 20; ++k) {
            const std::int64_t y0 = (k * edge) / 20 + 3, x0 = edge / 8;
            for (std::int64_t y = y0 - 3; y <= y0 + 3; ++y)
                for (std::int64_t x = x0; x < std::min(edge, x0 + 200); ++x, ++painted)
                    v(z, y, x) = k % 2 ? 2 : 1;
        }
    std::printf("painted %lld voxels on 3 planes: resident %.2f MiB\n", (long long)painted,
                mib(residentBytes(layer)));

    Stopwatch watch;
    const Volume copy = layer.clone();
    std::printf("copy-on-write copy: %.2f s, resident %.2f MiB\n", watch.seconds(),
                mib(residentBytes(copy)));

    const std::string path = (scratch / "layer.h5").string() + ":/strokes";
    writeVolume(path, layer);
    watch.restart();
    Volume back = readVolume(path);
    const double readSeconds = watch.seconds();
    std::printf("read back from HDF5 in %.2f s: resident %.2f MiB\n", readSeconds,
                mib(residentBytes(back)));
    watch.restart();
    const std::uint64_t released = releaseZeroPages(back);
    std::printf("zero pages given back: %.0f MiB in %.3f s; resident %.2f MiB\n", mib(released),
                watch.seconds(), mib(residentBytes(back)));
    std::printf("peak resident memory of this process: %.0f MiB\n", mib(peakResidentBytes()));
    fs::remove_all(scratch);
    return 0;
}
