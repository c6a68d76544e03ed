// HDF5 reading and writing. Malformed files are made by patching bytes of files
// we wrote (the test program does not link HDF5): the datatype and dataspace
// messages of HDF5's version-1 object headers have a fixed, documented layout.
#include "core/io/VolumeIO.h"
#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"
#include "tests/support/TestPaths.h"
#include "tests/support/VolumeTestSupport.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

using namespace cisterna;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

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
        Volume v = test::patternVolume(type, {5, 7, 11});
        v.setVoxelSize({30, 8.5, 4});
        v.setOrigin({300, -17, 2.5});
        const std::string path = dir.file(std::string("rt_") + toString(type) + ".h5") + ":/em/raw";
        writeVolume(path, v);

        const Volume back = readVolume(path);
        test::requireSameVoxels(back, v);
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
    const Volume v = test::patternVolume(DataType::UInt8, {2, 3, 4});
    writeVolume(dir.file("plain.h5"), v);
    const Volume back = readVolume(dir.file("plain.h5"));
    test::requireSameVoxels(back, v);
    REQUIRE_FALSE(back.hasVoxelSize());
    REQUIRE(back.origin() == Vec3d{0, 0, 0});
    // A path without a dataset writes "data", and reads the file's only dataset.
    REQUIRE(readVolumeInfo(dir.file("plain.h5") + ":/data").shape == Shape3{2, 3, 4});
}

TEST_CASE("HDF5 writes cropped volumes with chosen chunks and raw compression", "[hdf5]") {
    test::ScratchDir dir("hdf5-crop");
    Volume big = test::patternVolume(DataType::UInt16, {9, 10, 12});
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
    test::requireSameVoxels(back, crop.clone());
    REQUIRE(back.origin() == crop.origin());
    REQUIRE(back.origin() == Vec3d{10, 10, 15});
}

TEST_CASE("HDF5 region reads equal crops of full reads", "[hdf5]") {
    test::ScratchDir dir("hdf5-region");
    Volume v = test::patternVolume(DataType::Float32, {6, 9, 13});
    v.setVoxelSize({40, 4, 4});
    WriteOptions options;
    options.chunkShape = Shape3{4, 4, 4};
    writeVolume(dir.file("r.h5:/v"), v, options);
    const Volume full = readVolume(dir.file("r.h5:/v"));
    ReadOptions region;
    region.region = Box3{{1, 2, 3}, {4, 5, 6}};
    const Volume part = readVolume(dir.file("r.h5:/v"), region);
    test::requireSameVoxels(part, full.crop(*region.region).clone());
    REQUIRE(part.origin() == Vec3d{40, 8, 12});

    region.region = Box3{{5, 0, 0}, {2, 1, 1}};
    CHECK_THAT(test::formatErrorOf([&] { readVolume(dir.file("r.h5:/v"), region); }),
               Contains("outside the array"));
}

TEST_CASE("HDF5 files keep their other datasets when one is added or replaced", "[hdf5]") {
    test::ScratchDir dir("hdf5-existing");
    const std::string file = dir.file("project.h5");
    const Volume a = test::patternVolume(DataType::UInt8, {2, 3, 4});
    const Volume b = test::patternVolume(DataType::Float32, {3, 2, 5});
    writeVolume(file + ":/a", a);
    writeVolume(file + "/group/b", b); // the "file.h5/inner" spelling

    test::requireSameVoxels(readVolume(file + ":/a"), a);
    test::requireSameVoxels(readVolume(file + ":/group/b"), b);
    const std::string several = test::formatErrorOf([&] { readVolume(file); });
    CHECK_THAT(several, Contains("several datasets"));
    CHECK_THAT(several, Contains("a, group/b"));

    const Volume a2 = test::patternVolume(DataType::UInt16, {4, 4, 4});
    writeVolume(file + ":/a", a2);
    test::requireSameVoxels(readVolume(file + ":/a"), a2);
    test::requireSameVoxels(readVolume(file + "/group/b"), b);

    // A group is never replaced by a dataset; the file stays as it was.
    CHECK_THAT(test::formatErrorOf([&] { writeVolume(file + ":/group", a); }),
               Contains("is a group"));
    test::requireSameVoxels(readVolume(file + "/group/b"), b);
    // No temporary files are left next to it.
    REQUIRE(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("HDF5 refuses compressions it cannot write and leaves targets alone", "[hdf5]") {
    test::ScratchDir dir("hdf5-compression");
    const Volume v = test::patternVolume(DataType::UInt8, {2, 2, 2});
    WriteOptions options;
    options.compression = "blosc";
    CHECK_THAT(test::formatErrorOf([&] { writeVolume(dir.file("new.h5"), v, options); }),
               Contains("not 'blosc'"));
    REQUIRE_FALSE(fs::exists(dir.file("new.h5")));

    writeVolume(dir.file("old.h5"), v);
    const std::string before = readWholeFile(dir.file("old.h5"));
    options.compression = "lzw";
    REQUIRE_THROWS_AS(
        writeVolume(dir.file("old.h5"), test::patternVolume(DataType::UInt8, {3, 3, 3}), options),
        FormatError);
    REQUIRE(readWholeFile(dir.file("old.h5")) == before);

    // A file that is not HDF5 is not overwritten by an HDF5 write.
    test::writeFileBytes(dir.file("notes.h5"), "my notes");
    CHECK_THAT(test::formatErrorOf([&] { writeVolume(dir.file("notes.h5"), v); }),
               Contains("not an HDF5 file"));
    REQUIRE(readWholeFile(dir.file("notes.h5")) == "my notes");
}

TEST_CASE("HDF5 reports truncated, foreign and incomplete files clearly", "[hdf5][malformed]") {
    test::ScratchDir dir("hdf5-malformed");
    const Volume v = test::patternVolume(DataType::UInt16, {8, 16, 16});
    writeVolume(dir.file("whole.h5:/em/raw"), v);

    const std::string bytes = readWholeFile(dir.file("whole.h5"));
    test::writeFileBytes(dir.file("cut.h5"), bytes.substr(0, bytes.size() / 2));
    const std::string truncated = test::formatErrorOf([&] { readVolume(dir.file("cut.h5")); });
    CHECK_THAT(truncated, Contains("cut.h5"));
    CHECK_THAT(truncated, Contains("truncated"));
    REQUIRE_THROWS_AS(readVolumeInfo(dir.file("cut.h5")), FormatError);

    test::writeFileBytes(dir.file("text.h5"), "this is a text file, not HDF5\n");
    CHECK_THAT(test::formatErrorOf([&] { readVolume(dir.file("text.h5")); }),
               Contains("not an HDF5 file"));

    const std::string missing =
        test::formatErrorOf([&] { readVolume(dir.file("whole.h5") + ":/em/labels"); });
    CHECK_THAT(missing, Contains("no dataset 'em/labels'"));
    CHECK_THAT(missing, Contains("em/raw")); // what the file does hold
    CHECK_THAT(test::formatErrorOf([&] { readVolume(dir.file("whole.h5") + ":/nowhere/x"); }),
               Contains("no dataset 'nowhere/x'"));
    CHECK_THAT(test::formatErrorOf([&] { readVolume(dir.file("whole.h5") + ":/em"); }),
               Contains("is a group"));
}

TEST_CASE("HDF5 names unsupported data types and converts small signed ones", "[hdf5][malformed]") {
    test::ScratchDir dir("hdf5-types");
    const Volume v = test::patternVolume(DataType::UInt16, {2, 3, 4});
    writeVolume(dir.file("u16.h5:/v"), v);
    const std::string original = readWholeFile(dir.file("u16.h5"));

    // The same dataset declared int64: must be refused by name, not misread.
    std::string bytes = original;
    patchOnce(bytes, fixedPointType(false, 2), fixedPointType(true, 8));
    test::writeFileBytes(dir.file("i64.h5"), bytes);
    CHECK_THAT(test::formatErrorOf([&] { readVolume(dir.file("i64.h5")); }),
               Contains("unsupported data type int64"));
    CHECK_THAT(test::formatErrorOf([&] { readVolumeInfo(dir.file("i64.h5")); }), Contains("int64"));

    // Declared int16: every value of ours is below 2^15, so it reads exactly as float32.
    bytes = original;
    patchOnce(bytes, fixedPointType(false, 2), fixedPointType(true, 2));
    test::writeFileBytes(dir.file("i16.h5"), bytes);
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
    const Volume v = test::patternVolume(DataType::UInt8, {3, 5, 7});
    WriteOptions options;
    options.chunkShape = Shape3{3, 5, 7};
    writeVolume(dir.file("small.h5:/v"), v, options);

    // The same chunked dataset declared 10^5 x 10^5 x 10^5: one chunk written, the
    // rest unwritten (reads as fill value) - a valid HDF5 file of 10^15 voxels.
    std::string bytes = readWholeFile(dir.file("small.h5"));
    const Shape3 huge{100000, 100000, 100000};
    patchOnce(bytes, dataspace3({3, 5, 7}, {3, 5, 7}), dataspace3(huge, huge));
    test::writeFileBytes(dir.file("huge.h5"), bytes);

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
    test::requireSameVoxels(readVolume(dir.file("huge.h5"), corner), v);
    ReadOptions far;
    far.region = Box3{{50000, 60000, 70000}, {2, 2, 2}};
    const Volume zeros = readVolume(dir.file("huge.h5"), far);
    for (std::int64_t i = 0; i < 8; ++i)
        REQUIRE(static_cast<const std::uint8_t*>(zeros.data())[i] == 0);
}

TEST_CASE("HDF5 voxel size falls back to ilastik's element_size_um", "[hdf5]") {
    test::ScratchDir dir("hdf5-element-size");
    Volume v = test::patternVolume(DataType::UInt8, {2, 2, 2});
    v.setVoxelSize({30, 8, 6});
    writeVolume(dir.file("both.h5:/v"), v);
    // Renaming the "resolution" attribute leaves only element_size_um (micrometres).
    std::string bytes = readWholeFile(dir.file("both.h5"));
    patchOnce(bytes, std::string("resolution\0", 11), std::string("xesolution\0", 11));
    test::writeFileBytes(dir.file("ilastik.h5"), bytes);
    const Volume back = readVolume(dir.file("ilastik.h5"));
    REQUIRE(back.hasVoxelSize());
    REQUIRE(back.voxelSize().z == Approx(30));
    REQUIRE(back.voxelSize().y == Approx(8));
    REQUIRE(back.voxelSize().x == Approx(6));
}
