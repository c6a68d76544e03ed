// Multi-page TIFF stacks. Foreign and malformed TIFFs are built byte by byte with
// the small encoder below, so every tag is under the test's control.
#include "core/io/VolumeIO.h"
#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"
#include "tests/support/TestPaths.h"
#include "tests/support/VolumeTestSupport.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace cisterna;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// ---- A minimal classic-TIFF encoder for crafted files -----------------------

struct CraftedPage {
    std::uint32_t width = 0, height = 0;
    std::uint16_t bits = 8, samples = 1, sampleFormat = 1, photometric = 1, compression = 1;
    std::uint32_t rowsPerStrip = 0;              // 0: one strip per page
    std::uint32_t tileWidth = 0, tileHeight = 0; // 0: strips
    std::vector<std::string> pieces;             // strip or tile data, as stored
    std::string description;
    std::uint32_t xResolution[2] = {0, 0}; // rational; {0, 0}: no tag
    std::uint32_t yResolution[2] = {0, 0};
    bool colorMap = false; // adds a grey palette of 2^bits entries
};

class CraftedTiff {
public:
    explicit CraftedTiff(bool bigEndian = false) : big_(bigEndian) {}

    std::string build(const std::vector<CraftedPage>& pages) {
        bytes_ = big_ ? std::string("MM\0*", 4) : std::string("II*\0", 4);
        bytes_ += u32(0); // first IFD offset, patched below
        std::size_t linkAt = 4;
        for (const auto& page : pages) {
            std::vector<std::uint32_t> offsets, counts;
            for (const auto& piece : page.pieces) {
                offsets.push_back(static_cast<std::uint32_t>(bytes_.size()));
                counts.push_back(static_cast<std::uint32_t>(piece.size()));
                bytes_ += piece;
            }
            if (bytes_.size() % 2)
                bytes_ += '\0';
            const std::uint32_t ifd = static_cast<std::uint32_t>(bytes_.size());
            bytes_.replace(linkAt, 4, u32(ifd));
            linkAt = writeIfd(page, offsets, counts);
        }
        return bytes_;
    }

    // Values as the file stores them (for pixel data of 16-bit pages).
    std::string u16(std::uint16_t v) const {
        std::string s(2, '\0');
        s[big_ ? 1 : 0] = static_cast<char>(v & 0xff);
        s[big_ ? 0 : 1] = static_cast<char>(v >> 8);
        return s;
    }
    std::string u32(std::uint32_t v) const {
        std::string s(4, '\0');
        for (int i = 0; i < 4; ++i)
            s[big_ ? 3 - i : i] = static_cast<char>((v >> (8 * i)) & 0xff);
        return s;
    }

private:
    struct Entry {
        std::uint16_t tag, type;
        std::vector<std::uint32_t> values; // SHORT/LONG values, or RATIONAL pairs
        std::string ascii;
    };

    std::string encodeValues(const Entry& e) const {
        if (e.type == 2)
            return e.ascii + std::string(1, '\0');
        std::string s;
        for (std::uint32_t v : e.values)
            s += e.type == 3 ? u16(static_cast<std::uint16_t>(v)) : u32(v);
        return s;
    }

    // Writes the IFD and its out-of-line values; returns where its next-IFD link is.
    std::size_t writeIfd(const CraftedPage& p, const std::vector<std::uint32_t>& offsets,
                         const std::vector<std::uint32_t>& counts) {
        std::vector<Entry> entries;
        auto add = [&](std::uint16_t tag, std::uint16_t type, std::vector<std::uint32_t> v) {
            entries.push_back({tag, type, std::move(v), {}});
        };
        add(256, 4, {p.width});
        add(257, 4, {p.height});
        add(258, 3, std::vector<std::uint32_t>(p.samples, p.bits));
        add(259, 3, {p.compression});
        add(262, 3, {p.photometric});
        if (!p.description.empty())
            entries.push_back({270, 2, {}, p.description});
        if (!p.tileWidth)
            add(273, 4, offsets);
        add(277, 3, {p.samples});
        if (!p.tileWidth) {
            add(278, 4, {p.rowsPerStrip ? p.rowsPerStrip : p.height});
            add(279, 4, counts);
        }
        if (p.xResolution[1])
            add(282, 5, {p.xResolution[0], p.xResolution[1]});
        if (p.yResolution[1])
            add(283, 5, {p.yResolution[0], p.yResolution[1]});
        if (p.colorMap) {
            std::vector<std::uint32_t> map;
            const std::uint32_t n = 1u << p.bits;
            for (int channel = 0; channel < 3; ++channel)
                for (std::uint32_t i = 0; i < n; ++i)
                    map.push_back(i * 65535 / (n - 1));
            add(320, 3, map);
        }
        if (p.tileWidth) {
            add(322, 4, {p.tileWidth});
            add(323, 4, {p.tileHeight});
            add(324, 4, offsets);
            add(325, 4, counts);
        }
        add(339, 3, std::vector<std::uint32_t>(p.samples, p.sampleFormat));

        const std::size_t ifdStart = bytes_.size();
        const std::size_t ifdSize = 2 + entries.size() * 12 + 4;
        std::string extra; // out-of-line values, placed right after the IFD
        std::string ifd = u16(static_cast<std::uint16_t>(entries.size()));
        for (const auto& e : entries) {
            const std::string values = encodeValues(e);
            const std::uint32_t count =
                e.type == 2 ? static_cast<std::uint32_t>(values.size())
                            : static_cast<std::uint32_t>(e.type == 5 ? e.values.size() / 2
                                                                     : e.values.size());
            ifd += u16(e.tag) + u16(e.type) + u32(count);
            if (values.size() <= 4) {
                ifd += values + std::string(4 - values.size(), '\0');
            } else {
                ifd += u32(static_cast<std::uint32_t>(ifdStart + ifdSize + extra.size()));
                extra += values;
                if (extra.size() % 2)
                    extra += '\0';
            }
        }
        const std::size_t link = ifdStart + ifd.size();
        ifd += u32(0);
        bytes_ += ifd + extra;
        return link;
    }

    bool big_;
    std::string bytes_;
};

CraftedPage grey8Page(std::uint32_t width, std::uint32_t height, char fill) {
    CraftedPage p;
    p.width = width;
    p.height = height;
    p.pieces = {std::string(std::size_t(width) * height, fill)};
    return p;
}

} // namespace

TEST_CASE("TIFF stacks round trip uint8, uint16 and float32 with voxel size and origin", "[tiff]") {
    test::ScratchDir dir("tiff-roundtrip");
    for (DataType type : {DataType::UInt8, DataType::UInt16, DataType::Float32}) {
        INFO(toString(type));
        Volume v = test::patternVolume(type, {4, 9, 13});
        v.setVoxelSize({30, 8.5, 3.7});
        v.setOrigin({120, -4, 7.5});
        const std::string path = dir.file(std::string("rt_") + toString(type) + ".tif");
        writeVolume(path, v);

        const Volume back = readVolume(path);
        test::requireSameVoxels(back, v);
        REQUIRE(back.role() == VolumeRole::Image);
        REQUIRE(back.hasVoxelSize());
        REQUIRE(back.voxelSize() == Vec3d{30, 8.5, 3.7});
        REQUIRE(back.origin() == Vec3d{120, -4, 7.5});

        const VolumeInfo info = readVolumeInfo(path);
        REQUIRE(info.format == "tiff");
        REQUIRE(info.dataType == type);
        REQUIRE(info.shape == Shape3{4, 9, 13});
        REQUIRE(info.compression == "raw");
        REQUIRE(info.voxelSize == Vec3d{30, 8.5, 3.7});
    }
    // ImageJ's own keys are there too, so Fiji shows the calibration.
    const std::string head = readWholeFile(dir.file("rt_uint8.tif"));
    REQUIRE(head.find("ImageJ=") != std::string::npos);
    REQUIRE(head.find("images=4\nslices=4\nunit=nm\nspacing=30\n") != std::string::npos);
}

TEST_CASE("TIFF stacks without a voxel size read back without one", "[tiff]") {
    test::ScratchDir dir("tiff-novoxel");
    const Volume v = test::patternVolume(DataType::UInt16, {1, 5, 6});
    writeVolume(dir.file("plain.tiff"), v);
    const Volume back = readVolume(dir.file("plain.tiff"));
    test::requireSameVoxels(back, v);
    REQUIRE_FALSE(back.hasVoxelSize());
    REQUIRE(back.origin() == Vec3d{0, 0, 0});
}

TEST_CASE("TIFF stacks write lzw and zlib, and refuse other compressions", "[tiff]") {
    test::ScratchDir dir("tiff-compression");
    const Volume v = test::patternVolume(DataType::UInt16, {3, 40, 50});
    for (const char* compression : {"lzw", "zlib", "deflate"}) {
        INFO(compression);
        WriteOptions options;
        options.compression = compression;
        options.compressionLevel = 6;
        const std::string path = dir.file(std::string(compression) + ".tif");
        writeVolume(path, v, options);
        test::requireSameVoxels(readVolume(path), v);
        REQUIRE(readVolumeInfo(path).compression ==
                (std::string(compression) == "lzw" ? "lzw" : "zlib"));
    }
    WriteOptions blosc;
    blosc.compression = "blosc";
    CHECK_THAT(test::formatErrorOf([&] { writeVolume(dir.file("blosc.tif"), v, blosc); }),
               Contains("not 'blosc'"));
    REQUIRE_FALSE(fs::exists(dir.file("blosc.tif")));
}

TEST_CASE("TIFF stacks write cropped volumes, and region reads equal crops", "[tiff]") {
    test::ScratchDir dir("tiff-crop");
    Volume big = test::patternVolume(DataType::Float32, {7, 20, 30});
    big.setVoxelSize({50, 5, 5});
    const Volume crop = big.crop({{2, 3, 4}, {4, 11, 17}});
    REQUIRE_FALSE(crop.isContiguous());
    writeVolume(dir.file("crop.tif"), crop);
    const Volume full = readVolume(dir.file("crop.tif"));
    test::requireSameVoxels(full, crop.clone());
    REQUIRE(full.origin() == Vec3d{100, 15, 20});

    ReadOptions region;
    region.region = Box3{{1, 2, 5}, {2, 8, 9}};
    const Volume part = readVolume(dir.file("crop.tif"), region);
    test::requireSameVoxels(part, full.crop(*region.region).clone());
    REQUIRE(part.origin() == full.crop(*region.region).origin());
}

TEST_CASE("TIFF reads ImageJ calibration in microns and nanometres", "[tiff]") {
    test::ScratchDir dir("tiff-imagej");
    CraftedPage page = grey8Page(4, 3, 7);
    page.description = "ImageJ=1.53t\nimages=2\nslices=2\nunit=micron\nspacing=0.03\nloop=false\n";
    page.xResolution[0] = 125; // pixels per micron: 8 nm
    page.xResolution[1] = 1;
    page.yResolution[0] = 100; // 10 nm
    page.yResolution[1] = 1;
    CraftedPage second = grey8Page(4, 3, 9);
    test::writeFileBytes(dir.file("fiji.tif"), CraftedTiff().build({page, second}));
    const Volume v = readVolume(dir.file("fiji.tif"));
    REQUIRE(v.shape() == Shape3{2, 3, 4});
    REQUIRE(v.valueAt({0, 2, 3}) == 7);
    REQUIRE(v.valueAt({1, 0, 0}) == 9);
    REQUIRE(v.hasVoxelSize());
    REQUIRE(v.voxelSize().z == Approx(30));
    REQUIRE(v.voxelSize().y == Approx(10));
    REQUIRE(v.voxelSize().x == Approx(8));

    page.description = "ImageJ=1.11a\nunit=\xc2\xb5m\n"; // no spacing: ImageJ's 1 unit
    page.xResolution[0] = 1000;
    page.yResolution[0] = 1000;
    test::writeFileBytes(dir.file("micro.tif"), CraftedTiff().build({page}));
    const VolumeInfo info = readVolumeInfo(dir.file("micro.tif"));
    REQUIRE(info.hasVoxelSize);
    REQUIRE(info.voxelSize.z == Approx(1000));
    REQUIRE(info.voxelSize.y == Approx(1));
    REQUIRE(info.voxelSize.x == Approx(1));

    // 72 dpi from an ordinary image program is not a voxel size.
    page.description = "";
    page.xResolution[0] = 72;
    page.xResolution[1] = 1;
    test::writeFileBytes(dir.file("print.tif"), CraftedTiff().build({page}));
    REQUIRE_FALSE(readVolumeInfo(dir.file("print.tif")).hasVoxelSize);
}

TEST_CASE("TIFF reads OME-XML calibration and refuses hyperstacks", "[tiff]") {
    test::ScratchDir dir("tiff-ome");
    CraftedPage page = grey8Page(4, 3, 1);
    page.description =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><OME><Image ID=\"Image:0\"><Pixels "
        "DimensionOrder=\"XYZCT\" ID=\"Pixels:0\" PhysicalSizeX=\"0.008\" "
        "PhysicalSizeXUnit=\"\xc2\xb5m\" PhysicalSizeY=\"0.01\" PhysicalSizeZ=\"30\" "
        "PhysicalSizeZUnit=\"nm\" SizeC=\"1\" SizeT=\"1\" SizeX=\"4\" SizeY=\"3\" "
        "SizeZ=\"2\" Type=\"uint8\"/></Image></OME>";
    test::writeFileBytes(dir.file("cells.ome.tif"),
                         CraftedTiff().build({page, grey8Page(4, 3, 2)}));
    const VolumeInfo info = readVolumeInfo(dir.file("cells.ome.tif"));
    REQUIRE(info.shape == Shape3{2, 3, 4});
    REQUIRE(info.hasVoxelSize);
    REQUIRE(info.voxelSize.z == Approx(30));
    REQUIRE(info.voxelSize.y == Approx(10));
    REQUIRE(info.voxelSize.x == Approx(8));
    // What Cisterna writes is an ImageJ TIFF, so it does not take an OME name.
    REQUIRE_THROWS_AS(writeVolume(dir.file("out.ome.tif"), readVolume(dir.file("cells.ome.tif"))),
                      FormatError);
    REQUIRE_FALSE(fs::exists(dir.file("out.ome.tif")));

    page.description = "ImageJ=1.53t\nimages=4\nchannels=2\nslices=2\nhyperstack=true\n";
    test::writeFileBytes(dir.file("hyper.tif"),
                         CraftedTiff().build({page, page, page, grey8Page(4, 3, 2)}));
    CHECK_THAT(test::formatErrorOf([&] { readVolume(dir.file("hyper.tif")); }),
               Contains("is a hyperstack of 2 channels and 1 time points"));
}

TEST_CASE("TIFF reads tiled big-endian 16-bit pages and their regions", "[tiff]") {
    test::ScratchDir dir("tiff-tiled");
    const std::uint32_t width = 40, height = 20, tile = 16;
    auto value = [](std::uint32_t z, std::uint32_t y, std::uint32_t x) {
        return static_cast<std::uint16_t>(z * 5000 + y * 300 + x);
    };
    CraftedTiff tiff(/*bigEndian=*/true);
    std::vector<CraftedPage> pages;
    for (std::uint32_t z = 0; z < 2; ++z) {
        CraftedPage p;
        p.width = width;
        p.height = height;
        p.bits = 16;
        p.tileWidth = p.tileHeight = tile;
        for (std::uint32_t ty = 0; ty < height; ty += tile)
            for (std::uint32_t tx = 0; tx < width; tx += tile) {
                std::string data;
                for (std::uint32_t y = ty; y < ty + tile; ++y)
                    for (std::uint32_t x = tx; x < tx + tile; ++x)
                        data += tiff.u16(y < height && x < width ? value(z, y, x) : 0);
                p.pieces.push_back(data);
            }
        pages.push_back(p);
    }
    test::writeFileBytes(dir.file("tiled.tif"), tiff.build(pages));

    const VolumeInfo info = readVolumeInfo(dir.file("tiled.tif"));
    REQUIRE(info.chunkShape == Shape3{1, 16, 16});
    const Volume v = readVolume(dir.file("tiled.tif"));
    REQUIRE(v.dataType() == DataType::UInt16);
    REQUIRE(v.shape() == Shape3{2, height, width});
    std::int64_t wrong = 0;
    for (std::uint32_t z = 0; z < 2; ++z)
        for (std::uint32_t y = 0; y < height; ++y)
            for (std::uint32_t x = 0; x < width; ++x)
                wrong += v.view<std::uint16_t>()(z, y, x) != value(z, y, x);
    REQUIRE(wrong == 0);

    ReadOptions region;
    region.region = Box3{{1, 5, 14}, {1, 13, 20}}; // crosses tile borders both ways
    test::requireSameVoxels(readVolume(dir.file("tiled.tif"), region),
                            v.crop(*region.region).clone());
}

TEST_CASE("TIFF palette pages are label images: the index is the value", "[tiff]") {
    test::ScratchDir dir("tiff-palette");
    CraftedPage p;
    p.width = 3;
    p.height = 2;
    p.photometric = 3;
    p.colorMap = true;
    p.pieces = {std::string("\x00\x01\x02\x02\x01\x05", 6)};
    test::writeFileBytes(dir.file("labels.tif"), CraftedTiff().build({p}));
    const Volume v = readVolume(dir.file("labels.tif"));
    REQUIRE(v.role() == VolumeRole::Label);
    REQUIRE(v.valueAt({0, 0, 1}) == 1);
    REQUIRE(v.valueAt({0, 1, 2}) == 5);
}

TEST_CASE("TIFF reports truncated, foreign and lying files clearly", "[tiff][malformed]") {
    test::ScratchDir dir("tiff-malformed");
    writeVolume(dir.file("whole.tif"), test::patternVolume(DataType::UInt8, {3, 32, 32}));
    const std::string bytes = readWholeFile(dir.file("whole.tif"));
    for (std::size_t cut : {bytes.size() / 2, bytes.size() - 10, std::size_t(2000)}) {
        INFO("cut at " << cut << " of " << bytes.size());
        test::writeFileBytes(dir.file("cut.tif"), bytes.substr(0, cut));
        CHECK_THAT(test::formatErrorOf([&] { readVolume(dir.file("cut.tif")); }),
                   Contains("cut.tif"));
    }

    test::writeFileBytes(dir.file("text.tif"), "just some text, not an image\n");
    CHECK_THAT(test::formatErrorOf([&] { readVolume(dir.file("text.tif")); }),
               Contains("Not a TIFF"));

    // One IFD claiming 10^6 x 10^6 pixels stored in two strips of 100 bytes.
    CraftedPage huge;
    huge.width = huge.height = 1000000;
    huge.rowsPerStrip = 500000;
    huge.pieces = {std::string(100, '\0'), std::string(100, '\0')};
    test::writeFileBytes(dir.file("huge.tif"), CraftedTiff().build({huge}));
    CHECK_THAT(test::formatErrorOf([&] { readVolume(dir.file("huge.tif")); }),
               Contains("page 1 holds 100 bytes in strip 0 where its header promises 465.7 GiB"));
    REQUIRE_THROWS_AS(readVolumeInfo(dir.file("huge.tif")), FormatError);
    // With one strip, libtiff replaces the byte count by its own estimate, which
    // then runs past the end of the file.
    CraftedPage single = huge;
    single.rowsPerStrip = 0;
    single.pieces = {std::string(100, '\0')};
    test::writeFileBytes(dir.file("huge1.tif"), CraftedTiff().build({single}));
    CHECK_THAT(test::formatErrorOf([&] { readVolume(dir.file("huge1.tif")); }),
               Contains("but the file holds only"));
    // The same claim with deflate compression: no codec packs a million to one.
    huge.compression = 8;
    huge.rowsPerStrip = 0;
    huge.pieces = {std::string(100, '\0')};
    test::writeFileBytes(dir.file("huge-zip.tif"), CraftedTiff().build({huge}));
    CHECK_THAT(test::formatErrorOf([&] { readVolume(dir.file("huge-zip.tif")); }),
               Contains("describe 931.3 GiB of pixels but the file holds only"));

    // Pixel data said to lie beyond the end of the file.
    std::string beyond = CraftedTiff().build({grey8Page(8, 8, 1)});
    beyond.resize(beyond.size()); // IFD intact, data offset patched below
    const std::size_t stripOffsetAt = beyond.find(std::string("\x11\x01\x04\x00", 4));
    REQUIRE(stripOffsetAt != std::string::npos);
    beyond.replace(stripOffsetAt + 8, 4, std::string("\x00\x00\x10\x00", 4)); // 1 MiB
    test::writeFileBytes(dir.file("beyond.tif"), beyond);
    CHECK_THAT(test::formatErrorOf([&] { readVolume(dir.file("beyond.tif")); }),
               Contains("truncated or damaged"));
}

TEST_CASE("TIFF refuses colour, odd bit depths and mixed pages by name", "[tiff][malformed]") {
    test::ScratchDir dir("tiff-unsupported");
    CraftedPage rgb = grey8Page(4, 4, 0);
    rgb.samples = 3;
    rgb.photometric = 2;
    rgb.pieces = {std::string(48, '\x10')};
    test::writeFileBytes(dir.file("rgb.tif"), CraftedTiff().build({rgb}));
    CHECK_THAT(test::formatErrorOf([&] { readVolume(dir.file("rgb.tif")); }),
               Contains("3 samples per pixel (RGB colour)"));

    CraftedPage twelve = grey8Page(4, 4, 0);
    twelve.bits = 12;
    twelve.pieces = {std::string(24, '\0')};
    test::writeFileBytes(dir.file("12bit.tif"), CraftedTiff().build({twelve}));
    CHECK_THAT(test::formatErrorOf([&] { readVolume(dir.file("12bit.tif")); }),
               Contains("12-bit unsigned integer"));

    CraftedPage signed16 = grey8Page(4, 4, 0);
    signed16.bits = 16;
    signed16.sampleFormat = 2;
    signed16.pieces = {std::string(32, '\0')};
    test::writeFileBytes(dir.file("int16.tif"), CraftedTiff().build({signed16}));
    CHECK_THAT(test::formatErrorOf([&] { readVolume(dir.file("int16.tif")); }),
               Contains("16-bit signed integer"));

    test::writeFileBytes(dir.file("sizes.tif"),
                         CraftedTiff().build({grey8Page(4, 4, 1), grey8Page(5, 4, 1)}));
    CHECK_THAT(test::formatErrorOf([&] { readVolume(dir.file("sizes.tif")); }),
               Contains("page 2 is 5 x 4 uint8 but page 1 is 4 x 4 uint8"));

    CraftedPage wide = grey8Page(4, 4, 0);
    wide.bits = 16;
    wide.pieces = {std::string(32, '\0')};
    test::writeFileBytes(dir.file("types.tif"), CraftedTiff().build({grey8Page(4, 4, 1), wide}));
    CHECK_THAT(test::formatErrorOf([&] { readVolume(dir.file("types.tif")); }),
               Contains("page 2 is 4 x 4 uint16"));
}
