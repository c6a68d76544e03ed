// float16 storage: the conversions themselves (every half value, IEEE rounding), and
// float32 volumes stored as float16 in HDF5 and Zarr, whole and block by block, with
// the formats that have no float16 refusing it before they write anything.
#include "TestPaths.h"
#include "VolumeTestSupport.h"

#include "core/io/BlockWriter.h"
#include "core/io/VolumeIO.h"
#include "core/util/AtomicWrite.h"
#include "core/volume/HalfFloat.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <vector>

using namespace cisterna;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

float bitsToFloat(std::uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

// Probabilities as prediction writes them, plus values that exercise rounding,
// subnormals and the ends of the half range.
Volume probabilityVolume(const Shape3& shape, unsigned seed) {
    Volume v = Volume::allocate(DataType::Float32, shape, VolumeRole::Image, "test");
    auto view = v.view<float>();
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x)
                view(z, y, x) = unit(rng);
    view(0, 0, 0) = 1.0f;
    view(0, 0, 1) = 0.0f;
    view(0, 0, 2) = 3e-6f;       // a half subnormal
    view(0, 0, 3) = -60000.0f;   // near the end of the range
    view(0, 0, 4) = 1.0f / 3.0f; // not representable: rounds
    return v;
}

// What a float16 round trip must give for every voxel.
Volume expectedAfterHalf(const Volume& v) {
    Volume out = v.contiguous();
    float* p = static_cast<float*>(out.data());
    for (std::int64_t i = 0; i < out.shape().voxelCount(); ++i)
        p[i] = halfToFloat(floatToHalf(p[i]));
    return out;
}

WriteOptions halfOptions() {
    WriteOptions o;
    o.float16 = true;
    return o;
}

} // namespace

TEST_CASE("every float16 value widens to a float that narrows back to it", "[float16]") {
    int checked = 0;
    for (std::uint32_t bits = 0; bits < 0x10000u; ++bits) {
        const auto half = static_cast<std::uint16_t>(bits);
        const float f = halfToFloat(half);
        const bool isNan = (half & 0x7c00u) == 0x7c00u && (half & 0x3ffu) != 0;
        if (isNan) {
            REQUIRE(std::isnan(f));
            REQUIRE(std::isnan(halfToFloat(floatToHalf(f))));
            continue;
        }
        REQUIRE(floatToHalf(f) == half);
        ++checked;
    }
    CHECK(checked == 65536 - 2 * 1023);
    CHECK(halfToFloat(0x3c00) == 1.0f);
    CHECK(halfToFloat(0x7bff) == 65504.0f);
    CHECK(halfToFloat(0x0001) == std::ldexp(1.0f, -24));
    CHECK(std::isinf(halfToFloat(0xfc00)));
    CHECK(halfToFloat(0xfc00) < 0);
}

TEST_CASE("float to float16 rounds to nearest, ties to even", "[float16]") {
    // Between 1 and 2 halves are 2^-10 apart.
    CHECK(floatToHalf(1.0f + std::ldexp(1.0f, -11)) == 0x3c00);     // tie: stays even
    CHECK(floatToHalf(1.0f + 3 * std::ldexp(1.0f, -11)) == 0x3c02); // tie: up to even
    CHECK(floatToHalf(bitsToFloat(0x3f801001u)) == 0x3c01);         // just above the tie
    CHECK(floatToHalf(std::nextafter(1.0f + std::ldexp(1.0f, -11), 0.0f)) == 0x3c00);
    // The carry out of the mantissa moves to the next power of two.
    CHECK(floatToHalf(std::nextafter(2.0f, 0.0f)) == 0x4000);
    // The end of the range: 65519 rounds down, the tie 65520 goes to infinity.
    CHECK(floatToHalf(65519.0f) == 0x7bff);
    CHECK(floatToHalf(65520.0f) == 0x7c00);
    CHECK(floatToHalf(-1e9f) == 0xfc00);
    CHECK(floatToHalf(std::numeric_limits<float>::infinity()) == 0x7c00);
    // Subnormals, and values too small for any half.
    CHECK(floatToHalf(std::ldexp(1.0f, -24)) == 0x0001);
    CHECK(floatToHalf(std::ldexp(1.0f, -25)) == 0x0000);    // tie with zero: even
    CHECK(floatToHalf(std::ldexp(3.0f, -26)) == 0x0001);    // above the tie
    CHECK(floatToHalf(-std::ldexp(1.0f, -30)) == 0x8000);   // negative zero
    CHECK(floatToHalf(std::ldexp(1023.0f, -24)) == 0x03ff); // largest subnormal
    CHECK(floatToHalf(std::ldexp(1.0f, -14)) == 0x0400);    // smallest normal
    CHECK(std::isnan(halfToFloat(floatToHalf(std::numeric_limits<float>::quiet_NaN()))));
}

TEST_CASE("in-place narrowing and widening equal the element-wise conversions", "[float16]") {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> any(-70000.0f, 70000.0f);
    const std::size_t count = 1001;
    std::vector<float> values(count);
    for (float& v : values)
        v = any(rng);
    std::vector<std::uint16_t> halves(count);
    narrowToHalf(values.data(), halves.data(), count);

    std::vector<unsigned char> bytes(count * 4);
    std::memcpy(bytes.data(), values.data(), bytes.size());
    narrowToHalfInPlace(bytes.data(), count);
    REQUIRE(std::memcmp(bytes.data(), halves.data(), count * 2) == 0);

    widenFromHalfInPlace(bytes.data(), count);
    std::vector<float> widened(count);
    widenFromHalf(halves.data(), widened.data(), count);
    REQUIRE(std::memcmp(bytes.data(), widened.data(), count * 4) == 0);
}

TEST_CASE("float32 volumes stored as float16 read back as float32, half the size",
          "[float16][zarr][hdf5]") {
    test::ScratchDir dir("float16-files");
    const Volume v = probabilityVolume({9, 21, 34}, 1);
    const Volume expected = expectedAfterHalf(v);
    WriteOptions chunks = halfOptions();
    chunks.chunkShape = Shape3{4, 8, 16}; // edge chunks are partial
    chunks.compression = "raw";

    SECTION("Zarr") {
        writeVolume(dir.file("p.zarr"), v, chunks);
        const auto meta = nlohmann::json::parse(readWholeFile(dir.path() / "p.zarr" / ".zarray"));
        CHECK(meta["dtype"] == "<f2");
        const VolumeInfo info = readVolumeInfo(dir.file("p.zarr"));
        CHECK(info.dataType == DataType::Float32);
        CHECK(std::find(info.details.begin(), info.details.end(),
                        "stored as float16, read as float32") != info.details.end());
        test::requireSameVoxels(readVolume(dir.file("p.zarr")), expected);
        // Regions cut through chunks and widen the same way.
        ReadOptions region;
        region.region = Box3{{3, 5, 7}, {5, 9, 20}};
        test::requireSameVoxels(readVolume(dir.file("p.zarr"), region),
                                expected.crop(*region.region));
        // A raw chunk holds 2 bytes a voxel.
        CHECK(fs::file_size(dir.path() / "p.zarr" / "0.0.0") == 4u * 8 * 16 * 2);
    }
    SECTION("OME-Zarr") {
        writeVolume(dir.file("p.ome.zarr"), v, chunks);
        test::requireSameVoxels(readVolume(dir.file("p.ome.zarr")), expected);
    }
    SECTION("HDF5") {
        writeVolume(dir.file("p.h5:/prob"), v, chunks);
        writeVolume(dir.file("p32.h5:/prob"), v, [] {
            WriteOptions o;
            o.compression = "raw";
            o.chunkShape = Shape3{4, 8, 16};
            return o;
        }());
        const VolumeInfo info = readVolumeInfo(dir.file("p.h5:/prob"));
        CHECK(info.dataType == DataType::Float32);
        CHECK(std::find(info.details.begin(), info.details.end(),
                        "stored as float16, read as float32") != info.details.end());
        // HDF5 converts on write; it rounds as we do away from exact ties, and no
        // result is more than half a float16 step from the value written.
        const Volume back = readVolume(dir.file("p.h5:/prob"));
        REQUIRE(back.shape() == v.shape());
        const auto got = back.view<float>();
        const auto want = expected.view<float>();
        const auto original = v.view<float>();
        std::int64_t differing = 0;
        for (std::int64_t z = 0; z < 9; ++z)
            for (std::int64_t y = 0; y < 21; ++y)
                for (std::int64_t x = 0; x < 34; ++x) {
                    const float o = original(z, y, x);
                    const float smallestNormal = std::ldexp(1.0f, -14);
                    const float step =
                        std::ldexp(1.0f, std::ilogb(std::max(std::fabs(o), smallestNormal)) - 10);
                    REQUIRE(std::fabs(got(z, y, x) - o) <= step / 2);
                    REQUIRE(halfToFloat(floatToHalf(got(z, y, x))) == got(z, y, x));
                    differing += got(z, y, x) != want(z, y, x);
                }
        CHECK(differing <= 3); // ties only
        CHECK(fs::file_size(dir.file("p.h5")) < fs::file_size(dir.file("p32.h5")) * 3 / 4);
    }
}

TEST_CASE("float16 outputs can be written block by block", "[float16][blockwriter]") {
    test::ScratchDir dir("float16-blocks");
    const Volume v = probabilityVolume({10, 17, 23}, 2);
    const Volume expected = expectedAfterHalf(v);
    for (const std::string name : {"b.zarr", "b.h5:/p"}) {
        INFO(name);
        BlockWriterSpec spec;
        spec.dataType = DataType::Float32;
        spec.shape = v.shape();
        WriteOptions options = halfOptions();
        options.chunkShape = Shape3{4, 4, 8};
        auto writer = createBlockWriter(dir.file(name), spec, options);
        // Unaligned blocks: chunks are completed by several of them.
        for (std::int64_t z0 = 0; z0 < 10; z0 += 3)
            for (std::int64_t y0 = 0; y0 < 17; y0 += 5) {
                const Box3 box{
                    {z0, y0, 0},
                    {std::min<std::int64_t>(3, 10 - z0), std::min<std::int64_t>(5, 17 - y0), 23}};
                writer->writeBlock(box, v.crop(box).contiguous());
            }
        writer->commit();
        const Volume back = readVolume(dir.file(name));
        REQUIRE(back.dataType() == DataType::Float32);
        // Exact ties are the only values where HDF5's rounding may differ from ours.
        const auto got = back.view<float>();
        const auto want = expected.view<float>();
        std::int64_t differing = 0;
        for (std::int64_t z = 0; z < 10; ++z)
            for (std::int64_t y = 0; y < 17; ++y)
                for (std::int64_t x = 0; x < 23; ++x)
                    differing += got(z, y, x) != want(z, y, x);
        CHECK(differing <= 3);
    }
}

TEST_CASE("float16 is refused for integer volumes and formats without it, before writing",
          "[float16]") {
    test::ScratchDir dir("float16-refused");
    const Volume probabilities = probabilityVolume({2, 3, 4}, 3);
    for (const std::string name : {"p.tif", "p.n5", "p.nrrd", "slices/"}) {
        INFO(name);
        CHECK_THAT(
            test::formatErrorOf([&] { writeVolume(dir.file(name), probabilities, halfOptions()); }),
            Contains("no float16 data type") && Contains("Zarr"));
        CHECK(!fs::exists(dir.file(name)));
    }
    BlockWriterSpec spec;
    spec.dataType = DataType::Float32;
    spec.shape = {2, 3, 4};
    CHECK_THAT(
        test::formatErrorOf([&] { createBlockWriter(dir.file("b.n5"), spec, halfOptions()); }),
        Contains("no float16 data type"));
    CHECK(!fs::exists(dir.file("b.n5")));

    const Volume labels = test::patternVolume(DataType::UInt8, {2, 3, 4});
    CHECK_THROWS_WITH(writeVolume(dir.file("l.zarr"), labels, halfOptions()),
                      Contains("float16 storage is for float32 volumes"));
    CHECK(!fs::exists(dir.file("l.zarr")));
}

TEST_CASE("Zarr float16 arrays of either byte order are read", "[float16][zarr]") {
    test::ScratchDir dir("float16-foreign");
    // A 1 x 2 x 3 array as numpy writes it: one raw chunk, the values below.
    const std::uint16_t halves[6] = {0x3c00, 0x3800, 0x0000, 0xbc00, 0x7bff, 0x0001};
    const float values[6] = {1.0f, 0.5f, 0.0f, -1.0f, 65504.0f, std::ldexp(1.0f, -24)};
    for (const char order : {'<', '>'}) {
        const fs::path array = dir.path() / (std::string(1, order == '<' ? 'l' : 'b') + ".zarr");
        fs::create_directories(array);
        nlohmann::json meta = {{"zarr_format", 2},      {"shape", {1, 2, 3}},
                               {"chunks", {1, 2, 3}},   {"dtype", std::string(1, order) + "f2"},
                               {"order", "C"},          {"fill_value", 0},
                               {"compressor", nullptr}, {"filters", nullptr}};
        test::writeFileBytes(array / ".zarray", meta.dump());
        std::string chunk;
        for (std::uint16_t h : halves) {
            const char lo = static_cast<char>(h & 0xff), hi = static_cast<char>(h >> 8);
            chunk += order == '<' ? std::string{lo, hi} : std::string{hi, lo};
        }
        test::writeFileBytes(array / "0.0.0", chunk);
        const Volume v = readVolume(array.string());
        REQUIRE(v.dataType() == DataType::Float32);
        REQUIRE(v.shape() == Shape3{1, 2, 3});
        const auto view = v.view<float>();
        for (int i = 0; i < 6; ++i)
            CHECK(view(0, i / 3, i % 3) == values[i]);
    }
}
