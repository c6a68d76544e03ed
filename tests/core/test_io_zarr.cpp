// Zarr v2, OME-Zarr and N5: round trips of every type and compression, region
// reads, the exact bytes other tools expect, and malformed containers crafted by
// hand, each of which must give a FormatError that says what is wrong.
#include "TestPaths.h"
#include "VolumeTestSupport.h"

#include "core/io/VolumeIO.h"
#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

using namespace cisterna;
using cisterna::test::MemoryLimit;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

// Distinct values almost everywhere, so misplaced voxels show.
void writeText(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
}

void writeBytes(const fs::path& file, const std::vector<unsigned char>& bytes) {
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

std::vector<unsigned char> readBytes(const fs::path& file) {
    const std::string s = readWholeFile(file);
    return {s.begin(), s.end()};
}

Json readJson(const fs::path& file) {
    return Json::parse(readWholeFile(file));
}

// Runs `f`, which must throw a FormatError whose message holds every one of `parts`.
template <class F> void requireFormatError(F&& f, std::initializer_list<std::string> parts) {
    try {
        f();
    } catch (const FormatError& e) {
        const std::string message = e.what();
        INFO("message: " << message);
        for (const auto& part : parts)
            CHECK(message.find(part) != std::string::npos);
        return;
    }
    FAIL("no FormatError was thrown");
}

const char* kPlainZarray = R"({"zarr_format": 2, "shape": [2, 3, 4], "chunks": [2, 3, 4],
    "dtype": "|u1", "order": "C", "fill_value": 0, "compressor": null, "filters": null})";

} // namespace

TEST_CASE("zarr round trips every type and compression with edge chunks", "[zarr]") {
    test::ScratchDir dir("zarr-roundtrip");
    const Shape3 shape{17, 33, 70};
    for (DataType type : {DataType::UInt8, DataType::UInt16, DataType::Float32})
        for (const char* compression : {"raw", "zlib", "gzip", "blosc", "default"}) {
            INFO(toString(type) << " " << compression);
            Volume v = test::patternVolume(type, shape);
            v.setVoxelSize({40, 8, 6});
            v.setOrigin({400, 80, -12});
            WriteOptions options;
            options.compression = compression;
            options.chunkShape = Shape3{8, 16, 32};
            const std::string path =
                dir.file(std::string(toString(type)) + "-" + compression + ".zarr");
            writeVolume(path, v, options);

            const VolumeInfo info = readVolumeInfo(path);
            REQUIRE(info.format == "zarr");
            REQUIRE(info.dataType == type);
            REQUIRE(info.shape == shape);
            REQUIRE(info.chunkShape == Shape3{8, 16, 32});
            REQUIRE(info.compression ==
                    (std::string(compression) == "default" ? "blosc" : compression));
            REQUIRE(info.hasVoxelSize);
            REQUIRE(info.voxelSize == Vec3d{40, 8, 6});
            REQUIRE(info.origin == Vec3d{400, 80, -12});

            const Volume back = readVolume(path);
            test::requireSameVoxels(back, v);
            REQUIRE(back.hasVoxelSize());
            REQUIRE(back.voxelSize() == Vec3d{40, 8, 6});
            REQUIRE(back.origin() == Vec3d{400, 80, -12});
            // 3 x 3 x 3 chunks, edge ones included, all written full size.
            REQUIRE(fs::exists(fs::path(path) / "2.2.2"));
        }
}

TEST_CASE("n5 round trips every type and compression with cropped edge blocks", "[zarr][n5]") {
    test::ScratchDir dir("n5-roundtrip");
    const Shape3 shape{17, 33, 70};
    for (DataType type : {DataType::UInt8, DataType::UInt16, DataType::Float32})
        for (const char* compression : {"raw", "zlib", "gzip", "blosc", "default"}) {
            INFO(toString(type) << " " << compression);
            Volume v = test::patternVolume(type, shape);
            v.setVoxelSize({30, 5, 4});
            v.setOrigin({60, 10, 8});
            WriteOptions options;
            options.compression = compression;
            options.chunkShape = Shape3{8, 16, 32};
            const std::string container =
                dir.file(std::string(toString(type)) + "-" + compression + ".n5");
            const std::string path = container + "/em/raw";
            writeVolume(path, v, options);

            const VolumeInfo info = readVolumeInfo(path);
            REQUIRE(info.format == "n5");
            REQUIRE(info.dataType == type);
            REQUIRE(info.shape == shape);
            REQUIRE(info.chunkShape == Shape3{8, 16, 32});
            REQUIRE(info.compression ==
                    (std::string(compression) == "default" ? "gzip" : compression));
            REQUIRE(info.voxelSize == Vec3d{30, 5, 4});
            REQUIRE(info.origin == Vec3d{60, 10, 8});

            const Volume back = readVolume(path);
            test::requireSameVoxels(back, v);
            REQUIRE(back.voxelSize() == Vec3d{30, 5, 4});
            REQUIRE(back.origin() == Vec3d{60, 10, 8});
            REQUIRE(readJson(fs::path(container) / "attributes.json").contains("n5"));
        }
}

TEST_CASE("n5 attributes list x first and carry resolution and pixelResolution", "[zarr][n5]") {
    test::ScratchDir dir("n5-attrs");
    Volume v = test::patternVolume(DataType::UInt8, {3, 5, 7});
    v.setVoxelSize({50, 4, 2});
    writeVolume(dir.file("a.n5"), v); // a dataset at the container's root
    const Json attrs = readJson(dir.path() / "a.n5" / "attributes.json");
    REQUIRE(attrs["dimensions"] == Json({7, 5, 3}));
    REQUIRE(attrs["blockSize"] == Json({7, 5, 3}));
    REQUIRE(attrs["dataType"] == "uint8");
    REQUIRE(attrs["compression"]["type"] == "gzip");
    REQUIRE(attrs["resolution"] == Json({2.0, 4.0, 50.0}));
    REQUIRE(attrs["pixelResolution"]["dimensions"] == Json({2.0, 4.0, 50.0}));
    REQUIRE(attrs["pixelResolution"]["unit"] == "nm");
    test::requireSameVoxels(readVolume(dir.file("a.n5")), v);

    // pixelResolution in micrometres, written by another tool, converts to nm.
    Json other = attrs;
    other.erase("resolution");
    other["pixelResolution"] = {{"dimensions", {0.002, 0.004, 0.05}}, {"unit", "um"}};
    writeText(dir.path() / "a.n5" / "attributes.json", other.dump());
    const VolumeInfo info = readVolumeInfo(dir.file("a.n5"));
    REQUIRE(info.hasVoxelSize);
    REQUIRE(info.voxelSize.z == Approx(50));
    REQUIRE(info.voxelSize.y == Approx(4));
    REQUIRE(info.voxelSize.x == Approx(2));
}

TEST_CASE("volumes without a voxel size stay without one", "[zarr]") {
    test::ScratchDir dir("zarr-novoxel");
    const Volume v = test::patternVolume(DataType::UInt16, {4, 5, 6});
    REQUIRE_FALSE(v.hasVoxelSize());
    for (const char* name : {"a.zarr", "b.ome.zarr", "c.n5/raw"}) {
        INFO(name);
        writeVolume(dir.file(name), v);
        const Volume back = readVolume(dir.file(name));
        test::requireSameVoxels(back, v);
        REQUIRE_FALSE(back.hasVoxelSize());
        REQUIRE_FALSE(readVolumeInfo(dir.file(name)).hasVoxelSize);
    }
}

TEST_CASE("a cropped, non-contiguous volume is written as its crop", "[zarr][n5]") {
    test::ScratchDir dir("zarr-crop");
    Volume big = test::patternVolume(DataType::UInt16, {12, 20, 30});
    big.setVoxelSize({10, 2, 2});
    const Volume crop = big.crop({{3, 5, 7}, {6, 9, 17}});
    REQUIRE_FALSE(crop.isContiguous());
    WriteOptions options;
    options.chunkShape = Shape3{4, 4, 8};
    for (const char* name : {"crop.zarr", "crop.ome.zarr", "crop.n5/c"}) {
        INFO(name);
        writeVolume(dir.file(name), crop, options);
        const Volume back = readVolume(dir.file(name));
        test::requireSameVoxels(back, crop.clone());
        REQUIRE(back.origin() == Vec3d{30, 10, 14});
    }
}

TEST_CASE("region reads equal crops of full reads and open only the chunks they touch",
          "[zarr][n5]") {
    test::ScratchDir dir("zarr-region");
    Volume v = test::patternVolume(DataType::Float32, {17, 33, 70});
    v.setVoxelSize({40, 8, 8});
    v.setOrigin({0, 16, 0});
    WriteOptions options;
    options.chunkShape = Shape3{8, 16, 32};
    const std::string zarrPath = dir.file("r.zarr"), n5Path = dir.file("r.n5/raw");
    writeVolume(zarrPath, v, options);
    writeVolume(n5Path, v, options);
    const std::vector<Box3> regions = {{{0, 0, 0}, {17, 33, 70}}, {{3, 5, 30}, {6, 20, 10}},
                                       {{16, 32, 69}, {1, 1, 1}}, {{7, 15, 31}, {2, 2, 2}},
                                       {{8, 16, 64}, {9, 17, 6}}, {{0, 0, 0}, {1, 33, 70}}};
    for (const std::string& path : {zarrPath, n5Path}) {
        const Volume full = readVolume(path);
        for (const Box3& box : regions) {
            INFO(path << " region " << toString(box));
            ReadOptions ro;
            ro.region = box;
            const Volume part = readVolume(path, ro);
            test::requireSameVoxels(part, full.crop(box).clone());
            REQUIRE(part.origin() == full.crop(box).origin());
            REQUIRE(part.voxelSize() == Vec3d{40, 8, 8});
        }
        ReadOptions outside;
        outside.region = Box3{{10, 0, 0}, {10, 1, 1}};
        requireFormatError([&] { readVolume(path, outside); }, {"region", "outside"});
    }
    // Damage a chunk far from the region: the region read never opens it.
    writeText(fs::path(zarrPath) / "2.2.2", "garbage");
    writeText(fs::path(n5Path) / "2" / "2" / "2", "garbage");
    for (const std::string& path : {zarrPath, n5Path}) {
        INFO(path);
        ReadOptions ro;
        ro.region = Box3{{0, 0, 0}, {8, 16, 32}};
        REQUIRE_NOTHROW(readVolume(path, ro));
        REQUIRE_THROWS_AS(readVolume(path), FormatError);
    }
}

TEST_CASE("a raw zarr chunk holds exactly the bytes numpy expects", "[zarr]") {
    test::ScratchDir dir("zarr-bytes");
    const Volume v = test::patternVolume(DataType::UInt16, {3, 5, 6});
    WriteOptions options;
    options.compression = "raw";
    options.chunkShape = Shape3{2, 3, 4};
    const fs::path root = dir.path() / "b.zarr";
    writeVolume(root.string(), v, options);

    const Json meta = readJson(root / ".zarray");
    REQUIRE(meta["zarr_format"] == 2);
    REQUIRE(meta["shape"] == Json({3, 5, 6}));
    REQUIRE(meta["chunks"] == Json({2, 3, 4}));
    REQUIRE(meta["dtype"] == "<u2");
    REQUIRE(meta["order"] == "C");
    REQUIRE(meta["compressor"].is_null());
    REQUIRE(meta["filters"].is_null());
    REQUIRE(meta["fill_value"] == 0);
    REQUIRE(meta["dimension_separator"] == ".");

    // Compressed chunks carry the headers numcodecs checks: zlib, gzip, blosc.
    for (const char* compression : {"zlib", "gzip", "blosc"}) {
        INFO(compression);
        options.compression = compression;
        const fs::path c = dir.path() / (std::string(compression) + ".zarr");
        writeVolume(c.string(), v, options);
        const auto chunk = readBytes(c / "0.0.0");
        REQUIRE(chunk.size() >= 16);
        if (std::string(compression) == "zlib")
            REQUIRE((chunk[0] == 0x78 && (chunk[0] * 256 + chunk[1]) % 31 == 0));
        else if (std::string(compression) == "gzip")
            REQUIRE((chunk[0] == 0x1f && chunk[1] == 0x8b));
        else {
            REQUIRE(chunk[3] == 2); // type size of uint16
            const std::uint32_t nbytes = chunk[4] | chunk[5] << 8 | chunk[6] << 16 | chunk[7] << 24;
            const std::uint32_t cbytes =
                chunk[12] | chunk[13] << 8 | chunk[14] << 16 | std::uint32_t(chunk[15]) << 24;
            REQUIRE(nbytes == 2 * 3 * 4 * 2);
            REQUIRE(cbytes == chunk.size());
        }
        REQUIRE(readJson(c / ".zarray")["compressor"]["id"] == compression);
    }

    // Chunk (1, 1, 1) starts at voxel (2, 3, 4) and is padded to 2 x 3 x 4 with zeros.
    const auto bytes = readBytes(root / "1.1.1");
    REQUIRE(bytes.size() == 2 * 3 * 4 * 2);
    const auto view = v.view<std::uint16_t>();
    for (int z = 0; z < 2; ++z)
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 4; ++x) {
                const std::size_t at = std::size_t(((z * 3 + y) * 4 + x) * 2);
                const bool inside = 2 + z < 3 && 3 + y < 5 && 4 + x < 6;
                const unsigned value = inside ? view(2 + z, 3 + y, 4 + x) : 0;
                INFO("chunk element " << z << "," << y << "," << x);
                REQUIRE(bytes[at] == (value & 0xFF)); // little-endian
                REQUIRE(bytes[at + 1] == (value >> 8));
            }
}

TEST_CASE("an n5 block has the big-endian header and cropped big-endian data", "[zarr][n5]") {
    test::ScratchDir dir("n5-bytes");
    const Volume v = test::patternVolume(DataType::UInt16, {3, 5, 6});
    WriteOptions options;
    options.compression = "raw";
    options.chunkShape = Shape3{2, 3, 4};
    const fs::path root = dir.path() / "b.n5";
    writeVolume((root / "data").string(), v, options);
    // Grid index (x=1, y=1, z=1): voxels z 2:3, y 3:5, x 4:6, i.e. 2 x 2 x 1 (x, y, z).
    const auto bytes = readBytes(root / "data" / "1" / "1" / "1");
    const std::vector<unsigned char> header = {0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1};
    REQUIRE(bytes.size() == header.size() + 2 * 2 * 1 * 2);
    REQUIRE(std::equal(header.begin(), header.end(), bytes.begin()));
    const auto view = v.view<std::uint16_t>();
    std::size_t at = header.size();
    for (int y = 3; y < 5; ++y)
        for (int x = 4; x < 6; ++x, at += 2) {
            const unsigned value = view(2, y, x);
            REQUIRE(bytes[at] == (value >> 8)); // big-endian
            REQUIRE(bytes[at + 1] == (value & 0xFF));
        }
}

TEST_CASE("ome-zarr writes a valid NGFF 0.4 image with level 0", "[zarr][ome]") {
    test::ScratchDir dir("ome-write");
    Volume v = test::patternVolume(DataType::UInt8, {5, 9, 11});
    v.setVoxelSize({30, 4, 4});
    v.setOrigin({90, 8, 0});
    WriteOptions options;
    options.chunkShape = Shape3{4, 4, 4};
    const fs::path root = dir.path() / "cells.ome.zarr";
    writeVolume(root.string(), v, options);

    REQUIRE(readJson(root / ".zgroup")["zarr_format"] == 2);
    const Json ms = readJson(root / ".zattrs")["multiscales"][0];
    REQUIRE(ms["version"] == "0.4");
    REQUIRE(ms["name"] == "cells");
    REQUIRE(ms["axes"].size() == 3);
    for (int i = 0; i < 3; ++i) {
        REQUIRE(ms["axes"][i]["name"] == std::string(1, "zyx"[i]));
        REQUIRE(ms["axes"][i]["type"] == "space");
        REQUIRE(ms["axes"][i]["unit"] == "nanometer");
    }
    const Json& level = ms["datasets"][0];
    REQUIRE(level["path"] == "0");
    REQUIRE(level["coordinateTransformations"][0]["type"] == "scale");
    REQUIRE(level["coordinateTransformations"][0]["scale"] == Json({30.0, 4.0, 4.0}));
    REQUIRE(level["coordinateTransformations"][1]["type"] == "translation");
    REQUIRE(level["coordinateTransformations"][1]["translation"] == Json({90.0, 8.0, 0.0}));
    const Json array = readJson(root / "0" / ".zarray");
    REQUIRE(array["shape"] == Json({5, 9, 11}));
    REQUIRE(array["dimension_separator"] == "/");
    REQUIRE(fs::is_regular_file(root / "0" / "1" / "2" / "2")); // nested chunk keys

    const VolumeInfo info = readVolumeInfo(root.string());
    REQUIRE(info.shape == Shape3{5, 9, 11});
    REQUIRE(info.voxelSize == Vec3d{30, 4, 4});
    REQUIRE(info.origin == Vec3d{90, 8, 0});
    REQUIRE(info.details.size() == 2); // the image, and its one level
    const Volume back = readVolume(root.string());
    test::requireSameVoxels(back, v);
    REQUIRE(back.voxelSize() == Vec3d{30, 4, 4});
    REQUIRE(back.origin() == Vec3d{90, 8, 0});

    // Writing over the level itself keeps it an array the image still points at.
    const Volume replaced =
        test::patternVolume(DataType::UInt8, {5, 9, 11}).crop({{1, 1, 1}, {4, 8, 10}});
    writeVolume((root / "0").string(), replaced);
    REQUIRE(fs::is_regular_file(root / "0" / ".zarray"));
    test::requireSameVoxels(readVolume(root.string()), replaced.clone());
    REQUIRE(readVolume(root.string()).voxelSize() == Vec3d{30, 4, 4});

    // An image inside a plain container: a group with its own multiscales.
    writeVolume((dir.path() / "more.ome.zarr" / "images" / "em").string(), v);
    REQUIRE(readJson(dir.path() / "more.ome.zarr" / "images" / "em" /
                     ".zattrs")["multiscales"][0]["name"] == "em");
    test::requireSameVoxels(readVolume((dir.path() / "more.ome.zarr" / "images" / "em").string()),
                            v);
}

TEST_CASE("ome-zarr info lists every level and each level opens on its own", "[zarr][ome]") {
    test::ScratchDir dir("ome-levels");
    const fs::path root = dir.path() / "pyramid.zarr";
    const Volume level0 = test::patternVolume(DataType::UInt16, {8, 20, 30});
    const Volume level1 = test::patternVolume(DataType::UInt16, {8, 10, 15});
    writeVolume((root / "0").string(), level0);
    writeVolume((root / "1").string(), level1);
    writeText(root / ".zattrs", R"({"multiscales": [{
        "version": "0.4", "name": "pyramid",
        "axes": [{"name": "z", "type": "space", "unit": "micrometer"},
                 {"name": "y", "type": "space", "unit": "micrometer"},
                 {"name": "x", "type": "space", "unit": "angstrom"}],
        "datasets": [
          {"path": "0", "coordinateTransformations": [
              {"type": "scale", "scale": [0.04, 0.008, 80]},
              {"type": "translation", "translation": [1, 0, 0]}]},
          {"path": "1", "coordinateTransformations": [
              {"type": "scale", "scale": [0.04, 0.016, 160]},
              {"type": "translation", "translation": [1, 0.004, 40]}]}]}]})");

    const VolumeInfo info = readVolumeInfo(root.string());
    REQUIRE(info.shape == Shape3{8, 20, 30});
    REQUIRE(info.hasVoxelSize);
    REQUIRE(info.voxelSize.z == Approx(40));
    REQUIRE(info.voxelSize.y == Approx(8));
    REQUIRE(info.voxelSize.x == Approx(8));
    REQUIRE(info.origin.z == Approx(1000));
    REQUIRE(info.details.size() == 3);
    REQUIRE(info.details[1].find("\"0\"") != std::string::npos);
    REQUIRE(info.details[1].find("8 x 20 x 30") != std::string::npos);
    REQUIRE(info.details[2].find("\"1\"") != std::string::npos);
    REQUIRE(info.details[2].find("8 x 10 x 15") != std::string::npos);
    REQUIRE(info.details[2].find("(40, 16, 16)") != std::string::npos);
    test::requireSameVoxels(readVolume(root.string()), level0);

    // A level opened directly takes its voxel size from the multiscales metadata.
    const Volume one = readVolume((root / "1").string());
    test::requireSameVoxels(one, level1);
    REQUIRE(one.voxelSize().y == Approx(16));
    REQUIRE(one.voxelSize().x == Approx(16));
    REQUIRE(one.origin().y == Approx(4));
    REQUIRE(one.origin().x == Approx(4));
    const VolumeInfo oneInfo = readVolumeInfo((root / "1").string());
    REQUIRE(oneInfo.details.size() == 3);
    REQUIRE(oneInfo.details[2].find("<- read") != std::string::npos);
}

TEST_CASE("writing an array inside a container keeps its other arrays", "[zarr][n5]") {
    test::ScratchDir dir("zarr-inner");
    const Volume raw = test::patternVolume(DataType::UInt8, {4, 6, 8});
    Volume labels = test::patternVolume(DataType::UInt16, {4, 6, 8});
    labels.setVoxelSize({20, 5, 5});
    for (const char* container : {"c.zarr", "c.n5"}) {
        INFO(container);
        const fs::path root = dir.path() / container;
        writeVolume((root / "volumes" / "raw").string(), raw);
        writeVolume((root / "volumes" / "labels" / "mito").string(), labels);
        test::requireSameVoxels(readVolume((root / "volumes" / "raw").string()), raw);
        const Volume back = readVolume((root / "volumes" / "labels" / "mito").string());
        test::requireSameVoxels(back, labels);
        REQUIRE(back.voxelSize() == Vec3d{20, 5, 5});
        // Replacing one array leaves its sibling alone.
        const Volume raw2 = test::patternVolume(DataType::Float32, {2, 3, 4});
        writeVolume((root / "volumes" / "raw").string(), raw2);
        test::requireSameVoxels(readVolume((root / "volumes" / "raw").string()), raw2);
        test::requireSameVoxels(readVolume((root / "volumes" / "labels" / "mito").string()),
                                labels);
        // No temporary folders are left behind.
        for (const auto& entry : fs::recursive_directory_iterator(root))
            REQUIRE(entry.path().filename().string().find(".tmp-") == std::string::npos);
        // A group is not silently replaced by an array.
        requireFormatError([&] { writeVolume((root / "volumes").string(), raw); },
                           {"nothing was written"});
        test::requireSameVoxels(readVolume((root / "volumes" / "raw").string()), raw2);
        // Opening a group names what it holds.
        requireFormatError([&] { readVolume((root / "volumes").string()); }, {"group", "raw"});
    }
    REQUIRE(fs::is_regular_file(dir.path() / "c.zarr" / ".zgroup"));
    REQUIRE(fs::is_regular_file(dir.path() / "c.zarr" / "volumes" / ".zgroup"));
}

TEST_CASE("a failed write leaves the existing container untouched", "[zarr][n5]") {
    test::ScratchDir dir("zarr-atomic");
    const Volume v = test::patternVolume(DataType::UInt8, {3, 4, 5});
    const Volume big = test::patternVolume(DataType::Float32, {8, 8, 8}); // 2 KiB chunks
    for (const char* name : {"a.zarr", "a.ome.zarr", "a.n5", "b.zarr/in/side", "b.n5/in/side"}) {
        INFO(name);
        writeVolume(dir.file(name), v);
        WriteOptions bad;
        bad.compression = "lzw";
        requireFormatError([&] { writeVolume(dir.file(name), big, bad); }, {"lzw"});
        WriteOptions badLevel;
        badLevel.compressionLevel = 12;
        REQUIRE_THROWS_AS(writeVolume(dir.file(name), big, badLevel), FormatError);
        {
            // Fails mid-write: the metadata is written, the chunk buffer is refused.
            const MemoryLimit limit(1024);
            REQUIRE_THROWS_AS(writeVolume(dir.file(name), big), MemoryBudgetError);
        }
        test::requireSameVoxels(readVolume(dir.file(name)), v);
    }
    for (const auto& entry : fs::recursive_directory_iterator(dir.path()))
        REQUIRE(entry.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("hand-written zarr arrays: big-endian, F order, 2D, nested keys, fill values", "[zarr]") {
    test::ScratchDir dir("zarr-foreign");
    const fs::path root = dir.path() / "f.zarr";

    // >u2, F order, chunk 2 x 2 x 2 of a 2 x 2 x 3 array; chunk (0,0,1) missing.
    writeText(root / "be" / ".zarray", R"({"zarr_format": 2, "shape": [2, 2, 3],
        "chunks": [2, 2, 2], "dtype": ">u2", "order": "F", "fill_value": 513,
        "compressor": null, "filters": [], "dimension_separator": "/"})");
    std::vector<unsigned char> chunk;
    // F order: z fastest. Element (z, y, x) holds 100*z + 10*y + x.
    for (int x = 0; x < 2; ++x)
        for (int y = 0; y < 2; ++y)
            for (int z = 0; z < 2; ++z) {
                const int value = 100 * z + 10 * y + x + 1000;
                chunk.push_back(std::uint8_t(value >> 8));
                chunk.push_back(std::uint8_t(value & 0xFF));
            }
    writeBytes(root / "be" / "0" / "0" / "0", chunk);
    const Volume be = readVolume((root / "be").string());
    REQUIRE(be.dataType() == DataType::UInt16);
    REQUIRE(be.shape() == Shape3{2, 2, 3});
    for (int z = 0; z < 2; ++z)
        for (int y = 0; y < 2; ++y) {
            REQUIRE(be.valueAt({z, y, 0}) == 100 * z + 10 * y + 1000);
            REQUIRE(be.valueAt({z, y, 1}) == 100 * z + 10 * y + 1001);
            REQUIRE(be.valueAt({z, y, 2}) == 513); // the missing chunk: fill value
        }

    // A 2D float array reads as one slice; NaN fill for its missing chunk;
    // COSEM-style "transform" gives the voxel size.
    writeText(root / "slice" / ".zarray", R"({"zarr_format": 2, "shape": [2, 4],
        "chunks": [2, 2], "dtype": "<f4", "order": "C", "fill_value": "NaN",
        "compressor": null, "filters": null})");
    writeText(root / "slice" / ".zattrs", R"({"transform": {"axes": ["y", "x"],
        "scale": [0.5, 0.25], "translate": [1, 2], "units": ["um", "um"]}})");
    std::vector<unsigned char> floats(16);
    const float values[4] = {1.5f, -2.0f, 3.25f, 1e6f};
    std::memcpy(floats.data(), values, 16);
    writeBytes(root / "slice" / "0.0", floats);
    const Volume slice = readVolume((root / "slice").string());
    REQUIRE(slice.shape() == Shape3{1, 2, 4});
    REQUIRE(slice.valueAt({0, 0, 0}) == 1.5);
    REQUIRE(slice.valueAt({0, 0, 1}) == -2.0);
    REQUIRE(slice.valueAt({0, 1, 0}) == 3.25);
    REQUIRE(slice.valueAt({0, 1, 1}) == 1e6);
    REQUIRE(std::isnan(slice.valueAt({0, 1, 3})));
    REQUIRE(slice.voxelSize().y == Approx(500));
    REQUIRE(slice.voxelSize().x == Approx(250));
    REQUIRE(slice.origin().x == Approx(2000));

    // Leading axes of extent 1 (t, c) are dropped.
    writeText(root / "tc" / ".zarray", R"({"zarr_format": 2, "shape": [1, 1, 2, 3, 4],
        "chunks": [1, 1, 2, 3, 4], "dtype": "|u1", "order": "C", "fill_value": 0,
        "compressor": null, "filters": null})");
    std::vector<unsigned char> ramp24(24);
    for (int i = 0; i < 24; ++i)
        ramp24[std::size_t(i)] = std::uint8_t(i);
    writeBytes(root / "tc" / "0.0.0.0.0", ramp24);
    const Volume tc = readVolume((root / "tc").string());
    REQUIRE(tc.shape() == Shape3{2, 3, 4});
    REQUIRE(tc.valueAt({1, 2, 3}) == 23);
    REQUIRE(tc.valueAt({1, 0, 1}) == 13);

    // funlib / incasem "resolution" and "offset", nm, (z, y, x).
    writeText(root / "plain" / ".zarray", kPlainZarray);
    writeText(root / "plain" / ".zattrs", R"({"resolution": [40, 4, 4], "offset": [80, 0, 8]})");
    const VolumeInfo plain = readVolumeInfo((root / "plain").string());
    REQUIRE(plain.hasVoxelSize);
    REQUIRE(plain.voxelSize == Vec3d{40, 4, 4});
    REQUIRE(plain.origin == Vec3d{80, 0, 8});
    REQUIRE(readVolume((root / "plain").string()).valueAt({1, 2, 3}) == 0); // all missing
}

TEST_CASE("n5 blocks written padded or in varlength mode are read", "[zarr][n5]") {
    test::ScratchDir dir("n5-foreign");
    const fs::path ds = dir.path() / "p.n5" / "d";
    writeText(ds / "attributes.json", R"({"dimensions": [3, 2, 1], "blockSize": [2, 2, 1],
        "dataType": "uint8", "compression": {"type": "raw"}})");
    // Block x=0: default mode, 2 x 2 x 1. Block x=1: the edge, padded to 2 x 2 x 1 in
    // varlength mode (as some writers do) although only 1 x 2 x 1 is inside.
    writeBytes(ds / "0" / "0" / "0", {0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 1, 2, 4, 5});
    writeBytes(ds / "1" / "0" / "0",
               {0, 1, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 4, 3, 99, 6, 99});
    const Volume v = readVolume(ds.string());
    REQUIRE(v.shape() == Shape3{1, 2, 3});
    REQUIRE(v.valueAt({0, 0, 0}) == 1);
    REQUIRE(v.valueAt({0, 0, 1}) == 2);
    REQUIRE(v.valueAt({0, 0, 2}) == 3);
    REQUIRE(v.valueAt({0, 1, 0}) == 4);
    REQUIRE(v.valueAt({0, 1, 1}) == 5);
    REQUIRE(v.valueAt({0, 1, 2}) == 6);
    REQUIRE_FALSE(v.hasVoxelSize());
}

TEST_CASE("malformed zarr metadata gives clear format errors", "[zarr][malformed]") {
    test::ScratchDir dir("zarr-bad-meta");
    const fs::path root = dir.path() / "bad.zarr";
    const auto array = [&](const std::string& name, const std::string& zarray) {
        writeText(root / name / ".zarray", zarray);
        return (root / name).string();
    };
    const auto meta = [](const std::string& replaceKey, const std::string& value) {
        Json j = Json::parse(kPlainZarray);
        j[replaceKey] = Json::parse(value);
        return j.dump();
    };
    fs::create_directories(root / "empty");
    requireFormatError([&] { readVolumeInfo((root / "empty").string()); }, {"no Zarr array"});
    requireFormatError([&] { readVolumeInfo((root / "missing").string()); },
                       {"no array or group", "missing"});
    requireFormatError([&] { readVolume(array("syntax", "{\"zarr_format\": 2, \"shape\": [")); },
                       {".zarray", "not valid JSON"});
    requireFormatError([&] { readVolume(array("list", "[1, 2]")); }, {".zarray", "object"});
    requireFormatError([&] { readVolume(array("noshape", R"({"zarr_format": 2})")); },
                       {"\"shape\""});
    requireFormatError([&] { readVolume(array("negative", meta("shape", "[2, -3, 4]"))); },
                       {"shape", "-3"});
    requireFormatError([&] { readVolume(array("text", meta("shape", "[2, \"3\", 4]"))); },
                       {"shape", "whole numbers"});
    requireFormatError([&] { readVolume(array("huge", meta("shape", "[2, 1e30, 4]"))); },
                       {"shape"});
    requireFormatError(
        [&] { readVolume(array("overflow", meta("shape", "[4000000000000000000, 4, 4]"))); },
        {"too large"});
    requireFormatError([&] { readVolume(array("zerochunk", meta("chunks", "[2, 0, 4]"))); },
                       {"chunks"});
    requireFormatError([&] { readVolume(array("rank", meta("chunks", "[2, 3]"))); },
                       {"chunk extents"});
    requireFormatError([&] { readVolume(array("i8", meta("dtype", "\"<i8\""))); },
                       {"<i8", "int64", "uint16"});
    requireFormatError([&] { readVolume(array("struct", meta("dtype", "[[\"a\", \"<u2\"]]"))); },
                       {"structured"});
    requireFormatError([&] { readVolume(array("zstd", meta("compressor", R"({"id": "zstd"})"))); },
                       {"zstd", "compressor"});
    requireFormatError(
        [&] { readVolume(array("filters", meta("filters", R"([{"id": "delta"}])"))); },
        {"filters", "delta"});
    requireFormatError([&] { readVolume(array("order", meta("order", "\"X\""))); }, {"order"});
    requireFormatError([&] { readVolume(array("fill", meta("fill_value", "300"))); },
                       {"fill_value", "300"});
    requireFormatError([&] { readVolume(array("v3", meta("zarr_format", "3"))); }, {"zarr_format"});
    requireFormatError(
        [&] {
            readVolume(array("4d", R"({"zarr_format": 2, "shape": [2, 2, 3, 4],
        "chunks": [1, 2, 3, 4], "dtype": "|u1", "order": "C", "fill_value": 0,
        "compressor": null, "filters": null})"));
        },
        {"extent 1"});
    requireFormatError(
        [&] {
            readVolume(array("1d", R"({"zarr_format": 2, "shape": [5],
        "chunks": [5], "dtype": "|u1", "order": "C", "fill_value": 0, "compressor": null,
        "filters": null})"));
        },
        {"1D"});
    requireFormatError([&] { readVolume(array("sep", meta("dimension_separator", "\"-\""))); },
                       {"dimension_separator"});
    writeText(root / "badattrs" / ".zattrs", R"({"resolution": [40, 0, 4]})");
    requireFormatError([&] { readVolume(array("badattrs", kPlainZarray)); },
                       {".zattrs", "positive"});
    writeText(root / "v3store" / "zarr.json", "{}");
    requireFormatError([&] { readVolume((root / "v3store").string()); }, {"version 3"});
    writeText(dir.path() / "file.zarr", "not a folder");
    requireFormatError([&] { readVolume(dir.file("file.zarr")); }, {"not a folder"});
}

TEST_CASE("malformed ome-zarr metadata gives clear format errors", "[zarr][ome][malformed]") {
    test::ScratchDir dir("ome-bad");
    const fs::path root = dir.path() / "img.ome.zarr";
    writeVolume(root.string(), test::patternVolume(DataType::UInt8, {2, 3, 4}));
    const auto withAttrs = [&](const std::string& attrs) {
        writeText(root / ".zattrs", attrs);
        return root.string();
    };
    requireFormatError([&] { readVolume(withAttrs(R"({"multiscales": {}})")); }, {"multiscales"});
    requireFormatError([&] { readVolume(withAttrs(R"({"multiscales": [{"datasets": []}]})")); },
                       {"no levels"});
    requireFormatError(
        [&] { readVolume(withAttrs(R"({"multiscales": [{"datasets": [{"path": "../x"}]}]})")); },
        {"path"});
    requireFormatError(
        [&] { readVolume(withAttrs(R"({"multiscales": [{"datasets": [{"path": "7"}]}]})")); },
        {"\"7\"", ".zarray"});
    requireFormatError(
        [&] {
            readVolume(withAttrs(R"({"multiscales": [{"axes": ["y", "x"],
            "datasets": [{"path": "0"}]}]})"));
        },
        {"2 axes"});
    requireFormatError(
        [&] {
            readVolume(withAttrs(R"({"multiscales": [{"axes": [
            {"name": "z", "unit": "nanometer"}, {"name": "y", "unit": "nanometer"},
            {"name": "x", "unit": "nanometer"}], "datasets": [{"path": "0",
            "coordinateTransformations": [{"type": "scale", "scale": [1, -2, 1]}]}]}]})"));
        },
        {"positive"});
    // Without length units the scale is in pixels: no voxel size, but it reads.
    const Volume v = readVolume(withAttrs(R"({"multiscales": [{"axes": ["z", "y", "x"],
        "datasets": [{"path": "0", "coordinateTransformations": [
        {"type": "scale", "scale": [3, 2, 1]}]}]}]})"));
    REQUIRE_FALSE(v.hasVoxelSize());
}

TEST_CASE("malformed zarr chunks give clear format errors", "[zarr][malformed]") {
    test::ScratchDir dir("zarr-bad-chunks");
    const Volume v = test::patternVolume(DataType::UInt16, {4, 4, 4});
    const auto written = [&](const std::string& name, const char* compression) {
        WriteOptions options;
        options.compression = compression;
        options.chunkShape = Shape3{2, 4, 4};
        writeVolume(dir.file(name), v, options);
        return dir.path() / name;
    };
    // A raw chunk shorter than the 2 x 4 x 4 uint16 it must hold.
    {
        const fs::path a = written("short.zarr", "raw");
        auto bytes = readBytes(a / "0.0.0");
        bytes.resize(40);
        writeBytes(a / "0.0.0", bytes);
        requireFormatError([&] { readVolume(a.string()); }, {"0.0.0", "40 bytes", "64 bytes"});
    }
    std::mt19937 random(7);
    std::vector<unsigned char> noise(200);
    for (auto& b : noise)
        b = std::uint8_t(random());
    for (const char* compression : {"zlib", "gzip", "blosc"}) {
        INFO(compression);
        const fs::path a = written(std::string("noise-") + compression + ".zarr", compression);
        writeBytes(a / "1.0.0", noise);
        requireFormatError([&] { readVolume(a.string()); }, {"1.0.0"});
        // Truncated compressed data.
        const fs::path b = written(std::string("cut-") + compression + ".zarr", compression);
        auto bytes = readBytes(b / "0.0.0");
        bytes.resize(bytes.size() / 2);
        writeBytes(b / "0.0.0", bytes);
        requireFormatError([&] { readVolume(b.string()); }, {"0.0.0"});
    }
    // A blosc header claiming more data than a chunk holds, or more compressed bytes
    // than the file has.
    {
        const fs::path a = written("bigblosc.zarr", "blosc");
        auto bytes = readBytes(a / "0.0.0");
        REQUIRE(bytes.size() >= 16);
        auto claims = bytes;
        claims[4] = 0x00, claims[5] = 0x00, claims[6] = 0x00, claims[7] = 0x10; // 256 MiB
        writeBytes(a / "0.0.0", claims);
        requireFormatError([&] { readVolume(a.string()); }, {"0.0.0", "blosc", "claims"});
        auto cbytes = bytes;
        cbytes[12] = 0xFF, cbytes[13] = 0xFF, cbytes[14] = 0x00, cbytes[15] = 0x00;
        writeBytes(a / "0.0.0", cbytes);
        requireFormatError([&] { readVolume(a.string()); }, {"0.0.0", "compressed"});
        writeBytes(a / "0.0.0", std::vector<unsigned char>(bytes.begin(), bytes.begin() + 10));
        requireFormatError([&] { readVolume(a.string()); }, {"too short"});
    }
    // zlib data that decompresses to more than one chunk.
    {
        const fs::path a = written("bigzlib.zarr", "zlib");
        Json meta = readJson(a / ".zarray");
        meta["chunks"] = {1, 4, 4};
        writeText(a / ".zarray", meta.dump());
        requireFormatError([&] { readVolume(a.string()); }, {"more than"});
    }
    // A lying chunk shape cannot make us allocate: the raw file size is checked first.
    {
        const fs::path a = written("liar.zarr", "raw");
        Json meta = readJson(a / ".zarray");
        meta["chunks"] = {100000, 100000, 100000};
        writeText(a / ".zarray", meta.dump());
        requireFormatError([&] { readVolume(a.string()); }, {"0.0.0", "expected"});
    }
}

TEST_CASE("a huge zarr array reads its header and regions but not in full", "[zarr][memory]") {
    test::ScratchDir dir("zarr-huge");
    const fs::path a = dir.path() / "huge.zarr";
    writeText(a / ".zarray", R"({"zarr_format": 2, "shape": [10000, 10000, 10000],
        "chunks": [100, 100, 100], "dtype": "<u2", "order": "C", "fill_value": 7,
        "compressor": {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1},
        "filters": null})");
    const MemoryLimit limit(std::uint64_t(256) << 20);
    const auto start = std::chrono::steady_clock::now();
    const VolumeInfo info = readVolumeInfo(a.string());
    REQUIRE(info.shape == Shape3{10000, 10000, 10000}); // 10^12 voxels
    REQUIRE_THROWS_AS(readVolume(a.string()), MemoryBudgetError);
    ReadOptions ro;
    ro.region = Box3{{5000, 5000, 5000}, {3, 4, 5}};
    const Volume part = readVolume(a.string(), ro);
    REQUIRE(part.shape() == Shape3{3, 4, 5});
    REQUIRE(part.valueAt({2, 3, 4}) == 7);
    REQUIRE(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("malformed n5 datasets give clear format errors", "[zarr][n5][malformed]") {
    test::ScratchDir dir("n5-bad");
    const fs::path root = dir.path() / "bad.n5";
    const Volume v = test::patternVolume(DataType::UInt8, {2, 3, 4});
    WriteOptions raw;
    raw.compression = "raw";
    raw.chunkShape = Shape3{2, 2, 2};
    writeVolume((root / "good").string(), v, raw);
    const auto dataset = [&](const std::string& name, const std::string& attrs) {
        writeText(root / name / "attributes.json", attrs);
        return (root / name).string();
    };
    const std::string base = R"("dimensions": [4, 3, 2], "blockSize": [2, 2, 2])";
    requireFormatError([&] { readVolume(dataset("syntax", "{\"dimensions\": [")); },
                       {"attributes.json", "not valid JSON"});
    requireFormatError(
        [&] { readVolume(dataset("int64", "{" + base + R"(, "dataType": "int64"})")); }, {"int64"});
    requireFormatError(
        [&] {
            readVolume(dataset(
                "xz", "{" + base + R"(, "dataType": "uint8", "compression": {"type": "xz"}})"));
        },
        {"\"xz\""});
    requireFormatError(
        [&] {
            readVolume(dataset("neg", R"({"dimensions": [4, -3, 2], "blockSize": [2, 2, 2],
            "dataType": "uint8"})"));
        },
        {"dimensions", "-3"});
    requireFormatError(
        [&] {
            readVolume(dataset("blocks", R"({"dimensions": [4, 3, 2], "blockSize": [2, 2],
            "dataType": "uint8"})"));
        },
        {"block extents"});

    // Block headers that disagree with the grid, or lie about the mode or length.
    const fs::path block = root / "good" / "1" / "1" / "0"; // x 2:4, y 2:3, z 0:2
    const auto original = readBytes(block);
    REQUIRE(original.size() == 16 + 2 * 1 * 2);
    auto wrongDims = original;
    wrongDims[11] = 3; // y extent 3, but only 1 row is left at the edge (block size 2)
    writeBytes(block, wrongDims);
    requireFormatError([&] { readVolume((root / "good").string()); },
                       {"1/1/0", "block header", "2 x 3 x 2", "2 x 1 x 2"});
    auto wrongRank = original;
    wrongRank[3] = 2;
    writeBytes(block, wrongRank);
    requireFormatError([&] { readVolume((root / "good").string()); }, {"2 dimensions"});
    auto objectMode = original;
    objectMode[1] = 2;
    writeBytes(block, objectMode);
    requireFormatError([&] { readVolume((root / "good").string()); }, {"mode 2"});
    writeBytes(block, std::vector<unsigned char>(original.begin(), original.begin() + 10));
    requireFormatError([&] { readVolume((root / "good").string()); }, {"cut short"});
    writeBytes(block, std::vector<unsigned char>(original.begin(), original.end() - 1));
    requireFormatError([&] { readVolume((root / "good").string()); }, {"3 bytes", "4 bytes"});
    writeBytes(block, original);
    test::requireSameVoxels(readVolume((root / "good").string()), v);

    // Compressed payloads of random bytes.
    WriteOptions gzip = raw;
    gzip.compression = "gzip";
    writeVolume((root / "gz").string(), v, gzip);
    auto bytes = readBytes(root / "gz" / "0" / "0" / "0");
    for (std::size_t i = 16; i < bytes.size(); ++i)
        bytes[i] = std::uint8_t(i * 37 + 11);
    writeBytes(root / "gz" / "0" / "0" / "0", bytes);
    requireFormatError([&] { readVolume((root / "gz").string()); }, {"0/0/0", "corrupt"});

    // A group names its datasets; a missing one says so.
    requireFormatError([&] { readVolume(root.string()); }, {"group", "good"});
    requireFormatError([&] { readVolume((root / "nothing").string()); }, {"nothing"});
}
