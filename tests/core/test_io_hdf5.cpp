// HDF5 reading and writing. Malformed files are made by patching bytes of files
// we wrote (the test program does not link HDF5): the datatype and dataspace
// messages of HDF5's version-1 object headers have a fixed, documented layout.
#include "core/io/VolumeIO.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"
#include "tests/support/TestPaths.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

using namespace cisterna;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

Volume makeHdf5TestVolume(DataType type, const Shape3& shape) {
    Volume v = Volume::allocate(type, shape);
    dispatchDataType(type, [&](auto tag) {
        using T = decltype(tag);
        auto view = v.view<T>();
        for (std::int64_t z = 0; z < shape.z; ++z)
            for (std::int64_t y = 0; y < shape.y; ++y)
                for (std::int64_t x = 0; x < shape.x; ++x) {
                    const std::int64_t n = z * 4099 + y * 257 + x * 3;
                    if constexpr (std::is_same_v<T, float>)
                        view(z, y, x) = static_cast<float>(n) * 0.25f - 100.5f;
                    else
                        view(z, y, x) = static_cast<T>(n % (sizeof(T) == 1 ? 251 : 65521));
                }
    });
    return v;
}

void requireSameHdf5Voxels(const Volume& a, const Volume& b) {
    REQUIRE(a.dataType() == b.dataType());
    REQUIRE(a.shape() == b.shape());
    std::int64_t mismatches = 0;
    dispatchDataType(a.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const auto va = a.view<T>();
        const auto vb = b.view<T>();
        for (std::int64_t z = 0; z < a.shape().z; ++z)
            for (std::int64_t y = 0; y < a.shape().y; ++y)
                for (std::int64_t x = 0; x < a.shape().x; ++x)
                    if (va(z, y, x) != vb(z, y, x))
                        ++mismatches;
    });
    REQUIRE(mismatches == 0);
}

template <class F> std::string hdf5FormatErrorOf(F&& f) {
    try {
        f();
    } catch (const FormatError& e) {
        return e.what();
    } catch (const std::exception& e) {
        FAIL("expected a FormatError, got: " << e.what());
    }
    FAIL("expected a FormatError, but nothing was thrown");
    return {};
}

std::string hdf5FileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeHdf5FileBytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string le64(std::uint64_t v) {
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i)
        s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
}

void patchOnce(std::string& bytes, const std::string& from, const std::string& to) {
    REQUIRE(from.size() == to.size());
    const auto at = bytes.find(from);
    REQUIRE(at != std::string::npos);
    REQUIRE(bytes.find(from, at + 1) == std::string::npos);
    bytes.replace(at, from.size(), to);
}

// Datatype message body of a little-endian fixed-point type (HDF5 spec, IV.A.2.d):
// class and version, bit field (bit 3: signed), size, bit offset, precision.
std::string fixedPointType(bool isSigned, std::uint32_t bytes) {
    std::string s("\x10\x00\x00\x00", 4);
    s[1] = isSigned ? '\x08' : '\x00';
    s += std::string(reinterpret_cast<const char*>(&bytes), 4);
    s += std::string("\x00\x00", 2);
    const std::uint16_t precision = static_cast<std::uint16_t>(bytes * 8);
    s += std::string(reinterpret_cast<const char*>(&precision), 2);
    return s;
}

// Dataspace message body, version 1, rank 3, with maximum dimensions.
std::string dataspace3(const Shape3& dims, const Shape3& maxDims) {
    std::string s("\x01\x03\x01\x00\x00\x00\x00\x00", 8);
    for (std::int64_t d : {dims.z, dims.y, dims.x})
        s += le64(static_cast<std::uint64_t>(d));
    for (std::int64_t d : {maxDims.z, maxDims.y, maxDims.x})
        s += le64(static_cast<std::uint64_t>(d));
    return s;
}

} // namespace

TEST_CASE("HDF5 round trips uint8, uint16 and float32 with voxel size and origin", "[hdf5]") {
    test::ScratchDir dir("hdf5-roundtrip");
    for (DataType type : {DataType::UInt8, DataType::UInt16, DataType::Float32}) {
        INFO(toString(type));
        Volume v = makeHdf5TestVolume(type, {5, 7, 11});
        v.setVoxelSize({30, 8.5, 4});
        v.setOrigin({300, -17, 2.5});
        const std::string path = dir.file(std::string("rt_") + toString(type) + ".h5") + ":/em/raw";
        writeVolume(path, v);

        const Volume back = readVolume(path);
        requireSameHdf5Voxels(back, v);
        REQUIRE(back.hasVoxelSize());
        REQUIRE(back.voxelSize() == Vec3d{30, 8.5, 4});
        REQUIRE(back.origin() == Vec3d{300, -17, 2.5});

        const VolumeInfo info = readVolumeInfo(path);
        REQUIRE(info.format == "hdf5");
        REQUIRE(info.dataType == type);
        REQUIRE(info.shape == Shape3{5, 7, 11});
        REQUIRE(info.chunkShape == Shape3{5, 7, 11}); // 64^3 clipped to the shape
        REQUIRE(info.compression == "gzip");
        REQUIRE(info.hasVoxelSize);
        REQUIRE(info.voxelSize == Vec3d{30, 8.5, 4});
        REQUIRE(info.details.at(0) == "dataset: em/raw");
    }
}

TEST_CASE("HDF5 volumes without a voxel size read back without one", "[hdf5]") {
    test::ScratchDir dir("hdf5-novoxel");
    const Volume v = makeHdf5TestVolume(DataType::UInt8, {2, 3, 4});
    writeVolume(dir.file("plain.h5"), v);
    const Volume back = readVolume(dir.file("plain.h5"));
    requireSameHdf5Voxels(back, v);
    REQUIRE_FALSE(back.hasVoxelSize());
    REQUIRE(back.origin() == Vec3d{0, 0, 0});
    // A path without a dataset writes "data", and reads the file's only dataset.
    REQUIRE(readVolumeInfo(dir.file("plain.h5") + ":/data").shape == Shape3{2, 3, 4});
}

TEST_CASE("HDF5 writes cropped volumes with chosen chunks and raw compression", "[hdf5]") {
    test::ScratchDir dir("hdf5-crop");
    Volume big = makeHdf5TestVolume(DataType::UInt16, {9, 10, 12});
    big.setVoxelSize({10, 5, 5});
    const Volume crop = big.crop({{1, 2, 3}, {7, 5, 6}});
    REQUIRE_FALSE(crop.isContiguous());
    WriteOptions options;
    options.compression = "raw";
    options.chunkShape = Shape3{2, 3, 4}; // 7 slices: the last slab is partial
    const std::string path = dir.file("crop.h5:/c");
    writeVolume(path, crop, options);

    const VolumeInfo info = readVolumeInfo(path);
    REQUIRE(info.chunkShape == Shape3{2, 3, 4});
    REQUIRE(info.compression == "raw");
    const Volume back = readVolume(path);
    requireSameHdf5Voxels(back, crop.clone());
    REQUIRE(back.origin() == crop.origin());
    REQUIRE(back.origin() == Vec3d{10, 10, 15});
}

TEST_CASE("HDF5 region reads equal crops of full reads", "[hdf5]") {
    test::ScratchDir dir("hdf5-region");
    Volume v = makeHdf5TestVolume(DataType::Float32, {6, 9, 13});
    v.setVoxelSize({40, 4, 4});
    WriteOptions options;
    options.chunkShape = Shape3{4, 4, 4};
    writeVolume(dir.file("r.h5:/v"), v, options);
    const Volume full = readVolume(dir.file("r.h5:/v"));
    ReadOptions region;
    region.region = Box3{{1, 2, 3}, {4, 5, 6}};
    const Volume part = readVolume(dir.file("r.h5:/v"), region);
    requireSameHdf5Voxels(part, full.crop(*region.region).clone());
    REQUIRE(part.origin() == Vec3d{40, 8, 12});

    region.region = Box3{{5, 0, 0}, {2, 1, 1}};
    CHECK_THAT(hdf5FormatErrorOf([&] { readVolume(dir.file("r.h5:/v"), region); }),
               Contains("outside the array"));
}

TEST_CASE("HDF5 files keep their other datasets when one is added or replaced", "[hdf5]") {
    test::ScratchDir dir("hdf5-existing");
    const std::string file = dir.file("project.h5");
    const Volume a = makeHdf5TestVolume(DataType::UInt8, {2, 3, 4});
    const Volume b = makeHdf5TestVolume(DataType::Float32, {3, 2, 5});
    writeVolume(file + ":/a", a);
    writeVolume(file + "/group/b", b); // the "file.h5/inner" spelling

    requireSameHdf5Voxels(readVolume(file + ":/a"), a);
    requireSameHdf5Voxels(readVolume(file + ":/group/b"), b);
    const std::string several = hdf5FormatErrorOf([&] { readVolume(file); });
    CHECK_THAT(several, Contains("several datasets"));
    CHECK_THAT(several, Contains("a, group/b"));

    const Volume a2 = makeHdf5TestVolume(DataType::UInt16, {4, 4, 4});
    writeVolume(file + ":/a", a2);
    requireSameHdf5Voxels(readVolume(file + ":/a"), a2);
    requireSameHdf5Voxels(readVolume(file + "/group/b"), b);

    // A group is never replaced by a dataset; the file stays as it was.
    CHECK_THAT(hdf5FormatErrorOf([&] { writeVolume(file + ":/group", a); }),
               Contains("is a group"));
    requireSameHdf5Voxels(readVolume(file + "/group/b"), b);
    // No temporary files are left next to it.
    REQUIRE(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("HDF5 refuses compressions it cannot write and leaves targets alone", "[hdf5]") {
    test::ScratchDir dir("hdf5-compression");
    const Volume v = makeHdf5TestVolume(DataType::UInt8, {2, 2, 2});
    WriteOptions options;
    options.compression = "blosc";
    CHECK_THAT(hdf5FormatErrorOf([&] { writeVolume(dir.file("new.h5"), v, options); }),
               Contains("not 'blosc'"));
    REQUIRE_FALSE(fs::exists(dir.file("new.h5")));

    writeVolume(dir.file("old.h5"), v);
    const std::string before = hdf5FileBytes(dir.file("old.h5"));
    options.compression = "lzw";
    REQUIRE_THROWS_AS(
        writeVolume(dir.file("old.h5"), makeHdf5TestVolume(DataType::UInt8, {3, 3, 3}), options),
        FormatError);
    REQUIRE(hdf5FileBytes(dir.file("old.h5")) == before);

    // A file that is not HDF5 is not overwritten by an HDF5 write.
    writeHdf5FileBytes(dir.file("notes.h5"), "my notes");
    CHECK_THAT(hdf5FormatErrorOf([&] { writeVolume(dir.file("notes.h5"), v); }),
               Contains("not an HDF5 file"));
    REQUIRE(hdf5FileBytes(dir.file("notes.h5")) == "my notes");
}

TEST_CASE("HDF5 reports truncated, foreign and incomplete files clearly", "[hdf5][malformed]") {
    test::ScratchDir dir("hdf5-malformed");
    const Volume v = makeHdf5TestVolume(DataType::UInt16, {8, 16, 16});
    writeVolume(dir.file("whole.h5:/em/raw"), v);

    const std::string bytes = hdf5FileBytes(dir.file("whole.h5"));
    writeHdf5FileBytes(dir.file("cut.h5"), bytes.substr(0, bytes.size() / 2));
    const std::string truncated = hdf5FormatErrorOf([&] { readVolume(dir.file("cut.h5")); });
    CHECK_THAT(truncated, Contains("cut.h5"));
    CHECK_THAT(truncated, Contains("truncated"));
    REQUIRE_THROWS_AS(readVolumeInfo(dir.file("cut.h5")), FormatError);

    writeHdf5FileBytes(dir.file("text.h5"), "this is a text file, not HDF5\n");
    CHECK_THAT(hdf5FormatErrorOf([&] { readVolume(dir.file("text.h5")); }),
               Contains("not an HDF5 file"));

    const std::string missing =
        hdf5FormatErrorOf([&] { readVolume(dir.file("whole.h5") + ":/em/labels"); });
    CHECK_THAT(missing, Contains("no dataset 'em/labels'"));
    CHECK_THAT(missing, Contains("em/raw")); // what the file does hold
    CHECK_THAT(hdf5FormatErrorOf([&] { readVolume(dir.file("whole.h5") + ":/nowhere/x"); }),
               Contains("no dataset 'nowhere/x'"));
    CHECK_THAT(hdf5FormatErrorOf([&] { readVolume(dir.file("whole.h5") + ":/em"); }),
               Contains("is a group"));
}

TEST_CASE("HDF5 names unsupported data types and converts small signed ones", "[hdf5][malformed]") {
    test::ScratchDir dir("hdf5-types");
    const Volume v = makeHdf5TestVolume(DataType::UInt16, {2, 3, 4});
    writeVolume(dir.file("u16.h5:/v"), v);
    const std::string original = hdf5FileBytes(dir.file("u16.h5"));

    // The same dataset declared int64: must be refused by name, not misread.
    std::string bytes = original;
    patchOnce(bytes, fixedPointType(false, 2), fixedPointType(true, 8));
    writeHdf5FileBytes(dir.file("i64.h5"), bytes);
    CHECK_THAT(hdf5FormatErrorOf([&] { readVolume(dir.file("i64.h5")); }),
               Contains("unsupported data type int64"));
    CHECK_THAT(hdf5FormatErrorOf([&] { readVolumeInfo(dir.file("i64.h5")); }), Contains("int64"));

    // Declared int16: every value of ours is below 2^15, so it reads exactly as float32.
    bytes = original;
    patchOnce(bytes, fixedPointType(false, 2), fixedPointType(true, 2));
    writeHdf5FileBytes(dir.file("i16.h5"), bytes);
    const VolumeInfo info = readVolumeInfo(dir.file("i16.h5"));
    REQUIRE(info.dataType == DataType::Float32);
    REQUIRE(std::find(info.details.begin(), info.details.end(),
                      "stored as int16, read as float32") != info.details.end());
    const Volume asFloat = readVolume(dir.file("i16.h5"));
    REQUIRE(asFloat.dataType() == DataType::Float32);
    const auto expected = v.view<std::uint16_t>();
    const auto got = asFloat.view<float>();
    for (std::int64_t i = 0; i < 24; ++i) {
        const std::int64_t z = i / 12, y = (i / 4) % 3, x = i % 4;
        REQUIRE(expected(z, y, x) < 32768);
        REQUIRE(got(z, y, x) == static_cast<float>(expected(z, y, x)));
    }
}

TEST_CASE("HDF5 datasets declaring a huge shape fail on the memory budget, not on allocation",
          "[hdf5][malformed]") {
    test::ScratchDir dir("hdf5-huge");
    const Volume v = makeHdf5TestVolume(DataType::UInt8, {3, 5, 7});
    WriteOptions options;
    options.chunkShape = Shape3{3, 5, 7};
    writeVolume(dir.file("small.h5:/v"), v, options);

    // The same chunked dataset declared 10^5 x 10^5 x 10^5: one chunk written, the
    // rest unwritten (reads as fill value) - a valid HDF5 file of 10^15 voxels.
    std::string bytes = hdf5FileBytes(dir.file("small.h5"));
    const Shape3 huge{100000, 100000, 100000};
    patchOnce(bytes, dataspace3({3, 5, 7}, {3, 5, 7}), dataspace3(huge, huge));
    writeHdf5FileBytes(dir.file("huge.h5"), bytes);

    const VolumeInfo info = readVolumeInfo(dir.file("huge.h5"));
    REQUIRE(info.shape == huge);

    const auto start = std::chrono::steady_clock::now();
    try {
        readVolume(dir.file("huge.h5"));
        FAIL("reading 10^15 voxels should have been refused");
    } catch (const MemoryBudgetError& e) {
        CHECK_THAT(std::string(e.what()), Contains("Not enough memory"));
        CHECK_THAT(std::string(e.what()), Contains("HDF5 dataset 'v'"));
    }
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));

    // Regions of it read fine: the written chunk, and zeros elsewhere.
    ReadOptions corner;
    corner.region = Box3{{0, 0, 0}, {3, 5, 7}};
    requireSameHdf5Voxels(readVolume(dir.file("huge.h5"), corner), v);
    ReadOptions far;
    far.region = Box3{{50000, 60000, 70000}, {2, 2, 2}};
    const Volume zeros = readVolume(dir.file("huge.h5"), far);
    for (std::int64_t i = 0; i < 8; ++i)
        REQUIRE(static_cast<const std::uint8_t*>(zeros.data())[i] == 0);
}

TEST_CASE("HDF5 voxel size falls back to ilastik's element_size_um", "[hdf5]") {
    test::ScratchDir dir("hdf5-element-size");
    Volume v = makeHdf5TestVolume(DataType::UInt8, {2, 2, 2});
    v.setVoxelSize({30, 8, 6});
    writeVolume(dir.file("both.h5:/v"), v);
    // Renaming the "resolution" attribute leaves only element_size_um (micrometres).
    std::string bytes = hdf5FileBytes(dir.file("both.h5"));
    patchOnce(bytes, std::string("resolution\0", 11), std::string("xesolution\0", 11));
    writeHdf5FileBytes(dir.file("ilastik.h5"), bytes);
    const Volume back = readVolume(dir.file("ilastik.h5"));
    REQUIRE(back.hasVoxelSize());
    REQUIRE(back.voxelSize().z == Approx(30));
    REQUIRE(back.voxelSize().y == Approx(8));
    REQUIRE(back.voxelSize().x == Approx(6));
}
