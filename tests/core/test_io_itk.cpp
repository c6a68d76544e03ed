// NRRD, MetaImage and NIfTI through ITK. Foreign and malformed files are written
// here as text headers plus raw bytes, so every field is under the test's control.
#include "core/io/VolumeIO.h"
#include "core/plugin/PluginRegistry.h"
#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"
#include "tests/support/TestPaths.h"
#include "tests/support/VolumeTestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

using namespace cisterna;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kItkExtensions = {".nrrd", ".nhdr", ".mha",
                                                 ".mhd",  ".nii",  ".nii.gz"};

std::vector<std::string> folderEntries(const fs::path& folder) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// A little-endian NRRD with the given header fields followed by `data`.
std::string nrrdFile(const std::string& fields, const std::string& data) {
    return "NRRD0004\n" + fields + "\n" + data;
}

} // namespace

TEST_CASE("NRRD, MetaImage and NIfTI round trip every type with voxel size and origin", "[itk]") {
    test::ScratchDir dir("itk-roundtrip");
    for (DataType type : {DataType::UInt8, DataType::UInt16, DataType::Float32}) {
        Volume original = test::patternVolume(type, {5, 7, 9});
        original.setVoxelSize({33.3, 4.17, 8});
        original.setOrigin({300.7, -20.25, 10.1});
        for (const auto& ext : kItkExtensions) {
            std::string stem = std::string("v_") + toString(type) + "_" + ext.substr(1);
            std::replace(stem.begin(), stem.end(), '.', '-');
            const std::string path = dir.file(stem + ext);
            INFO(path);
            writeVolume(path, original);
            const VolumeInfo info = readVolumeInfo(path);
            REQUIRE(info.format == "itk");
            REQUIRE(info.dataType == type);
            REQUIRE(info.shape == Shape3{5, 7, 9});
            REQUIRE(info.hasVoxelSize);
            REQUIRE(info.voxelSize == Vec3d{33.3, 4.17, 8});
            REQUIRE(info.origin == Vec3d{300.7, -20.25, 10.1});
            REQUIRE(info.compression == (ext == ".nii.gz" ? "gzip" : "raw"));
            const Volume back = readVolume(path);
            test::requireSameVoxels(original, back);
            REQUIRE(back.hasVoxelSize());
            REQUIRE(back.voxelSize() == original.voxelSize());
            REQUIRE(back.origin() == original.origin());
        }
    }
    // Detached headers come with their data file; no temporary is left behind.
    const auto names = folderEntries(dir.path());
    REQUIRE(std::count(names.begin(), names.end(), "v_uint8_nhdr.raw") == 1);
    REQUIRE(std::count(names.begin(), names.end(), "v_float32_mhd.raw") == 1);
    for (const auto& name : names)
        REQUIRE(name[0] != '.');
    REQUIRE(names.size() == 3 * (kItkExtensions.size() + 2));
}

TEST_CASE("NIfTI stores millimetres, and nanometres come back exactly", "[itk]") {
    test::ScratchDir dir("itk-nifti-units");
    Volume v = test::patternVolume(DataType::UInt8, {2, 3, 4});
    v.setVoxelSize({0.97, 3.3, 123.456});
    v.setOrigin({1234.5, 0, -77.7});
    const std::string path = dir.file("units.nii");
    writeVolume(path, v);
    const std::string bytes = readWholeFile(path);
    REQUIRE(bytes.size() >= 352);
    // xyzt_units (byte 123) says millimetres (2); pixdim[1] (byte 80) is x in mm.
    REQUIRE((static_cast<unsigned char>(bytes[123]) & 0x07) == 2);
    float pixdimX = 0;
    std::memcpy(&pixdimX, bytes.data() + 80, 4);
    REQUIRE(pixdimX == static_cast<float>(123.456e-6));
    const Volume back = readVolume(path);
    REQUIRE(back.voxelSize() == Vec3d{0.97, 3.3, 123.456});
    REQUIRE(back.origin() == Vec3d{1234.5, 0, -77.7});
}

TEST_CASE("ITK files without a voxel size read back without one", "[itk]") {
    test::ScratchDir dir("itk-uncalibrated");
    const Volume v = test::patternVolume(DataType::UInt16, {3, 4, 5});
    REQUIRE_FALSE(v.hasVoxelSize());
    for (const auto& ext : kItkExtensions) {
        const std::string path = dir.file("plain" + ext);
        INFO(path);
        writeVolume(path, v);
        REQUIRE_FALSE(readVolumeInfo(path).hasVoxelSize);
        const Volume back = readVolume(path);
        REQUIRE_FALSE(back.hasVoxelSize());
        test::requireSameVoxels(v, back);
    }
}

TEST_CASE("ITK region reads equal crops, and cropped views are written", "[itk]") {
    test::ScratchDir dir("itk-region");
    Volume original = test::patternVolume(DataType::Float32, {6, 8, 10});
    original.setVoxelSize({30, 5, 4});
    original.setOrigin({100, 0, 50});
    const Box3 box{{1, 2, 3}, {4, 5, 6}};
    for (const auto& ext : kItkExtensions) {
        const std::string path = dir.file("r" + ext);
        INFO(path);
        writeVolume(path, original);
        ReadOptions options;
        options.region = box;
        const Volume part = readVolume(path, options);
        test::requireSameVoxels(original.crop(box), part);
        REQUIRE(part.origin() == original.crop(box).origin());
        options.region = Box3{{0, 0, 0}, {7, 1, 1}};
        REQUIRE_THROWS_AS(readVolume(path, options), FormatError);

        const std::string cropPath = dir.file("crop" + ext);
        writeVolume(cropPath, original.crop(box));
        test::requireSameVoxels(original.crop(box), readVolume(cropPath));
        REQUIRE(readVolume(cropPath).origin() == original.crop(box).origin());
    }
}

TEST_CASE("ITK formats write gzip where they can and refuse the rest", "[itk]") {
    test::ScratchDir dir("itk-compression");
    const Volume v = test::patternVolume(DataType::UInt16, {4, 6, 8});
    WriteOptions gzip;
    gzip.compression = "gzip";
    gzip.compressionLevel = 9;
    writeVolume(dir.file("z.nrrd"), v, gzip);
    REQUIRE(readVolumeInfo(dir.file("z.nrrd")).compression == "gzip");
    test::requireSameVoxels(v, readVolume(dir.file("z.nrrd")));
    gzip.compression = "zlib";
    writeVolume(dir.file("z.mhd"), v, gzip);
    REQUIRE(readVolumeInfo(dir.file("z.mhd")).compression == "zlib");
    REQUIRE(fs::exists(dir.file("z.zraw")));
    test::requireSameVoxels(v, readVolume(dir.file("z.mhd")));

    REQUIRE_THAT(test::formatErrorOf([&] { writeVolume(dir.file("a.nii"), v, gzip); }),
                 Contains("write .nii.gz"));
    WriteOptions raw;
    raw.compression = "raw";
    REQUIRE_THAT(test::formatErrorOf([&] { writeVolume(dir.file("a.nii.gz"), v, raw); }),
                 Contains("write .nii"));
    WriteOptions blosc;
    blosc.compression = "blosc";
    REQUIRE_THAT(test::formatErrorOf([&] { writeVolume(dir.file("a.mha"), v, blosc); }),
                 Contains("'blosc'"));
    WriteOptions level;
    level.compression = "gzip";
    level.compressionLevel = 12;
    REQUIRE_THAT(test::formatErrorOf([&] { writeVolume(dir.file("a.nrrd"), v, level); }),
                 Contains("level 12"));
}

TEST_CASE("a failed ITK write leaves the existing file untouched", "[itk]") {
    test::ScratchDir dir("itk-atomic");
    const std::string path = dir.file("keep.mha");
    const Volume first = test::patternVolume(DataType::UInt8, {2, 3, 4});
    writeVolume(path, first);
    const std::string before = readWholeFile(path);
    WriteOptions bad;
    bad.compression = "lzw";
    REQUIRE_THROWS_AS(writeVolume(path, test::patternVolume(DataType::Float32, {5, 5, 5}), bad),
                      FormatError);
    REQUIRE(readWholeFile(path) == before);
    // A successful write replaces it, with nothing left beside it.
    const Volume second = test::patternVolume(DataType::Float32, {3, 3, 3});
    writeVolume(path, second);
    test::requireSameVoxels(second, readVolume(path));
    REQUIRE(folderEntries(dir.path()) == std::vector<std::string>{"keep.mha"});
}

TEST_CASE("ITK files of other scalar types and 2D images are read", "[itk]") {
    test::ScratchDir dir("itk-foreign");
    // int16, with negative values: becomes float32, and the details say so.
    std::string data;
    const std::int16_t values[6] = {-300, -1, 0, 1, 2, 32767};
    data.assign(reinterpret_cast<const char*>(values), sizeof values);
    test::writeFileBytes(dir.file("s.nrrd"), nrrdFile("type: short\ndimension: 3\nsizes: 3 2 1\n"
                                                      "endian: little\nencoding: raw\n"
                                                      "spacings: 4 5 40\n",
                                                      data));
    const VolumeInfo info = readVolumeInfo(dir.file("s.nrrd"));
    REQUIRE(info.dataType == DataType::Float32);
    REQUIRE(info.shape == Shape3{1, 2, 3});
    bool saysConverted = false;
    for (const auto& d : info.details)
        saysConverted = saysConverted || d.find("converted to float32") != std::string::npos;
    REQUIRE(saysConverted);
    const Volume s = readVolume(dir.file("s.nrrd"));
    REQUIRE(s.valueAt({0, 0, 0}) == -300.0);
    REQUIRE(s.valueAt({0, 1, 2}) == 32767.0);
    REQUIRE(s.voxelSize() == Vec3d{40, 5, 4});
    ReadOptions options;
    options.region = Box3{{0, 1, 1}, {1, 1, 2}};
    const Volume part = readVolume(dir.file("s.nrrd"), options);
    REQUIRE(part.valueAt({0, 0, 0}) == 2.0);
    REQUIRE(part.valueAt({0, 0, 1}) == 32767.0);

    // A 2D MetaImage is a volume of one slice.
    test::writeFileBytes(dir.file("flat.mha"), "ObjectType = Image\nNDims = 2\nDimSize = 3 2\n"
                                               "ElementSpacing = 6 7\nElementType = MET_UCHAR\n"
                                               "ElementDataFile = LOCAL\n" +
                                                   std::string("\x01\x02\x03\x04\x05\x06", 6));
    const Volume flat = readVolume(dir.file("flat.mha"));
    REQUIRE(flat.shape() == Shape3{1, 2, 3});
    REQUIRE(flat.dataType() == DataType::UInt8);
    REQUIRE(flat.valueAt({0, 1, 2}) == 6.0);
    REQUIRE(flat.voxelSize().y == 7);
    REQUIRE(flat.voxelSize().x == 6);
}

TEST_CASE("ITK reports truncated, lying and foreign files clearly", "[itk][malformed]") {
    test::ScratchDir dir("itk-malformed");
    const Volume v = test::patternVolume(DataType::UInt16, {4, 5, 6});

    SECTION("a truncated MetaImage") {
        writeVolume(dir.file("cut.mha"), v);
        std::string bytes = readWholeFile(dir.file("cut.mha"));
        test::writeFileBytes(dir.file("cut.mha"), bytes.substr(0, bytes.size() - 7));
        const std::string error = test::formatErrorOf([&] { readVolume(dir.file("cut.mha")); });
        REQUIRE_THAT(error, Contains("cut.mha"));
        REQUIRE_THAT(error, Contains("240 bytes")); // 4 x 5 x 6 x 2 bytes promised
        REQUIRE_THAT(error, Contains("holds only 233 bytes"));
        REQUIRE_THROWS_AS(readVolumeInfo(dir.file("cut.mha")), FormatError);
    }
    SECTION("a truncated NIfTI and a detached header without its data") {
        writeVolume(dir.file("cut.nii"), v);
        std::string bytes = readWholeFile(dir.file("cut.nii"));
        test::writeFileBytes(dir.file("cut.nii"), bytes.substr(0, bytes.size() - 100));
        REQUIRE_THAT(test::formatErrorOf([&] { readVolume(dir.file("cut.nii")); }),
                     Contains("holds only"));
        writeVolume(dir.file("lost.nhdr"), v);
        fs::remove(dir.file("lost.raw"));
        REQUIRE_THAT(test::formatErrorOf([&] { readVolume(dir.file("lost.nhdr")); }),
                     Contains("lost.raw"));
    }
    SECTION("a truncated gzipped NIfTI is refused, not read with zeros for the rest") {
        const Volume big = test::patternVolume(DataType::UInt16, {16, 32, 40});
        writeVolume(dir.file("cut.nii.gz"), big);
        const std::string bytes = readWholeFile(dir.file("cut.nii.gz"));
        test::writeFileBytes(dir.file("cut.nii.gz"), bytes.substr(0, bytes.size() / 2));
        const std::string error = test::formatErrorOf([&] { readVolume(dir.file("cut.nii.gz")); });
        REQUIRE_THAT(error, Contains("cut.nii.gz"));
        REQUIRE_THAT(error, Contains("truncated"));
        REQUIRE_THAT(error, Contains("41312 bytes")); // 16 x 32 x 40 x 2 after 352 of header
        // The whole file still reads, voxel for voxel.
        writeVolume(dir.file("whole.nii.gz"), big);
        const Volume back = readVolume(dir.file("whole.nii.gz"));
        REQUIRE(back.shape() == big.shape());
        REQUIRE(std::memcmp(back.contiguous().data(), big.contiguous().data(),
                            std::size_t(big.byteCount())) == 0);
    }
    SECTION("a NRRD header lying about its size fails fast, without allocating") {
        // 10^12 voxels announced, 64 bytes present; the memory budget is set so that
        // an attempt to allocate would surface as MemoryBudgetError, not FormatError.
        setMemoryLimitOverride(std::uint64_t(64) << 20);
        test::writeFileBytes(dir.file("lie.nrrd"),
                             nrrdFile("type: uint8\ndimension: 3\nsizes: 10000 10000 10000\n"
                                      "encoding: raw\n",
                                      std::string(64, '\x07')));
        const auto start = std::chrono::steady_clock::now();
        const std::string error = test::formatErrorOf([&] { readVolume(dir.file("lie.nrrd")); });
        REQUIRE(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
        REQUIRE_THAT(error, Contains("10000 x 10000 x 10000"));
        REQUIRE_THAT(error, Contains("holds only 64 bytes"));
        REQUIRE_THROWS_AS(readVolumeInfo(dir.file("lie.nrrd")), FormatError);
        // The same lie in gzip: no deflate stream expands a thousandfold more than that.
        test::writeFileBytes(dir.file("lie-gz.nrrd"),
                             nrrdFile("type: uint8\ndimension: 3\nsizes: 10000 10000 10000\n"
                                      "encoding: gzip\n",
                                      std::string(64, '\x07')));
        REQUIRE_THAT(test::formatErrorOf([&] { readVolume(dir.file("lie-gz.nrrd")); }),
                     Contains("compressed"));
        // Attached data shorter than the sizes say, by a single byte.
        test::writeFileBytes(dir.file("short.nrrd"),
                             nrrdFile("type: uint8\ndimension: 3\nsizes: 4 4 4\nencoding: raw\n",
                                      std::string(63, '\x07')));
        REQUIRE_THAT(test::formatErrorOf([&] { readVolume(dir.file("short.nrrd")); }),
                     Contains("holds only 63 bytes"));
        setMemoryLimitOverride(std::nullopt);
    }
    SECTION("NIfTI orientations that would hang ITK's SVD are refused") {
        writeVolume(dir.file("ok.nii"), v);
        const std::string good = readWholeFile(dir.file("ok.nii"));
        REQUIRE(good.substr(254, 2) != std::string(2, '\0')); // sform_code is set
        std::string huge = good;
        const float enormous = 2.4656917e38f;          // from a damaged file that hung ITK
        std::memcpy(&huge[280 + 5 * 4], &enormous, 4); // srow_y[1]
        test::writeFileBytes(dir.file("huge.nii"), huge);
        REQUIRE_THAT(test::formatErrorOf([&] { readVolume(dir.file("huge.nii")); }),
                     Contains("orientation"));
        std::string nan = good;
        const float notANumber = std::nanf("");
        std::memcpy(&nan[76 + 4], &notANumber, 4); // pixdim[1]
        test::writeFileBytes(dir.file("nan.nii"), nan);
        REQUIRE_THAT(test::formatErrorOf([&] { readVolumeInfo(dir.file("nan.nii")); }),
                     Contains("orientation"));
    }
    SECTION("a MetaImage header that would make MetaIO write past its arrays") {
        const std::string tail =
            "ElementType = MET_UCHAR\nElementDataFile = LOCAL\n" + std::string(105, '\0');
        test::writeFileBytes(dir.file("axes.mha"),
                             "ObjectType = Image\nNDims = 1\nDimSize = 7 5 3\n" + tail);
        REQUIRE_THAT(test::formatErrorOf([&] { readVolume(dir.file("axes.mha")); }),
                     Contains("DimSize has 3 values for 1 dimensions"));
        test::writeFileBytes(dir.file("twice.mha"),
                             "ObjectType = Image\nNDims = 3\nDimSize = 7 5 3\nNDims = 1\n" + tail);
        REQUIRE_THAT(test::formatErrorOf([&] { readVolume(dir.file("twice.mha")); }),
                     Contains("gives the field 'NDims' twice"));
        // Spaces between values do not count as values.
        test::writeFileBytes(dir.file("spaced.mha"),
                             "ObjectType = Image\nNDims = 3\nDimSize =  7   5  3 \n" + tail);
        CHECK(readVolume(dir.file("spaced.mha")).shape() == Shape3{3, 5, 7});
    }
    SECTION("garbage under every extension") {
        std::string garbage(3000, '\0');
        for (std::size_t i = 0; i < garbage.size(); ++i)
            garbage[i] = static_cast<char>((i * 7919 + 13) % 251);
        for (const auto& ext : kItkExtensions) {
            const std::string path = dir.file("garbage" + ext);
            test::writeFileBytes(path, garbage);
            INFO(path);
            REQUIRE_THAT(test::formatErrorOf([&] { readVolume(path); }),
                         Contains("not a readable"));
        }
        test::writeFileBytes(dir.file("empty.nrrd"), "");
        REQUIRE_THROWS_AS(readVolume(dir.file("empty.nrrd")), FormatError);
    }
    SECTION("colour, vector and 4D images are refused by name") {
        test::writeFileBytes(dir.file("rgb.mha"),
                             "ObjectType = Image\nNDims = 3\nDimSize = 2 2 1\n"
                             "ElementNumberOfChannels = 3\nElementType = MET_UCHAR\n"
                             "ElementDataFile = LOCAL\n" +
                                 std::string(12, '\x10'));
        REQUIRE_THAT(test::formatErrorOf([&] { readVolume(dir.file("rgb.mha")); }),
                     Contains("3 values per voxel"));
        test::writeFileBytes(dir.file("time.nrrd"),
                             nrrdFile("type: uint8\ndimension: 4\nsizes: 2 2 2 3\nencoding: raw\n",
                                      std::string(24, '\x01')));
        REQUIRE_THAT(test::formatErrorOf([&] { readVolume(dir.file("time.nrrd")); }),
                     Contains("only 2D and 3D"));
    }
}

TEST_CASE("volumes split over several files are read whole or refused, never filled in",
          "[itk][malformed]") {
    // ITK's MetaIO skips a slice file it cannot open and leaves those voxels as they
    // were; a damaged list once corrupted its memory. Every piece is checked first.
    test::ScratchDir dir("itk-pieces");
    std::string voxels;
    for (int z = 0; z < 3; ++z) {
        std::string slice;
        for (int i = 0; i < 35; ++i)
            slice += static_cast<char>(z * 40 + i);
        test::writeFileBytes(dir.file("s" + std::to_string(z) + ".raw"), slice);
        test::writeFileBytes(dir.file("p00" + std::to_string(z) + ".raw"), slice);
        voxels += slice;
    }
    test::writeFileBytes(dir.file("short.raw"), std::string(10, '\1'));
    auto metaImage = [&](const std::string& name, const std::string& dataFile,
                         const std::string& after, const std::string& dimSize = "7 5 3") {
        test::writeFileBytes(dir.file(name), "ObjectType = Image\nNDims = 3\nBinaryData = True\n"
                                             "CompressedData = False\nDimSize = " +
                                                 dimSize +
                                                 "\nElementType = MET_UCHAR\n"
                                                 "ElementDataFile = " +
                                                 dataFile + "\n" + after);
        return dir.file(name);
    };
    const Volume whole = readVolume(metaImage("whole.mha", "LOCAL", voxels));
    REQUIRE(whole.shape() == Shape3{3, 5, 7});
    const std::string list = "s0.raw\ns1.raw\ns2.raw\n";
    test::requireSameVoxels(whole, readVolume(metaImage("list.mhd", "LIST", list)));
    test::requireSameVoxels(whole, readVolume(metaImage("list2.mhd", "LIST 2", list)));
    test::requireSameVoxels(whole, readVolume(metaImage("pattern.mhd", "p%03d.raw 0 2 1", "")));
    test::writeFileBytes(dir.file("list.nhdr"), nrrdFile("type: uint8\ndimension: 3\nsizes: 7 5 3"
                                                         "\nencoding: raw\ndata file: LIST",
                                                         list));
    test::requireSameVoxels(whole, readVolume(dir.file("list.nhdr")));

    struct Refused {
        std::string file, dataFile, after, dimSize, reason;
    };
    const std::vector<Refused> refused = {
        {"few.mhd", "LIST", "s0.raw\n", "7 5 3", "lists 1 data files but DimSize needs 3"},
        {"missing.mhd", "LIST", "s0.raw\nlost.raw\ns2.raw\n", "7 5 3", "lost.raw"},
        {"short.mhd", "LIST", "s0.raw\nshort.raw\ns2.raw\n", "7 5 3", "file 2 of 3"},
        {"gap.mhd", "LIST", "s0.raw\n\ns2.raw\n", "7 5 3", "line 2 of the list"},
        {"word.mhd", "LISTING", list, "7 5 3", "neither a file name nor LIST"},
        {"negative.mhd", "LIST -1", list, "7 5 3", "neither a file name nor LIST"},
        {"hole.mhd", "p%03d.raw 0 3 1", "", "7 5 4", "p003.raw"},
        {"fewslices.mhd", "p%03d.raw 0 1 1", "", "7 5 3",
         "names 2 slice files but DimSize needs 3"},
        {"nostep.mhd", "p%03d.raw 0 2", "", "7 5 3", "MIN MAX STEP"},
    };
    for (const Refused& r : refused) {
        INFO(r.file);
        const std::string path = metaImage(r.file, r.dataFile, r.after, r.dimSize);
        REQUIRE_THAT(test::formatErrorOf([&] { readVolume(path); }), Contains(r.reason));
        REQUIRE_THROWS_AS(readVolumeInfo(path), FormatError);
    }
}

TEST_CASE("NRRD and MetaImage files cut to half their bytes are refused, raw or compressed",
          "[itk][malformed]") {
    test::ScratchDir dir("itk-half");
    // Noise, so that the compressed data is about as long as the voxels and half the
    // file cuts into it, not into the header.
    const Volume v =
        test::noisyImage({16, 32, 40}, 7, 8, [](auto, auto, auto, int n) { return n; });
    const std::string needed = "20480 bytes"; // 16 x 32 x 40 uint8
    struct Case {
        std::string header;      // what is written and read
        std::string compression; // "raw" or "gzip"
    };
    const std::vector<Case> cases = {{"raw.nrrd", "raw"}, {"gz.nrrd", "gzip"}, {"raw.nhdr", "raw"},
                                     {"gz.nhdr", "gzip"}, {"raw.mha", "raw"},  {"gz.mha", "gzip"},
                                     {"raw.mhd", "raw"},  {"gz.mhd", "gzip"}};
    for (const Case& c : cases) {
        const fs::path folder = dir.path() / (c.header + "-dir");
        fs::create_directories(folder);
        const std::string header = (folder / c.header).string();
        WriteOptions options;
        options.compression = c.compression;
        writeVolume(header, v, options);
        // The whole file reads back voxel for voxel.
        test::requireSameVoxels(v, readVolume(header));
        // A detached header keeps its voxels in the one other file of the folder.
        fs::path data = header;
        for (const auto& name : folderEntries(folder))
            if (name != c.header)
                data = folder / name;
        const std::string bytes = readWholeFile(data);
        test::writeFileBytes(data, bytes.substr(0, bytes.size() / 2));
        INFO(c.header << ", " << c.compression << ", cut " << data.filename());
        const std::string error = test::formatErrorOf([&] { readVolume(header); });
        REQUIRE_THAT(error, Contains(header));
        if (data != fs::path(header))
            REQUIRE_THAT(error, Contains(data.filename().string()));
        if (c.compression == "raw") {
            // The header's promise against the file size: refused before any reading.
            REQUIRE_THAT(error, Contains("holds only"));
            REQUIRE_THROWS_AS(readVolumeInfo(header), FormatError);
        } else {
            REQUIRE_THAT(error, Contains("truncated"));
            REQUIRE_THAT(error, Contains(needed));
            REQUIRE_THAT(error, Contains("decompresses to only"));
        }
        // A region read must not fill in what is missing either.
        ReadOptions corner;
        corner.region = Box3{{0, 0, 0}, {1, 1, 1}};
        REQUIRE_THROWS_AS(readVolume(header, corner), FormatError);
    }
}

TEST_CASE("compressed NRRD and MetaImage data damaged in the middle is refused",
          "[itk][malformed]") {
    test::ScratchDir dir("itk-damaged");
    // Noise: zlib stores it in uncompressed blocks, where only the stream's check value
    // (Adler-32, CRC-32 for gzip) shows the damage.
    const Volume v =
        test::noisyImage({16, 32, 40}, 11, 8, [](auto, auto, auto, int n) { return n; });
    WriteOptions gzip;
    gzip.compression = "gzip";
    for (const std::string name : {"bad.mha", "bad.nrrd"}) {
        const std::string file = dir.file(name);
        writeVolume(file, v, gzip);
        std::string bytes = readWholeFile(file);
        for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64; ++i)
            bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
        test::writeFileBytes(file, bytes);
        INFO(name);
        const std::string error = test::formatErrorOf([&] { readVolume(file); });
        REQUIRE_THAT(error, Contains(file));
        REQUIRE_THAT(error, Contains("damaged"));
    }
}

TEST_CASE("the ITK format is registered for its extensions", "[itk]") {
    const auto format = PluginRegistry::instance().formatByName("itk");
    REQUIRE(format);
    REQUIRE(format->extensions() ==
            std::vector<std::string>{".nrrd", ".nhdr", ".mha", ".mhd", ".nii", ".nii.gz"});
    REQUIRE_THAT(format->description(), Contains("NRRD"));
    REQUIRE_THAT(format->description(), Contains("MetaImage"));
    REQUIRE_THAT(format->description(), Contains("NIfTI"));
}
