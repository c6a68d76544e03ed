#include "core/graphcut/CutRegion.h"
#include "core/util/Error.h"
#include "core/util/Text.h"
#include "core/volume/MemoryBudget.h"
#include "core/volume/Volume.h"
#include "core/volume/VolumeDelta.h"
#include "core/volume/VolumeOps.h"
#include "core/volume/ZeroPages.h"

#include <catch2/catch.hpp>

#include <cstring>

using namespace cisterna;

TEST_CASE("volumes are zero-filled, row-major with x fastest", "[volume]") {
    Volume v = Volume::allocate(DataType::UInt16, {3, 4, 5});
    REQUIRE(v.shape() == Shape3{3, 4, 5});
    REQUIRE(v.isContiguous());
    REQUIRE(v.byteCount() == 3 * 4 * 5 * 2);
    auto view = v.view<std::uint16_t>();
    REQUIRE(view(2, 3, 4) == 0);
    view(1, 2, 3) = 77;
    const auto* raw = static_cast<const std::uint16_t*>(v.data());
    REQUIRE(raw[1 * 20 + 2 * 5 + 3] == 77);
    REQUIRE(v.valueAt({1, 2, 3}) == 77.0);
}

TEST_CASE("accessing a volume as the wrong type is an error", "[volume]") {
    Volume v = Volume::allocate(DataType::Float32, {1, 1, 1});
    REQUIRE_THROWS_AS(v.view<std::uint8_t>(), InvalidArgument);
    REQUIRE_THROWS_AS(Volume::allocate(DataType::Float32, {1, 1, 1}, VolumeRole::Label),
                      InvalidArgument);
}

TEST_CASE("crops are views that share voxels and shift the origin", "[volume]") {
    Volume v = Volume::allocate(DataType::UInt8, {4, 6, 8});
    v.setVoxelSize({30, 5, 5});
    v.setOrigin({100, 0, 0});
    Volume c = v.crop({{1, 2, 3}, {2, 3, 4}});
    REQUIRE(c.shape() == Shape3{2, 3, 4});
    REQUIRE_FALSE(c.isContiguous());
    c.view<std::uint8_t>()(0, 0, 0) = 9;
    REQUIRE(v.view<std::uint8_t>()(1, 2, 3) == 9); // shared, no copy
    REQUIRE(c.origin() == Vec3d{130, 10, 15});
    REQUIRE(c.voxelSize() == Vec3d{30, 5, 5});

    // A crop one voxel wide still strides across whole rows of the parent.
    REQUIRE_FALSE(v.crop({{0, 0, 2}, {4, 6, 1}}).isContiguous());
    REQUIRE(v.crop({{1, 0, 0}, {2, 6, 8}}).isContiguous());

    Volume copy = c.clone();
    REQUIRE(copy.isContiguous());
    copy.view<std::uint8_t>()(0, 0, 0) = 1;
    REQUIRE(v.view<std::uint8_t>()(1, 2, 3) == 9); // clone is independent
    REQUIRE(copy.view<std::uint8_t>()(0, 0, 0) == 1);

    Volume nested = c.crop({{1, 1, 1}, {1, 2, 3}});
    nested.view<std::uint8_t>()(0, 1, 2) = 5;
    REQUIRE(v.view<std::uint8_t>()(2, 4, 6) == 5);
    REQUIRE_THROWS_AS(v.crop({{3, 0, 0}, {2, 1, 1}}), InvalidArgument);
}

TEST_CASE("volumes past 2^31 voxels index with 64 bits", "[volume][large]") {
    // 2^31 + 2^15 voxels of uint8: about 2 GiB, touched only at a few pages.
    const Shape3 shape{2, 32768, 32769};
    REQUIRE(shape.voxelCount() > (std::int64_t(1) << 31));
    Volume v = Volume::allocate(DataType::UInt8, shape);
    auto view = v.view<std::uint8_t>();
    view(1, 32767, 32768) = 200;
    view(1, 0, 0) = 100;
    const auto* raw = static_cast<const std::uint8_t*>(v.data());
    REQUIRE(raw[shape.voxelCount() - 1] == 200);
    REQUIRE(raw[std::int64_t(32768) * 32769] == 100);
    Volume tail = v.crop({{1, 32767, 32760}, {1, 1, 9}});
    REQUIRE(tail.valueAt({0, 0, 8}) == 200.0);
}

TEST_CASE("the memory budget refuses what does not fit, in one sentence", "[volume][memory]") {
    setMemoryLimitOverride(std::uint64_t(512) << 10); // pretend we have 512 KiB
    try {
        Volume::allocate(DataType::Float32, {64, 64, 64}, VolumeRole::Image, "probability map");
        FAIL("allocation should have been refused");
    } catch (const MemoryBudgetError& e) {
        const std::string msg = e.what();
        REQUIRE(msg.find("probability map") != std::string::npos);
        REQUIRE(msg.find("1.0 MiB") != std::string::npos); // needs 1 MiB of float32 ...
        REQUIRE(msg.find("512.0 KiB is available") != std::string::npos); // ... vs what is
    }
    REQUIRE_NOTHROW(Volume::allocate(DataType::UInt8, {16, 16, 16}));
    setMemoryLimitOverride(std::nullopt);
    // A lying header: 10^12 voxels per axis overflows 64 bits and must not wrap.
    REQUIRE_THROWS_AS(checkedByteCount({1000000000000, 1000000000000, 1000000000000}, 4, "x"),
                      MemoryBudgetError);
    REQUIRE_THROWS_AS(Volume::allocate(DataType::UInt8, {100000, 100000, 100000}),
                      MemoryBudgetError);
}

TEST_CASE("the part of a volume that fits is centred and as large as fits", "[volume][memory]") {
    const Shape3 shape{100, 2000, 3000};
    // Fits: the whole.
    CHECK(centredBoxWithin(shape, 3, std::uint64_t(1) << 40) == Box3{{0, 0, 0}, shape});
    for (const std::uint64_t budget :
         {std::uint64_t(50) << 20, std::uint64_t(1) << 20, std::uint64_t(1000)}) {
        const Box3 b = centredBoxWithin(shape, 3, budget);
        INFO(toString(b) << " for " << budget << " bytes");
        REQUIRE(b.fitsIn(shape));
        CHECK(std::uint64_t(b.size.voxelCount()) * 3 <= budget);
        // Large: not much smaller than the budget allows (some axis could not grow).
        CHECK(std::uint64_t(b.size.voxelCount()) * 3 * 2 > budget);
        // Centred on every axis.
        CHECK(std::abs(2 * b.begin.z + b.size.z - shape.z) <= 1);
        CHECK(std::abs(2 * b.begin.y + b.size.y - shape.y) <= 1);
        CHECK(std::abs(2 * b.begin.x + b.size.x - shape.x) <= 1);
    }
    // Too little for one voxel: one voxel, which the caller's check then refuses.
    CHECK(centredBoxWithin(shape, 3, 1).size == Shape3{1, 1, 1});
}

TEST_CASE("a sparse layer stays sparse in memory when copied or written with zeros",
          "[volume][memory]") {
    const Shape3 shape{64, 1024, 1024}; // 64 MiB
    const std::uint64_t bytes = std::uint64_t(shape.voxelCount());
    // What a fresh allocation costs here (none with glibc; a sanitizer's allocator
    // may touch it all), so that the checks measure our copies, not the allocator.
    const std::uint64_t fresh =
        residentBytes(Volume::allocate(DataType::UInt8, shape, VolumeRole::Label));
    INFO("a fresh volume is resident for " << fresh << " bytes");

    Volume layer = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    auto v = layer.view<std::uint8_t>();
    for (std::int64_t y = 500; y < 510; ++y) // a stroke: 10 rows of one plane
        for (std::int64_t x = 200; x < 260; ++x)
            v(40, y, x) = 1;
    const Volume copy = layer.clone();
    // Before reading it: mincore counts pages that reads map to the zero page.
    CHECK(residentBytes(copy) <= fresh + (64u << 10));
    CHECK(sameVoxels(copy, layer));

    // A layer decoded from a file or a cut's labels: every voxel written, mostly 0.
    Volume written = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    std::memset(written.data(), 0, bytes);
    written.view<std::uint8_t>()(40, 505, 230) = 1;
    CHECK(residentBytes(written) >= bytes);
    const std::uint64_t released = releaseZeroPages(written);
    CHECK(released >= bytes - (64u << 10));
    CHECK(residentBytes(written) <= 64u << 10);
    CHECK(written.view<std::uint8_t>()(40, 505, 230) == 1);
    Volume expected = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    expected.view<std::uint8_t>()(40, 505, 230) = 1;
    CHECK(sameVoxels(written, expected));      // reading the given-back pages gives zeros
    written.view<std::uint8_t>()(0, 0, 0) = 7; // and they can be written again
    CHECK(written.view<std::uint8_t>()(0, 0, 0) == 7);

    CHECK(allZeroBytes(expected.view<std::uint8_t>().row(3, 3), 1024));
    CHECK_FALSE(allZeroBytes(expected.view<std::uint8_t>().row(40, 505), 1024));
    Volume crop = layer.crop({{0, 0, 1}, {2, 2, 2}});
    CHECK(releaseZeroPages(crop) == 0); // not contiguous: left alone
}

TEST_CASE("scans of a sparse layer do not read its untouched pages", "[volume][memory]") {
    const Shape3 shape{64, 1024, 1024}; // 64 MiB
    const std::uint64_t fresh =
        residentBytes(Volume::allocate(DataType::UInt8, shape, VolumeRole::Label));
    INFO("a fresh volume is resident for " << fresh << " bytes");
    Volume layer = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    auto v = layer.view<std::uint8_t>();
    for (std::int64_t y = 500; y < 510; ++y)
        for (std::int64_t x = 200; x < 260; ++x)
            v(40, y, x) = 1;
    const std::size_t bytes = std::size_t(layer.byteCount());
    const UntouchedPages pages(layer.data(), bytes);
    if (fresh <= 4096) { // glibc: untouched but for its header (not under a sanitizer)
        CHECK(pages.any());
        CHECK(pages.untouched(v.row(3, 3), 1024));
        CHECK_FALSE(pages.untouched(v.row(40, 505), 1024));
        CHECK(pages.untouchedRunFrom(v.row(1, 0)) > 0);
    }
    CHECK_FALSE(allZeroBytes(layer.data(), bytes, pages));
    CHECK(allZeroBytes(v.row(41, 0), 1024 * 1024, pages));
    CHECK(allZeroBytes(v.row(40, 0), 500 * 1024, pages));

    // The scans the app makes after a stroke: the strokes' box, an undo step, zero
    // pages given back. None of them reads (and so allocates) the empty pages.
    const Box3 box = strokeRegion(layer, 0);
    CHECK(box.begin == Index3{40, 500, 200});
    CHECK(box.size == Shape3{1, 10, 60});
    const VolumeDelta delta = VolumeDelta::between(Volume(), layer);
    CHECK(delta.changedVoxels() == 600);
    CHECK(residentBytes(layer) <= fresh + (64u << 10));
    releaseZeroPages(layer);
    CHECK(residentBytes(layer) <= fresh + (64u << 10));
    // The delta puts the stroke back on a fresh layer.
    Volume back = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    delta.applyAfter(back);
    CHECK(sameVoxels(back, layer));
}

TEST_CASE("geometry parsing", "[volume]") {
    const Box3 b = parseBox("1:3,:,2:", {4, 5, 6});
    REQUIRE(b == Box3{{1, 0, 2}, {2, 5, 4}});
    REQUIRE_THROWS_AS(parseBox("0:9,:,:", {4, 5, 6}), InvalidArgument);
    REQUIRE_THROWS_AS(parseBox("a:b", {4, 5, 6}), InvalidArgument);
    REQUIRE(parseVec3d("30,4,4") == Vec3d{30, 4, 4});
    REQUIRE(parseVec3d("8") == Vec3d{8, 8, 8});
    REQUIRE_THROWS_AS(parseVec3d("8,x"), InvalidArgument);
}

TEST_CASE("natural sort puts img_2 before img_10", "[util]") {
    std::vector<std::string> names{"img_10.tif", "img_2.tif", "img_1.tif", "img_02b.tif"};
    naturalSort(names);
    REQUIRE(names ==
            std::vector<std::string>{"img_1.tif", "img_2.tif", "img_02b.tif", "img_10.tif"});
    REQUIRE(humanBytes(1536) == "1.5 KiB");
}
