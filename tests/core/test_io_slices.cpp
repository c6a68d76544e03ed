// Folders of 2D slices (.tif / .png). PNGs of every colour type are built byte by
// byte below (stored deflate blocks, CRC-32 and Adler-32 computed here), so the
// tests do not depend on an encoder other than the one under test.
#include "core/io/VolumeIO.h"
#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"
#include "tests/support/TestPaths.h"
#include "tests/support/VolumeTestSupport.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

using namespace cisterna;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> fileNames(const fs::path& folder) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// ---- A minimal PNG encoder --------------------------------------------------

std::uint32_t crc32Of(const std::string& data) {
    std::uint32_t crc = 0xffffffffu;
    for (unsigned char c : data) {
        crc ^= c;
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return crc ^ 0xffffffffu;
}

std::uint32_t adler32Of(const std::string& data) {
    std::uint32_t a = 1, b = 0;
    for (unsigned char c : data) {
        a = (a + c) % 65521;
        b = (b + a) % 65521;
    }
    return (b << 16) | a;
}

std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>((v >> 16) & 0xff),
            static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}

std::string pngChunk(const std::string& type, const std::string& data) {
    return be32(static_cast<std::uint32_t>(data.size())) + type + data + be32(crc32Of(type + data));
}

// rows: each row's bytes as PNG packs them (big-endian 16-bit, bits packed
// high-first); a filter byte 0 is added here.
// With `interlaced`, rows are the Adam7 passes' reduced rows, in order.
std::string craftPng(std::uint32_t width, std::uint32_t height, int bitDepth, int colorType,
                     const std::vector<std::string>& rows, int paletteEntries = 0,
                     bool interlaced = false) {
    std::string raw;
    for (const auto& row : rows)
        raw += std::string(1, '\0') + row;
    std::string zlib("\x78\x01", 2);
    for (std::size_t at = 0; at < raw.size() || at == 0; at += 65535) {
        const std::size_t n = std::min<std::size_t>(65535, raw.size() - at);
        const bool last = at + n >= raw.size();
        zlib += static_cast<char>(last ? 1 : 0);
        zlib += static_cast<char>(n & 0xff);
        zlib += static_cast<char>(n >> 8);
        zlib += static_cast<char>(~n & 0xff);
        zlib += static_cast<char>((~n >> 8) & 0xff);
        zlib += raw.substr(at, n);
        if (last)
            break;
    }
    zlib += be32(adler32Of(raw));
    std::string ihdr = be32(width) + be32(height);
    ihdr += static_cast<char>(bitDepth);
    ihdr += static_cast<char>(colorType);
    ihdr += std::string(2, '\0');
    ihdr += static_cast<char>(interlaced ? 1 : 0);
    std::string png("\x89PNG\r\n\x1a\n", 8);
    png += pngChunk("IHDR", ihdr);
    if (paletteEntries) {
        std::string palette;
        for (int i = 0; i < paletteEntries; ++i)
            palette += std::string(3, static_cast<char>(i * 40));
        png += pngChunk("PLTE", palette);
    }
    png += pngChunk("IDAT", zlib) + pngChunk("IEND", "");
    return png;
}

std::string constantGreyPng(std::uint32_t width, std::uint32_t height, char value) {
    return craftPng(width, height, 8, 0,
                    std::vector<std::string>(height, std::string(width, value)));
}

} // namespace

TEST_CASE("TIFF slice folders round trip uint8, uint16 and float32 with voxel size", "[slices]") {
    test::ScratchDir dir("slices-tif");
    for (DataType type : {DataType::UInt8, DataType::UInt16, DataType::Float32}) {
        INFO(toString(type));
        Volume v = test::patternVolume(type, {4, 6, 9});
        v.setVoxelSize({25, 4, 3.5});
        v.setOrigin({50, 1, 2});
        const std::string folder = dir.file(std::string("tif_") + toString(type)) + "/";
        writeVolume(folder, v);
        REQUIRE(fileNames(folder) == std::vector<std::string>{"slice_0000.tif", "slice_0001.tif",
                                                              "slice_0002.tif", "slice_0003.tif"});
        const Volume back = readVolume(folder);
        test::requireSameVoxels(back, v);
        REQUIRE(back.voxelSize() == Vec3d{25, 4, 3.5});
        REQUIRE(back.origin() == Vec3d{50, 1, 2});
        const VolumeInfo info = readVolumeInfo(folder);
        REQUIRE(info.format == "slices");
        REQUIRE(info.shape == Shape3{4, 6, 9});
        REQUIRE(info.hasVoxelSize);
    }
}

TEST_CASE("PNG slice folders round trip uint8 and uint16 and refuse float32", "[slices]") {
    test::ScratchDir dir("slices-png");
    WriteOptions png;
    png.sliceExtension = ".png";
    for (DataType type : {DataType::UInt8, DataType::UInt16}) {
        INFO(toString(type));
        Volume v = test::patternVolume(type, {3, 7, 5});
        v.setVoxelSize({25, 4, 4}); // PNG slices cannot keep it
        const std::string folder = dir.file(std::string("png_") + toString(type)) + "/";
        writeVolume(folder, v, png);
        REQUIRE(fileNames(folder) ==
                std::vector<std::string>{"slice_0000.png", "slice_0001.png", "slice_0002.png"});
        const Volume back = readVolume(folder);
        test::requireSameVoxels(back, v);
        REQUIRE(back.role() == VolumeRole::Image);
        REQUIRE_FALSE(back.hasVoxelSize());
        REQUIRE(readVolumeInfo(folder).compression == "png");
    }
    const Volume floats = test::patternVolume(DataType::Float32, {2, 3, 3});
    CHECK_THAT(test::formatErrorOf([&] { writeVolume(dir.file("float") + "/", floats, png); }),
               Contains("write float32 volumes as .tif slices"));
    REQUIRE_FALSE(fs::exists(dir.file("float")));
    png.sliceExtension = ".jpg";
    CHECK_THAT(test::formatErrorOf([&] {
                   writeVolume(dir.file("jpg") + "/",
                               test::patternVolume(DataType::UInt8, {1, 2, 2}), png);
               }),
               Contains("not '.jpg'"));
}

TEST_CASE("slices are written by a file name pattern", "[slices]") {
    test::ScratchDir dir("slices-pattern");
    const Volume v = test::patternVolume(DataType::UInt16, {3, 4, 5});
    writeVolume(dir.file("out") + "/img_%03d.png", v);
    REQUIRE(fileNames(dir.file("out")) ==
            std::vector<std::string>{"img_000.png", "img_001.png", "img_002.png"});
    test::requireSameVoxels(readVolume(dir.file("out")), v);

    // Into an existing folder: its other files stay.
    fs::create_directory(dir.file("keep"));
    test::writeFileBytes(dir.file("keep") + "/notes.txt", "my notes");
    writeVolume(dir.file("keep") + "/z%d.tif", v);
    REQUIRE(fileNames(dir.file("keep")) ==
            std::vector<std::string>{"notes.txt", "z0.tif", "z1.tif", "z2.tif"});
    REQUIRE(readWholeFile(dir.file("keep") + "/notes.txt") == "my notes");
    test::requireSameVoxels(readVolume(dir.file("keep")), v);

    REQUIRE_THROWS_AS(writeVolume(dir.file("bad") + "/img_%s.png", v), FormatError);
    REQUIRE_THROWS_AS(writeVolume(dir.file("bad") + "/img_%d_%d.png", v), FormatError);
}

TEST_CASE("slice folders are replaced whole, and never over other work", "[slices]") {
    test::ScratchDir dir("slices-replace");
    const std::string folder = dir.file("stack") + "/";
    writeVolume(folder, test::patternVolume(DataType::UInt8, {5, 3, 3}));
    const Volume fewer = test::patternVolume(DataType::UInt8, {2, 4, 4});
    writeVolume(dir.file("stack"), fewer);              // an existing folder, named without '/'
    test::requireSameVoxels(readVolume(folder), fewer); // no stale slices 2..4 left
    REQUIRE(fileNames(folder).size() == 2);

    fs::create_directory(dir.file("work"));
    test::writeFileBytes(dir.file("work") + "/analysis.csv", "a,b\n");
    CHECK_THAT(test::formatErrorOf([&] { writeVolume(dir.file("work") + "/", fewer); }),
               Contains("already holds analysis.csv"));
    REQUIRE(fileNames(dir.file("work")) == std::vector<std::string>{"analysis.csv"});
    // Nothing but the two folders was left behind (no temporaries).
    REQUIRE(fileNames(dir.path()) == std::vector<std::string>{"stack", "work"});
}

TEST_CASE("slices are stacked in natural order", "[slices]") {
    test::ScratchDir dir("slices-natural");
    fs::create_directory(dir.file("png"));
    fs::create_directory(dir.file("tif"));
    for (int n : {10, 2, 1}) {
        test::writeFileBytes(dir.file("png") + "/img_" + std::to_string(n) + ".png",
                             constantGreyPng(3, 2, static_cast<char>(n)));
        Volume one = Volume::allocate(DataType::UInt16, {1, 2, 3});
        for (std::int64_t i = 0; i < 6; ++i)
            static_cast<std::uint16_t*>(one.data())[i] = static_cast<std::uint16_t>(n * 1000);
        writeVolume(dir.file("tif") + "/img_" + std::to_string(n) + ".tif", one);
    }
    const Volume png = readVolume(dir.file("png"));
    REQUIRE(png.shape() == Shape3{3, 2, 3});
    REQUIRE(png.valueAt({0, 1, 2}) == 1);
    REQUIRE(png.valueAt({1, 1, 2}) == 2);
    REQUIRE(png.valueAt({2, 1, 2}) == 10);
    const Volume tif = readVolume(dir.file("tif"));
    REQUIRE(tif.valueAt({0, 0, 0}) == 1000);
    REQUIRE(tif.valueAt({1, 0, 0}) == 2000);
    REQUIRE(tif.valueAt({2, 0, 0}) == 10000);
}

TEST_CASE("slice folder region reads equal crops of full reads", "[slices]") {
    test::ScratchDir dir("slices-region");
    const Volume v = test::patternVolume(DataType::UInt16, {5, 12, 10});
    WriteOptions png;
    png.sliceExtension = "png";
    writeVolume(dir.file("p") + "/", v, png);
    writeVolume(dir.file("t") + "/", v);
    ReadOptions region;
    region.region = Box3{{1, 3, 2}, {3, 6, 7}};
    for (const std::string folder : {dir.file("p"), dir.file("t")}) {
        INFO(folder);
        test::requireSameVoxels(readVolume(folder, region), v.crop(*region.region).clone());
    }
}

TEST_CASE("PNG slices: palette indices, packed grey and 16-bit values", "[slices]") {
    test::ScratchDir dir("slices-pngkinds");
    fs::create_directory(dir.file("palette"));
    for (int z = 0; z < 2; ++z)
        test::writeFileBytes(
            dir.file("palette") + "/l" + std::to_string(z) + ".png",
            craftPng(4, 2, 8, 3,
                     {std::string("\x00\x01\x02\x03", 4), std::string(4, static_cast<char>(z + 4))},
                     8));
    const Volume labels = readVolume(dir.file("palette"));
    REQUIRE(labels.role() == VolumeRole::Label);
    REQUIRE(labels.dataType() == DataType::UInt8);
    REQUIRE(labels.valueAt({0, 0, 3}) == 3); // the index, not the palette's grey (120)
    REQUIRE(labels.valueAt({1, 1, 0}) == 5);

    // 4-bit grey keeps its values 0..15 (labels), not scaled to 0..255.
    fs::create_directory(dir.file("packed"));
    test::writeFileBytes(dir.file("packed") + "/a.png",
                         craftPng(4, 1, 4, 0, {std::string("\x01\x2f", 2)}));
    const Volume packed = readVolume(dir.file("packed"));
    REQUIRE(packed.valueAt({0, 0, 0}) == 0);
    REQUIRE(packed.valueAt({0, 0, 1}) == 1);
    REQUIRE(packed.valueAt({0, 0, 2}) == 2);
    REQUIRE(packed.valueAt({0, 0, 3}) == 15);

    fs::create_directory(dir.file("deep"));
    test::writeFileBytes(dir.file("deep") + "/a.png",
                         craftPng(2, 1, 16, 0, {std::string("\x12\x34\xff\x00", 4)}));
    const Volume deep = readVolume(dir.file("deep"));
    REQUIRE(deep.dataType() == DataType::UInt16);
    REQUIRE(deep.valueAt({0, 0, 0}) == 0x1234);
    REQUIRE(deep.valueAt({0, 0, 1}) == 0xff00);

    // Adam7 interlacing of 2 x 2 pixels: pass 1 holds (0,0), pass 6 (0,1), pass 7 row 1.
    fs::create_directory(dir.file("adam7"));
    test::writeFileBytes(
        dir.file("adam7") + "/a.png",
        craftPng(2, 2, 8, 0, {std::string("\x0a"), std::string("\x0b"), std::string("\x0c\x0d")}, 0,
                 true));
    const Volume interlaced = readVolume(dir.file("adam7"));
    REQUIRE(interlaced.valueAt({0, 0, 0}) == 10);
    REQUIRE(interlaced.valueAt({0, 0, 1}) == 11);
    REQUIRE(interlaced.valueAt({0, 1, 0}) == 12);
    REQUIRE(interlaced.valueAt({0, 1, 1}) == 13);
    ReadOptions lastRow;
    lastRow.region = Box3{{0, 1, 1}, {1, 1, 1}};
    REQUIRE(readVolume(dir.file("adam7"), lastRow).valueAt({0, 0, 0}) == 13);
}

TEST_CASE("slice folders report bad and mismatched slices by file name", "[slices][malformed]") {
    test::ScratchDir dir("slices-malformed");
    auto folderWith = [&](const std::string& name,
                          const std::vector<std::pair<std::string, std::string>>& files) {
        const std::string folder = dir.file(name);
        fs::create_directory(folder);
        for (const auto& [file, bytes] : files)
            test::writeFileBytes(folder + "/" + file, bytes);
        return folder;
    };
    const std::string good = constantGreyPng(4, 3, 9);

    const std::string sizes = folderWith("sizes", {{"s1.png", good},
                                                   {"s2.png", good},
                                                   {"s3.png", constantGreyPng(5, 3, 9)},
                                                   {"s4.png", constantGreyPng(6, 3, 9)}});
    const std::string sizeError = test::formatErrorOf([&] { readVolume(sizes); });
    CHECK_THAT(sizeError, Contains("s3.png: is 5 x 3 uint8 but the first slice s1.png is 4 x 3"));

    const std::string types = folderWith(
        "types",
        {{"a.png", good},
         {"b.png", craftPng(4, 3, 16, 0,
                            {std::string(8, '\0'), std::string(8, '\0'), std::string(8, '\0')})}});
    CHECK_THAT(test::formatErrorOf([&] { readVolume(types); }), Contains("b.png: is 4 x 3 uint16"));

    const std::string mixed = folderWith("mixed", {{"a.png", good}, {"b.tif", "II*\0"}});
    CHECK_THAT(test::formatErrorOf([&] { readVolume(mixed); }),
               Contains("holds both TIFF (b.tif) and PNG (a.png) slices"));

    const std::string alpha =
        folderWith("alpha", {{"a.png", craftPng(2, 1, 8, 4, {std::string(4, '\x7f')})}});
    CHECK_THAT(test::formatErrorOf([&] { readVolume(alpha); }), Contains("alpha channel"));
    const std::string rgb =
        folderWith("rgb", {{"a.png", craftPng(2, 1, 8, 2, {std::string(6, '\x7f')})}});
    CHECK_THAT(test::formatErrorOf([&] { readVolume(rgb); }), Contains("is RGB colour"));

    const std::string cut =
        folderWith("cut", {{"a.png", good}, {"b.png", good.substr(0, good.size() - 30)}});
    CHECK_THAT(test::formatErrorOf([&] { readVolume(cut); }),
               Contains("b.png: ends before its last row (truncated?)"));

    const std::string text = folderWith("text", {{"a.png", "hello, I am text"}});
    CHECK_THAT(test::formatErrorOf([&] { readVolume(text); }),
               Contains("a.png: is not a PNG file"));

    // An IHDR claiming 100000 x 100000 pixels in a file of a few dozen bytes.
    std::string lying = constantGreyPng(1, 1, 0);
    const std::string ihdr = be32(100000) + be32(100000) + std::string("\x08\x00\x00\x00\x00", 5);
    lying.replace(8, 25, pngChunk("IHDR", ihdr));
    const std::string huge = folderWith("huge", {{"a.png", lying}});
    CHECK_THAT(test::formatErrorOf([&] { readVolume(huge); }),
               Contains("100000 x 100000 pixels, more than a file of"));

    const std::string stacked = dir.file("stacked");
    fs::create_directory(stacked);
    writeVolume(stacked + "/two_pages.tif", test::patternVolume(DataType::UInt8, {2, 2, 2}));
    CHECK_THAT(test::formatErrorOf([&] { readVolume(stacked); }),
               Contains("holds 2 pages; every file of a slice folder holds one image"));

    const std::string empty = folderWith("empty", {{"readme.txt", "no images here"}});
    REQUIRE_THROWS_AS(readVolume(empty), FormatError);
}

TEST_CASE("the SBEM mitochondria sample reads as PNG slice folders", "[slices][data]") {
    const fs::path training = test::sbemMitoDir() / "training";
    if (!fs::is_directory(training / "images") || !fs::is_directory(training / "labels")) {
        WARN("sample data not found at " << training.string() << "; skipped");
        return;
    }
    // Reference values decoded independently of libpng (a Python zlib decoder).
    const Volume images = readVolume((training / "images").string());
    REQUIRE(images.shape() == Shape3{20, 1024, 1024});
    REQUIRE(images.dataType() == DataType::UInt8);
    REQUIRE(images.role() == VolumeRole::Image);
    const auto v = images.view<std::uint8_t>();
    // images.010.png is slice 0, images.011.png slice 1, images.029.png slice 19.
    REQUIRE(v(0, 0, 0) == 184);
    REQUIRE(v(0, 0, 1) == 168);
    REQUIRE(v(0, 0, 2) == 156);
    const std::uint8_t row512[] = {0x98, 0x9e, 0xa3, 0xa7, 0xa4};
    for (int i = 0; i < 5; ++i)
        REQUIRE(v(0, 512, 510 + i) == row512[i]);
    REQUIRE(v(0, 1023, 1023) == 138);
    REQUIRE(v(1, 0, 0) == 149);
    REQUIRE(v(1, 700, 300) == 207);
    REQUIRE(v(19, 0, 1) == 105);
    REQUIRE(v(19, 700, 300) == 191);

    const Volume labels = readVolume((training / "labels").string());
    REQUIRE(labels.shape() == Shape3{20, 1024, 1024});
    REQUIRE(labels.role() == VolumeRole::Label); // 8-bit colour-mapped PNGs
    std::set<int> values;
    std::int64_t onesIn0 = 0, onesIn19 = 0;
    const auto l = labels.view<std::uint8_t>();
    forEachRow(l, [&](std::int64_t z, std::int64_t, const std::uint8_t* row) {
        for (std::int64_t x = 0; x < 1024; ++x) {
            values.insert(row[x]);
            onesIn0 += z == 0 && row[x] == 1;
            onesIn19 += z == 19 && row[x] == 1;
        }
    });
    REQUIRE(values == std::set<int>{0, 1});
    REQUIRE(onesIn0 == 103195);
    REQUIRE(onesIn19 == 96004);
    REQUIRE(l(0, 7, 920) == 1);
    REQUIRE(l(0, 7, 919) == 0);

    test::ScratchDir dir("slices-sample");
    writeVolume(dir.file("images.tif"), images);
    test::requireSameVoxels(readVolume(dir.file("images.tif")), images);
    // Raw for the noisy images (gzip of 20 MiB of EM costs a second), gzip for
    // the labels, which compress fast.
    WriteOptions raw;
    raw.compression = "raw";
    writeVolume(dir.file("sample.h5:/volumes/raw"), images, raw);
    writeVolume(dir.file("sample.h5:/volumes/labels/mito"), labels);
    test::requireSameVoxels(readVolume(dir.file("sample.h5:/volumes/raw")), images);
    test::requireSameVoxels(readVolume(dir.file("sample.h5:/volumes/labels/mito")), labels);
    REQUIRE(readVolumeInfo(dir.file("sample.h5:/volumes/labels/mito")).compression == "gzip");
}
