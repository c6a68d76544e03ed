// Volumes larger than memory (issue 10): a 4096 x 4096 x 1024 uint8 OME-Zarr (16 GiB
// uncompressed), blosc-compressed, tiled from a 512^3 phantom and kept between runs,
// then browsed lazily under a 4 GiB memory budget the way the slice views read it:
// the first picture (the whole section from the level that fits a screen), cold and
// warm slice steps of a 1024 x 1024 view in all three axes at full resolution,
// zooming out, and the peak resident memory. The same steps on a 1024^3 volume held
// in memory show what laziness costs.
//   build/bin/bench_big_volume [--dir /tmp/cisterna-big] [--shape 1024,4096,4096]
//                              [--budget 4G] [--steps 30]
// The first run writes the file (minutes); later runs reuse it. "Cold" means not in
// Cisterna's chunk cache; the operating system may still hold the files in its page
// cache (run `sync; echo 3 > /proc/sys/vm/drop_caches` as root before for disk-cold).
#include "core/io/VolumeIO.h"
#include "core/io/lazy/LazyPyramid.h"
#include "core/io/lazy/PyramidWriter.h"
#include "core/phantom/Phantom.h"
#include "core/util/Error.h"
#include "core/util/PeakMemory.h"
#include "core/util/Stopwatch.h"
#include "core/volume/MemoryBudget.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

using namespace cisterna;
namespace fs = std::filesystem;

namespace {

struct Options {
    std::string dir = "/tmp/cisterna-big";
    Shape3 shape{1024, 4096, 4096};
    std::uint64_t budget = 4ull << 30;
    int steps = 30;
    std::int64_t view = 1024; // the view's extent in screen pixels
};

double gib(std::uint64_t bytes) {
    return double(bytes) / double(1ull << 30);
}

std::uint64_t folderBytes(const fs::path& dir) {
    std::uint64_t total = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file())
            total += entry.file_size();
    return total;
}

// A reader that repeats `tile` in every direction: the big volume without holding it.
LazyVolume::BoxReader tilingReader(const Volume& tile) {
    return [tile](const Box3& box) {
        Volume out = Volume::allocate(tile.dataType(), box.size, VolumeRole::Image, "tiled block");
        const auto in = tile.view<std::uint8_t>();
        const auto o = out.view<std::uint8_t>();
        const Shape3 t = tile.shape();
        for (std::int64_t z = 0; z < box.size.z; ++z)
            for (std::int64_t y = 0; y < box.size.y; ++y) {
                const std::uint8_t* row = in.row((box.begin.z + z) % t.z, (box.begin.y + y) % t.y);
                std::uint8_t* to = o.row(z, y);
                std::int64_t x = 0;
                while (x < box.size.x) {
                    const std::int64_t from = (box.begin.x + x) % t.x;
                    const std::int64_t run = std::min(box.size.x - x, t.x - from);
                    std::memcpy(to + x, row + from, std::size_t(run));
                    x += run;
                }
            }
        return out;
    };
}

bool usableFile(const std::string& path, const Shape3& shape) {
    try {
        return fs::exists(path) && readVolumeInfo(path).shape == shape;
    } catch (const Error&) {
        return false;
    }
}

void writeBigVolume(const std::string& path, const Shape3& shape) {
    const Stopwatch phantomWatch;
    PhantomParams params;
    params.shape = {std::min<std::int64_t>(512, shape.z), std::min<std::int64_t>(512, shape.y),
                    std::min<std::int64_t>(512, shape.x)};
    params.voxelSize = {8, 8, 8};
    const Volume tile = generatePhantom(params).image;
    std::printf("phantom tile %s made in %.1f s\n", toString(tile.shape()).c_str(),
                phantomWatch.seconds());
    VolumeInfo info;
    info.format = "tiled phantom";
    info.shape = shape;
    info.voxelSize = params.voxelSize;
    info.hasVoxelSize = true;
    LazyVolume source(info, {64, 512, 512}, tilingReader(tile), 1ull << 30);
    const Stopwatch writeWatch;
    PyramidOptions options;
    options.write.compression = "blosc";
    int lastPercent = -1;
    const auto levels =
        writePyramid(source, path, options, Progress([&](double fraction, const std::string&) {
                         const int percent = int(fraction * 100);
                         if (percent / 10 != lastPercent / 10)
                             std::printf("  writing: %d %%\n", percent);
                         lastPercent = percent;
                         std::fflush(stdout);
                     }));
    std::printf("wrote %s (%zu levels, %.2f GiB on disk) in %.0f s\n", path.c_str(), levels.size(),
                gib(folderBytes(path)), writeWatch.seconds());
}

struct Times {
    std::vector<double> ms;
    void add(double v) { ms.push_back(v); }
    double median() {
        std::sort(ms.begin(), ms.end());
        return ms.empty() ? 0 : ms[ms.size() / 2];
    }
    double max() const { return ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end()); }
};

// The box a view of `view` x `view` screen pixels shows of plane `index` across
// `axis`, centred, at one voxel per pixel.
Box3 viewBox(const Shape3& shape, int axis, std::int64_t index, std::int64_t view) {
    Box3 box = planeBox(shape, axis, index);
    const auto centre = [view](std::int64_t& begin, std::int64_t& size) {
        if (size > view) {
            begin = (size - view) / 2;
            size = view;
        }
    };
    if (axis != 0)
        centre(box.begin.z, box.size.z);
    if (axis != 1)
        centre(box.begin.y, box.size.y);
    if (axis != 2)
        centre(box.begin.x, box.size.x);
    return box;
}

std::int64_t extentAlong(const Shape3& s, int axis) {
    return axis == 0 ? s.z : axis == 1 ? s.y : s.x;
}

const char* kViewNames[3] = {"XY", "XZ", "YZ"};

} // namespace

int main(int argc, char** argv) {
    Options opt;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "bench_big_volume: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--dir")
            opt.dir = next();
        else if (a == "--shape") {
            const Vec3d s = parseVec3d(next());
            opt.shape = {std::int64_t(s.z), std::int64_t(s.y), std::int64_t(s.x)};
        } else if (a == "--budget")
            opt.budget = parseByteSize(next()).value_or(opt.budget);
        else if (a == "--steps")
            opt.steps = std::max(1, std::atoi(next().c_str()));
        else {
            std::printf("usage: bench_big_volume [--dir D] [--shape z,y,x] [--budget 4G] "
                        "[--steps N]\n");
            return a == "--help" ? 0 : 2;
        }
    }
    try {
        fs::create_directories(opt.dir);
        const std::string path = (fs::path(opt.dir) / "big.ome.zarr").string();
        if (usableFile(path, opt.shape))
            std::printf("reusing %s (%.2f GiB on disk)\n", path.c_str(), gib(folderBytes(path)));
        else
            writeBigVolume(path, opt.shape);
        std::printf("peak RSS after writing: %.2f GiB\n", gib(peakResidentBytes()));

        setMemoryLimitOverride(opt.budget);
        std::printf("\nmemory budget %.2f GiB: chunk cache %.2f GiB\n", gib(opt.budget),
                    gib(LazyVolume::defaultCacheBytes()));

        // 1. Open to a first picture: the middle section, whole, from the level that
        //    gives one voxel per pixel of the view.
        const Stopwatch openWatch;
        LazyPyramid pyramid = LazyPyramid::open(path);
        const Shape3 full = pyramid.level(0).shape();
        const double perPixel = double(std::max(full.y, full.x)) / double(opt.view);
        const std::size_t overview = pyramid.levelFor(0, {perPixel, perPixel, perPixel});
        LazyVolume& coarse = pyramid.level(overview);
        const Volume first = coarse.read(planeBox(coarse.shape(), 0, coarse.shape().z / 2));
        std::printf("open to a first picture: %.0f ms (%zu levels; whole section from level "
                    "%zu, %s)\n",
                    openWatch.seconds() * 1000, pyramid.levelCount(), overview,
                    toString(first.shape()).c_str());

        // 2. Slice steps at full resolution, per view.
        LazyVolume& level0 = pyramid.level(0);
        std::printf("\nfull-resolution %lld x %lld view, %d steps per view:\n", (long long)opt.view,
                    (long long)opt.view, opt.steps);
        std::printf("%-4s %10s %10s %12s %12s %14s\n", "view", "cold ms", "cold max", "warm ms",
                    "warm max", "warm steps/s");
        for (int axis = 0; axis < 3; ++axis) {
            const std::int64_t extent = extentAlong(full, axis);
            const Shape3 chunk = level0.chunkShape();
            const std::int64_t chunkStep = extentAlong(chunk, axis);
            // Cold: each step lands in chunks nothing has read yet.
            Times cold;
            std::int64_t index = extent / 4 + chunkStep / 2;
            for (int s = 0; s < std::min(opt.steps, 10); ++s, index += chunkStep) {
                const Stopwatch w;
                level0.read(viewBox(full, axis, index % extent, opt.view));
                cold.add(w.seconds() * 1000);
            }
            // Warm: steps one plane at a time, as the wheel does, reading what is
            // cached (never blocking) after the read-ahead of the planes around.
            const std::int64_t start = extent / 2;
            level0.read(viewBox(full, axis, start, opt.view));
            level0.prefetch(viewBox(full, axis, std::min(extent - 1, start + opt.steps), opt.view));
            level0.waitForPrefetch();
            Times warm;
            std::int64_t incomplete = 0;
            const Stopwatch all;
            for (int s = 0; s < opt.steps; ++s) {
                const Stopwatch w;
                const auto cached =
                    level0.readCached(viewBox(full, axis, (start + s) % extent, opt.view));
                incomplete += cached.complete() ? 0 : 1;
                warm.add(w.seconds() * 1000);
            }
            const double perSecond = opt.steps / std::max(all.seconds(), 1e-9);
            std::printf("%-4s %10.1f %10.1f %12.2f %12.2f %14.0f%s\n", kViewNames[axis],
                        cold.median(), cold.max(), warm.median(), warm.max(), perSecond,
                        incomplete ? " (some steps incomplete)" : "");
        }

        // 3. Zoom out to the whole section, cold, per view.
        std::printf("\nzoom out to the whole section (cold):\n");
        for (int axis = 0; axis < 3; ++axis) {
            const std::int64_t extent0 = extentAlong(full, axis);
            const Shape3 other = axis == 0   ? Shape3{1, full.y, full.x}
                                 : axis == 1 ? Shape3{full.z, 1, full.x}
                                             : Shape3{full.z, full.y, 1};
            const double pixels = double(std::max({other.z, other.y, other.x})) / double(opt.view);
            const std::size_t l = pyramid.levelFor(axis, {pixels, pixels, pixels});
            LazyVolume& level = pyramid.level(l);
            const double scale = double(extent0) / double(extentAlong(level.shape(), axis));
            const std::int64_t index =
                std::int64_t(double(extent0 / 3) / scale) % extentAlong(level.shape(), axis);
            const Stopwatch w;
            const Volume plane = level.read(planeBox(level.shape(), axis, index));
            std::printf("%-4s level %zu, %s: %.0f ms\n", kViewNames[axis], l,
                        toString(plane.shape()).c_str(), w.seconds() * 1000);
        }
        std::uint64_t cacheBytes = 0;
        for (std::size_t i = 0; i < pyramid.levelCount(); ++i)
            cacheBytes += pyramid.level(i).cacheStats().bytes;
        std::printf("\nchunk caches hold %.2f GiB; peak RSS of this process %.2f GiB (budget "
                    "%.2f GiB)\n",
                    gib(cacheBytes), gib(peakResidentBytes()), gib(opt.budget));

        // 4. The same views of a 1024^3 volume held in memory.
        setMemoryLimitOverride(std::nullopt);
        const std::int64_t n = 1024;
        Volume memory = Volume::allocate(DataType::UInt8, {n, n, n}, VolumeRole::Image, "bench");
        std::memset(memory.data(), 120, std::size_t(n * n * n));
        std::printf("\nin memory, 1024^3 (1 GiB), one %lld x %lld plane copied per step:\n",
                    (long long)opt.view, (long long)opt.view);
        for (int axis = 0; axis < 3; ++axis) {
            Times t;
            for (int s = 0; s < opt.steps; ++s) {
                const Stopwatch w;
                memory.crop(viewBox(memory.shape(), axis, 300 + s, opt.view)).clone();
                t.add(w.seconds() * 1000);
            }
            std::printf("%-4s %.2f ms per step\n", kViewNames[axis], t.median());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_big_volume: %s\n", e.what());
        return 1;
    }
    return 0;
}
