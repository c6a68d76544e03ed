// Lazy volumes: chunks read on demand through a bounded cache give the same voxels as
// reading the file whole, views never wait on the reader, and pyramid levels equal a
// reference downsampling computed here voxel by voxel.
#include "TestPaths.h"
#include "VolumeTestSupport.h"

#include "core/io/VolumeIO.h"
#include "core/io/lazy/LazyPyramid.h"
#include "core/io/lazy/LazyVolume.h"
#include "core/io/lazy/PyramidWriter.h"
#include "core/util/Error.h"
#include "core/volume/Downsample.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <random>

using namespace cisterna;
namespace fs = std::filesystem;

namespace {

Volume anisotropicImage(const Shape3& shape) {
    Volume image = test::noisyImage(shape, 7, 6, [](auto z, auto y, auto x, int noise) {
        return (z * 37 + y * 3 + x * 5) % 190 + noise;
    });
    image.setVoxelSize({30, 6, 6});
    image.setOrigin({60, 12, 18});
    return image;
}

// The mean (images, rounded) or the largest value (labels) of each block, one voxel at
// a time: the reference a pyramid level must equal.
Volume referenceDownsample(const Volume& in, const Shape3& f) {
    const Shape3 s = in.shape();
    const Shape3 d{(s.z + f.z - 1) / f.z, (s.y + f.y - 1) / f.y, (s.x + f.x - 1) / f.x};
    Volume out = Volume::allocate(DataType::UInt8, d, in.role());
    for (std::int64_t z = 0; z < d.z; ++z)
        for (std::int64_t y = 0; y < d.y; ++y)
            for (std::int64_t x = 0; x < d.x; ++x) {
                double sum = 0, largest = 0, n = 0;
                for (std::int64_t k = z * f.z; k < std::min(s.z, (z + 1) * f.z); ++k)
                    for (std::int64_t j = y * f.y; j < std::min(s.y, (y + 1) * f.y); ++j)
                        for (std::int64_t i = x * f.x; i < std::min(s.x, (x + 1) * f.x); ++i) {
                            const double v = in.valueAt({k, j, i});
                            sum += v;
                            largest = std::max(largest, v);
                            ++n;
                        }
                out.view<std::uint8_t>()(z, y, x) =
                    std::uint8_t(in.role() == VolumeRole::Label ? largest : std::round(sum / n));
            }
    return out;
}

VolumeInfo infoOf(const Volume& v) {
    VolumeInfo info;
    info.dataType = v.dataType();
    info.shape = v.shape();
    info.voxelSize = v.voxelSize();
    info.hasVoxelSize = v.hasVoxelSize();
    info.origin = v.origin();
    return info;
}

} // namespace

TEST_CASE("core: pyramid factors halve the finer axes first, keeping levels near isotropic",
          "[lazy]") {
    CHECK(pyramidFactors({30, 6, 6}) == Shape3{1, 2, 2});
    CHECK(pyramidFactors({30, 24, 24}) == Shape3{2, 2, 2});
    CHECK(pyramidFactors({8, 8, 8}) == Shape3{2, 2, 2});
    CHECK(pyramidFactors({5, 5, 10}) == Shape3{2, 2, 1});
    CHECK(downsampledShape({5, 9, 8}, {1, 2, 2}) == Shape3{5, 5, 4});
    const auto levels = planPyramid({20, 4096, 4096}, {30, 6, 6}, 1024);
    REQUIRE(levels.size() == 3);
    CHECK(levels[1].shape == Shape3{20, 2048, 2048});
    CHECK(levels[2].shape == Shape3{20, 1024, 1024});
    CHECK(levels[2].voxelSize == Vec3d{30, 24, 24});
    CHECK(planPyramid({10, 100, 100}, {1, 1, 1}, 1024).size() == 1);

    // Reading units: a file's tiny chunks merged; whole planes without chunks, fewer
    // of them when planes are large.
    VolumeInfo info;
    info.shape = {100, 4096, 4096};
    CHECK(LazyVolume::readingChunk(info) == Shape3{4, 4096, 4096});
    info.shape = {100, 512, 512};
    CHECK(LazyVolume::readingChunk(info) == Shape3{8, 512, 512});
    info.chunkShape = Shape3{1, 64, 64};
    CHECK(LazyVolume::readingChunk(info).voxelCount() >= 32 * 32 * 32);
    CHECK(LazyVolume::readingChunk(info).voxelCount() < 2 * 32 * 32 * 32);
}

TEST_CASE("core: downsampling averages images and keeps thin labels", "[lazy]") {
    const Volume image = anisotropicImage({5, 9, 11});
    const Volume half = downsample(image, {1, 2, 2});
    test::requireSameVoxels(half, referenceDownsample(image, {1, 2, 2}));
    CHECK(half.voxelSize() == Vec3d{30, 12, 12});
    CHECK(half.origin() == Vec3d{60, 15, 21});

    // A one-voxel membrane survives in a label pyramid; in an image it is averaged.
    Volume labels = Volume::allocate(DataType::UInt8, {4, 8, 8}, VolumeRole::Label);
    for (std::int64_t z = 0; z < 4; ++z)
        for (std::int64_t y = 0; y < 8; ++y)
            labels.view<std::uint8_t>()(z, y, 5) = 3;
    const Volume coarse = downsample(labels, {2, 2, 2});
    test::requireSameVoxels(coarse, referenceDownsample(labels, {2, 2, 2}));
    CHECK(coarse.valueAt({1, 3, 2}) == 3);
    CHECK(coarse.valueAt({1, 3, 1}) == 0);
    CHECK_THROWS_AS(downsample(labels, {0, 2, 2}), InvalidArgument);
}

TEST_CASE("core: a lazy volume under a tiny cache reads the same voxels as a whole read",
          "[lazy]") {
    test::ScratchDir dir("lazy-volume");
    const Volume image = anisotropicImage({21, 90, 77});
    WriteOptions options;
    options.chunkShape = Shape3{8, 8, 8};
    for (const std::string name : {"image.zarr", "image.h5", "image.nrrd"}) {
        const std::string path = dir.file(name);
        writeVolume(path, image, options);
        // Room for two reading chunks: almost every read evicts.
        const Shape3 chunk = LazyVolume::readingChunk(readVolumeInfo(path));
        const std::uint64_t cache = 2 * std::uint64_t(chunk.voxelCount());
        auto lazy = LazyVolume::open(path, cache);
        INFO(name);
        std::mt19937 random(3);
        for (int trial = 0; trial < 40; ++trial) {
            std::uniform_int_distribution<int> axis(0, 2);
            const int a = axis(random);
            const std::int64_t extent = a == 0 ? 21 : a == 1 ? 90 : 77;
            const Box3 plane = planeBox(image.shape(), a, std::int64_t(random() % extent));
            const Volume got = lazy->read(plane);
            test::requireSameVoxels(got, image.crop(plane));
            CHECK(got.voxelSize() == image.voxelSize());
            CHECK(got.origin() == image.crop(plane).origin());
            const Box3 box{{std::int64_t(random() % 10), std::int64_t(random() % 40),
                            std::int64_t(random() % 40)},
                           {1 + std::int64_t(random() % 11), 1 + std::int64_t(random() % 50),
                            1 + std::int64_t(random() % 37)}};
            test::requireSameVoxels(lazy->read(box), image.crop(box));
        }
        const ChunkCache::Stats stats = lazy->cacheStats();
        CHECK(stats.bytes <= cache);
        CHECK(stats.evictions > 0);
        CHECK(stats.hits > 0);
        CHECK_THROWS_AS(lazy->read({{20, 0, 0}, {2, 1, 1}}), InvalidArgument);
    }
}

TEST_CASE("core: a view's read never waits on a slow reader", "[lazy]") {
    const Volume image = anisotropicImage({6, 40, 40});
    std::mutex gate;
    std::condition_variable opened;
    bool open = false;
    std::atomic<int> calls{0};
    // The reader blocks until the test opens the gate: a disk that does not answer.
    LazyVolume lazy(
        infoOf(image), {2, 16, 16},
        [&](const Box3& box) {
            ++calls;
            std::unique_lock<std::mutex> lock(gate);
            opened.wait(lock, [&] { return open; });
            return image.crop(box).clone();
        },
        1 << 20);
    const Box3 plane = planeBox(image.shape(), 0, 3);
    lazy.prefetch(plane);
    const LazyVolume::CachedRead first = lazy.readCached(plane);
    CHECK(first.chunks == 9);
    CHECK(first.missingChunks == 9);
    CHECK(first.volume.shape() == plane.size);
    CHECK(first.volume.valueAt({0, 5, 5}) == 0);
    {
        std::lock_guard<std::mutex> lock(gate);
        open = true;
    }
    opened.notify_all();
    lazy.waitForPrefetch();
    const LazyVolume::CachedRead later = lazy.readCached(plane);
    CHECK(later.complete());
    test::requireSameVoxels(later.volume, image.crop(plane));
    CHECK(lazy.isCached(plane));
    CHECK(calls.load() == 9);
    // A newer request replaces what an older one queued and was not read yet.
    lazy.prefetch(planeBox(image.shape(), 2, 39));
    lazy.waitForPrefetch();
    CHECK(lazy.isCached(planeBox(image.shape(), 2, 39)));
}

TEST_CASE("core: a damaged chunk is an error of the read, not of the view", "[lazy]") {
    const Volume image = anisotropicImage({4, 20, 20});
    LazyVolume lazy(
        infoOf(image), {4, 10, 10},
        [&](const Box3& box) -> Volume {
            if (box.begin.y == 10 && box.begin.x == 10)
                throw FormatError("image.zarr", "chunk 0.1.1 is truncated");
            return image.crop(box).clone();
        },
        1 << 20);
    const Box3 plane = planeBox(image.shape(), 0, 1);
    lazy.prefetch(plane);
    lazy.waitForPrefetch();
    CHECK(lazy.prefetchError().find("chunk 0.1.1 is truncated") != std::string::npos);
    const LazyVolume::CachedRead cached = lazy.readCached(plane);
    CHECK(cached.missingChunks == 1);
    CHECK(test::formatErrorOf([&] { lazy.read(plane); }).find("truncated") != std::string::npos);
    // A reader that returns the wrong shape is caught, not copied out of bounds.
    LazyVolume lying(
        infoOf(image), {4, 10, 10},
        [&](const Box3&) {
            return image.crop({{0, 0, 0}, {1, 2, 2}}).clone();
        },
        1 << 20);
    CHECK(test::formatErrorOf([&] { lying.read(plane); }).find("returned") != std::string::npos);
}

TEST_CASE("core: every pyramid level equals a reference downsampling of the level above",
          "[lazy]") {
    test::ScratchDir dir("lazy-pyramid");
    const Volume image = anisotropicImage({9, 70, 66});
    const std::string source = dir.file("image.nrrd");
    writeVolume(source, image);
    const std::string path = dir.file("image.ome.zarr");
    PyramidOptions options;
    options.screenExtent = 12;
    options.write.chunkShape = Shape3{4, 16, 16};
    const auto levels = writePyramid(*LazyVolume::open(source), path, options);
    // 30 x 6 x 6 nm: in-plane twice, then all axes.
    REQUIRE(levels.size() == 4);
    CHECK(levels[1].factors == Shape3{1, 2, 2});
    CHECK(levels[2].factors == Shape3{1, 2, 2});
    CHECK(levels[3].factors == Shape3{2, 2, 2});

    const LazyPyramid pyramid = LazyPyramid::open(path, 1 << 20);
    REQUIRE(pyramid.levelCount() == 4);
    Volume expected = image;
    for (std::size_t i = 0; i < levels.size(); ++i) {
        INFO("level " << i);
        if (i > 0)
            expected = referenceDownsample(expected, levels[i].factors);
        const LazyVolume& level = pyramid.level(i);
        REQUIRE(level.shape() == levels[i].shape);
        test::requireSameVoxels(level.read({{0, 0, 0}, level.shape()}), expected);
        CHECK(level.info().voxelSize == levels[i].voxelSize);
    }
    // The level 0 read through the OME-Zarr path is the image itself, placed alike.
    const VolumeInfo info = readVolumeInfo(path);
    CHECK(info.voxelSize == Vec3d{30, 6, 6});
    CHECK(info.origin == image.origin());
    // A view showing 4 level-0 voxels per pixel in XY reads level 2 (4 x 4 in-plane);
    // a ZY view at 2 voxels per pixel reads level 1, whose z is not shrunk.
    CHECK(pyramid.levelFor(0, {1, 1, 1}) == 0);
    CHECK(pyramid.levelFor(0, {1, 4, 4}) == 2);
    CHECK(pyramid.levelFor(0, {1, 4, 2}) == 1);
    CHECK(pyramid.levelFor(2, {2, 2, 1}) == 1);
    // z is halved only at level 3: a ZY view at 8 voxels per pixel in-plane but one
    // along z keeps level 2.
    CHECK(pyramid.levelFor(2, {1, 8, 1}) == 2);
    CHECK(pyramid.levelFor(2, {2, 8, 1}) == 3);
}

TEST_CASE("core: a cancelled pyramid leaves nothing at its target", "[lazy]") {
    test::ScratchDir dir("lazy-pyramid-cancel");
    const Volume image = anisotropicImage({4, 64, 64});
    writeVolume(dir.file("image.nrrd"), image);
    auto cancel = std::make_shared<CancelToken>();
    cancel->cancel();
    const std::string path = dir.file("cancelled.ome.zarr");
    CHECK_THROWS_AS(
        writePyramid(*LazyVolume::open(dir.file("image.nrrd")), path, {}, Progress({}, cancel)),
        Cancelled);
    CHECK_FALSE(fs::exists(path));
    CHECK(test::formatErrorOf([&] {
              writePyramid(*LazyVolume::open(dir.file("image.nrrd")), dir.file("image.zarr"));
          }).find(".ome.zarr") != std::string::npos);
}
