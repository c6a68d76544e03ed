// The MRC plugin (plugins/mrc): round trips, the header bytes it writes, files of
// other programs and malformed files, all crafted byte by byte below.
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

// ctest also sets CISTERNA_PLUGIN_PATH; loading the build folder makes direct runs
// of the test program work too (and loading twice is harmless).
void loadMrcPlugin() {
    PluginRegistry::instance().loadPlugins({CISTERNA_PLUGIN_BUILD_DIR});
    REQUIRE(PluginRegistry::instance().formatByName("mrc"));
}

template <class T> void putScalar(std::string& bytes, std::size_t at, T value, bool bigEndian) {
    char raw[sizeof(T)];
    std::memcpy(raw, &value, sizeof(T));
    if (bigEndian)
        std::reverse(raw, raw + sizeof(T));
    std::memcpy(&bytes[at], raw, sizeof(T));
}

template <class T> T getScalar(const std::string& bytes, std::size_t at) {
    T value;
    std::memcpy(&value, bytes.data() + at, sizeof(T));
    return value;
}

template <class T> std::string encodeValues(const std::vector<T>& values, bool bigEndian) {
    std::string bytes(values.size() * sizeof(T), '\0');
    for (std::size_t i = 0; i < values.size(); ++i)
        putScalar(bytes, i * sizeof(T), values[i], bigEndian);
    return bytes;
}

// An MRC file as other programs write them, field by field (MRC2014 offsets).
struct CraftedMrc {
    std::int32_t nx = 2, ny = 2, nz = 2, mode = 0;
    float cella[3] = {0, 0, 0};
    std::int32_t mapc = 1, mapr = 2, maps = 3;
    float dmin = 0, dmax = 0;
    std::int32_t nsymbt = 0;
    std::string exttyp;
    std::int32_t nversion = 20141;
    std::int32_t imodStamp = 0, imodFlags = 0;
    float origin[3] = {0, 0, 0};
    std::string map = "MAP ";
    std::string machst = std::string("\x44\x44\0\0", 4);
    bool bigEndian = false;
    std::string extended; // bytes after the 1024-byte header
    std::string data;

    std::string bytes() const {
        std::string b(1024, '\0');
        const bool be = bigEndian;
        putScalar(b, 0, nx, be);
        putScalar(b, 4, ny, be);
        putScalar(b, 8, nz, be);
        putScalar(b, 12, mode, be);
        putScalar(b, 28, nx, be); // mx, my, mz = nx, ny, nz
        putScalar(b, 32, ny, be);
        putScalar(b, 36, nz, be);
        for (int i = 0; i < 3; ++i) {
            putScalar(b, 40 + 4 * i, cella[i], be);
            putScalar(b, 52 + 4 * i, 90.0f, be);
            putScalar(b, 196 + 4 * i, origin[i], be);
        }
        putScalar(b, 64, mapc, be);
        putScalar(b, 68, mapr, be);
        putScalar(b, 72, maps, be);
        putScalar(b, 76, dmin, be);
        putScalar(b, 80, dmax, be);
        putScalar(b, 92, nsymbt, be);
        b.replace(104, exttyp.size(), exttyp);
        putScalar(b, 108, nversion, be);
        putScalar(b, 152, imodStamp, be);
        putScalar(b, 156, imodFlags, be);
        b.replace(208, map.size(), map);
        b.replace(212, machst.size(), machst);
        return b + extended + data;
    }
};

} // namespace

TEST_CASE("MRC round trips uint8, uint16 and float32 with voxel size and origin", "[mrc]") {
    loadMrcPlugin();
    test::ScratchDir dir("mrc-roundtrip");
    for (DataType type : {DataType::UInt8, DataType::UInt16, DataType::Float32}) {
        Volume original = test::patternVolume(type, {5, 7, 9});
        original.setVoxelSize({33.3, 4.17, 8});
        original.setOrigin({300.7, -20.25, 10.1});
        for (const char* ext : {".mrc", ".map", ".rec", ".st", ".ali", ".mrcs"}) {
            const std::string path = dir.file(std::string("v_") + toString(type) + ext);
            INFO(path);
            writeVolume(path, original);
            const VolumeInfo info = readVolumeInfo(path);
            REQUIRE(info.format == "mrc");
            REQUIRE(info.dataType == type);
            REQUIRE(info.shape == Shape3{5, 7, 9});
            REQUIRE(info.hasVoxelSize);
            REQUIRE(info.voxelSize == Vec3d{33.3, 4.17, 8});
            REQUIRE(info.origin == Vec3d{300.7, -20.25, 10.1});
            const Volume back = readVolume(path);
            test::requireSameVoxels(original, back);
            REQUIRE(back.voxelSize() == original.voxelSize());
            REQUIRE(back.origin() == original.origin());
        }
    }
    for (const auto& entry : fs::directory_iterator(dir.path()))
        REQUIRE(entry.path().filename().string()[0] != '.'); // no temporary left behind
}

TEST_CASE("MRC header fields written are where MRC2014 puts them", "[mrc]") {
    loadMrcPlugin();
    test::ScratchDir dir("mrc-header");
    Volume v = test::patternVolume(DataType::UInt8, {3, 4, 5});
    v.setVoxelSize({30, 8, 4});
    v.setOrigin({-6, 0, 12.5});
    writeVolume(dir.file("h.mrc"), v);
    const std::string b = readWholeFile(dir.file("h.mrc"));
    REQUIRE(b.size() == 1024 + 3 * 4 * 5);
    REQUIRE(getScalar<std::int32_t>(b, 0) == 5); // nx: columns are x
    REQUIRE(getScalar<std::int32_t>(b, 4) == 4);
    REQUIRE(getScalar<std::int32_t>(b, 8) == 3);
    REQUIRE(getScalar<std::int32_t>(b, 12) == 0);      // mode 0
    REQUIRE(getScalar<std::int32_t>(b, 28) == 5);      // mx
    REQUIRE(getScalar<std::int32_t>(b, 36) == 3);      // mz
    REQUIRE(getScalar<float>(b, 40) == 5 * 4 * 10.0f); // cella x in Å
    REQUIRE(getScalar<float>(b, 44) == 4 * 8 * 10.0f);
    REQUIRE(getScalar<float>(b, 48) == 3 * 30 * 10.0f);
    REQUIRE(getScalar<float>(b, 52) == 90.0f);
    REQUIRE(getScalar<std::int32_t>(b, 64) == 1);
    REQUIRE(getScalar<std::int32_t>(b, 68) == 2);
    REQUIRE(getScalar<std::int32_t>(b, 72) == 3);
    double sum = 0;
    int low = 255, high = 0;
    for (std::size_t i = 1024; i < b.size(); ++i) {
        const int value = static_cast<unsigned char>(b[i]);
        sum += value;
        low = std::min(low, value);
        high = std::max(high, value);
    }
    REQUIRE(high > low);
    REQUIRE(getScalar<float>(b, 76) == static_cast<float>(low));  // dmin
    REQUIRE(getScalar<float>(b, 80) == static_cast<float>(high)); // dmax
    REQUIRE(getScalar<float>(b, 84) == Approx(sum / 60.0));       // dmean
    REQUIRE(getScalar<float>(b, 216) > 0.0f);                     // rms
    REQUIRE(getScalar<std::int32_t>(b, 92) == 0);                 // nsymbt
    REQUIRE(getScalar<std::int32_t>(b, 108) == 20141);            // nversion
    REQUIRE(getScalar<std::int32_t>(b, 152) == 1146047817);       // IMOD stamp ...
    REQUIRE((getScalar<std::int32_t>(b, 156) & 1) == 0);          // ... bytes unsigned
    REQUIRE(getScalar<float>(b, 196) == 125.0f);                  // origin x in Å
    REQUIRE(getScalar<float>(b, 204) == -60.0f);                  // origin z
    REQUIRE(b.substr(208, 4) == "MAP ");
    REQUIRE(b.substr(212, 4) == std::string("\x44\x44\0\0", 4)); // little-endian
    REQUIRE(getScalar<std::int32_t>(b, 220) == 1);               // nlabl
    REQUIRE(b.substr(224, 8) == "Cisterna");

    writeVolume(dir.file("h16.mrc"), test::patternVolume(DataType::UInt16, {1, 2, 3}));
    const std::string b16 = readWholeFile(dir.file("h16.mrc"));
    REQUIRE(getScalar<std::int32_t>(b16, 12) == 6);
    REQUIRE(getScalar<float>(b16, 40) == 0.0f); // no voxel size: cell size 0
    REQUIRE(b16.size() == 1024 + 6 * 2);
    writeVolume(dir.file("h32.mrc"), test::patternVolume(DataType::Float32, {1, 2, 3}));
    REQUIRE(getScalar<std::int32_t>(readWholeFile(dir.file("h32.mrc")), 12) == 2);
    REQUIRE_FALSE(readVolume(dir.file("h16.mrc")).hasVoxelSize());
}

TEST_CASE("MRC modes 0, 1 and 12, big-endian files and extended headers are read", "[mrc]") {
    loadMrcPlugin();
    test::ScratchDir dir("mrc-foreign");

    SECTION("mode 1: int16 becomes float32, exactly") {
        CraftedMrc m;
        m.mode = 1;
        const std::vector<std::int16_t> values{-32768, -1, 0, 1, 2, 32767, 100, -100};
        m.data = encodeValues(values, false);
        test::writeFileBytes(dir.file("m1.mrc"), m.bytes());
        const Volume v = readVolume(dir.file("m1.mrc"));
        REQUIRE(v.dataType() == DataType::Float32);
        REQUIRE(v.valueAt({0, 0, 0}) == -32768.0);
        REQUIRE(v.valueAt({0, 1, 1}) == 1.0);
        REQUIRE(v.valueAt({1, 0, 1}) == 32767.0);
        REQUIRE(v.valueAt({1, 1, 1}) == -100.0);
    }
    SECTION("mode 12: float16 becomes float32") {
        CraftedMrc m;
        m.mode = 12;
        m.data = encodeValues<std::uint16_t>(
            {0x3C00, 0xC000, 0x3555, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0x3800}, false);
        test::writeFileBytes(dir.file("m12.mrc"), m.bytes());
        const Volume v = readVolume(dir.file("m12.mrc"));
        REQUIRE(v.dataType() == DataType::Float32);
        REQUIRE(v.valueAt({0, 0, 0}) == 1.0);
        REQUIRE(v.valueAt({0, 0, 1}) == -2.0);
        REQUIRE(v.valueAt({0, 1, 0}) == 0.333251953125);
        REQUIRE(v.valueAt({0, 1, 1}) == 65504.0);
        REQUIRE(v.valueAt({1, 0, 0}) == std::ldexp(1.0, -24));
        REQUIRE(v.valueAt({1, 1, 0}) == INFINITY);
        REQUIRE(v.valueAt({1, 1, 1}) == 0.5);
    }
    SECTION("mode 0: unsigned unless IMOD's flag or a negative dmin says signed") {
        const std::string bytes("\x80\xFF\x00\x7F\x01\x02\x03\x04", 8);
        CraftedMrc imodSigned;
        imodSigned.imodStamp = 1146047817;
        imodSigned.imodFlags = 1;
        imodSigned.data = bytes;
        test::writeFileBytes(dir.file("s.mrc"), imodSigned.bytes());
        const Volume s = readVolume(dir.file("s.mrc"));
        REQUIRE(s.dataType() == DataType::Float32);
        REQUIRE(s.valueAt({0, 0, 0}) == -128.0);
        REQUIRE(s.valueAt({0, 0, 1}) == -1.0);
        REQUIRE(s.valueAt({0, 1, 1}) == 127.0);

        CraftedMrc imodUnsigned = imodSigned;
        imodUnsigned.imodFlags = 0;
        imodUnsigned.dmin = -5; // IMOD's flag wins over the statistics
        test::writeFileBytes(dir.file("u.mrc"), imodUnsigned.bytes());
        const Volume u = readVolume(dir.file("u.mrc"));
        REQUIRE(u.dataType() == DataType::UInt8);
        REQUIRE(u.valueAt({0, 0, 0}) == 128.0);
        REQUIRE(u.valueAt({0, 0, 1}) == 255.0);

        CraftedMrc plain;
        plain.data = bytes;
        plain.dmin = -128;
        plain.dmax = 127;
        test::writeFileBytes(dir.file("p.mrc"), plain.bytes());
        REQUIRE(readVolume(dir.file("p.mrc")).valueAt({0, 0, 0}) == -128.0);
        plain.dmin = 0;
        plain.dmax = 255;
        test::writeFileBytes(dir.file("p.mrc"), plain.bytes());
        REQUIRE(readVolume(dir.file("p.mrc")).valueAt({0, 0, 0}) == 128.0);
    }
    SECTION("big-endian files, stamped or guessed from the mode") {
        CraftedMrc m;
        m.mode = 2;
        m.bigEndian = true;
        m.machst = std::string("\x11\x11\0\0", 4);
        m.cella[0] = m.cella[1] = m.cella[2] = 20; // 2 voxels of 10 Å = 1 nm
        m.origin[2] = 50;                          // z origin 5 nm
        m.data = encodeValues<float>({1.5f, -2.25f, 3, 4, 5, 6, 7, 1e6f}, true);
        test::writeFileBytes(dir.file("be.mrc"), m.bytes());
        const VolumeInfo info = readVolumeInfo(dir.file("be.mrc"));
        REQUIRE(std::find(info.details.begin(), info.details.end(), "big-endian file") !=
                info.details.end());
        const Volume v = readVolume(dir.file("be.mrc"));
        REQUIRE(v.valueAt({0, 0, 0}) == 1.5);
        REQUIRE(v.valueAt({0, 0, 1}) == -2.25);
        REQUIRE(v.valueAt({1, 1, 1}) == 1e6);
        REQUIRE(v.voxelSize() == Vec3d{1, 1, 1});
        REQUIRE(v.hasVoxelSize());
        REQUIRE(v.origin() == Vec3d{5, 0, 0});

        // An old big-endian uint16 file: no machst, no version, no "MAP ".
        CraftedMrc old;
        old.mode = 6;
        old.bigEndian = true;
        old.machst = std::string(4, '\0');
        old.nversion = 0;
        old.map = std::string(4, '\0');
        old.data = encodeValues<std::uint16_t>({1, 2, 3, 4, 5, 6, 7, 65535}, true);
        test::writeFileBytes(dir.file("old.mrc"), old.bytes());
        const Volume o = readVolume(dir.file("old.mrc"));
        REQUIRE(o.dataType() == DataType::UInt16);
        REQUIRE(o.valueAt({0, 0, 1}) == 2.0);
        REQUIRE(o.valueAt({1, 1, 1}) == 65535.0);
        REQUIRE_FALSE(o.hasVoxelSize());
    }
    SECTION("an extended header is skipped") {
        CraftedMrc m;
        m.nsymbt = 131;
        m.exttyp = "FEI1";
        m.extended = std::string(131, '\x55');
        m.data = std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8);
        test::writeFileBytes(dir.file("ext.mrc"), m.bytes());
        const Volume v = readVolume(dir.file("ext.mrc"));
        REQUIRE(v.valueAt({0, 0, 0}) == 1.0);
        REQUIRE(v.valueAt({1, 1, 1}) == 8.0);
        bool mentioned = false;
        for (const auto& d : readVolumeInfo(dir.file("ext.mrc")).details)
            mentioned = mentioned || d.find("FEI1") != std::string::npos;
        REQUIRE(mentioned);
    }
}

TEST_CASE("MRC axis orders other than 1, 2, 3 are transposed into (z, y, x)", "[mrc]") {
    loadMrcPlugin();
    test::ScratchDir dir("mrc-axes");
    // File value at (section s, row r, column c) = 100 s + 10 r + c.
    auto crafted = [](std::int32_t mapc, std::int32_t mapr, std::int32_t maps) {
        CraftedMrc m;
        m.nx = 3; // columns
        m.ny = 2; // rows
        m.nz = 4; // sections
        m.mode = 2;
        m.mapc = mapc;
        m.mapr = mapr;
        m.maps = maps;
        std::vector<float> values;
        for (int s = 0; s < 4; ++s)
            for (int r = 0; r < 2; ++r)
                for (int c = 0; c < 3; ++c)
                    values.push_back(static_cast<float>(100 * s + 10 * r + c));
        m.data = encodeValues(values, false);
        return m;
    };
    SECTION("columns are y, rows are x, sections are z") {
        test::writeFileBytes(dir.file("yxz.mrc"), crafted(2, 1, 3).bytes());
        const Volume v = readVolume(dir.file("yxz.mrc"));
        REQUIRE(v.shape() == Shape3{4, 3, 2});
        for (int z = 0; z < 4; ++z)
            for (int y = 0; y < 3; ++y)
                for (int x = 0; x < 2; ++x)
                    REQUIRE(v.valueAt({z, y, x}) == 100 * z + 10 * x + y);
        ReadOptions options;
        options.region = Box3{{1, 1, 1}, {2, 2, 1}};
        const Volume part = readVolume(dir.file("yxz.mrc"), options);
        test::requireSameVoxels(v.crop(*options.region), part);
    }
    SECTION("columns are z, rows are x, sections are y") {
        test::writeFileBytes(dir.file("zxy.mrc"), crafted(3, 1, 2).bytes());
        const Volume v = readVolume(dir.file("zxy.mrc"));
        REQUIRE(v.shape() == Shape3{3, 4, 2});
        for (int z = 0; z < 3; ++z)
            for (int y = 0; y < 4; ++y)
                for (int x = 0; x < 2; ++x)
                    REQUIRE(v.valueAt({z, y, x}) == 100 * y + 10 * x + z);
    }
}

TEST_CASE("MRC region reads read only the region", "[mrc]") {
    loadMrcPlugin();
    test::ScratchDir dir("mrc-region");
    Volume original = test::patternVolume(DataType::UInt16, {6, 8, 10});
    original.setVoxelSize({30, 5, 4});
    original.setOrigin({100, 0, 50});
    writeVolume(dir.file("r.mrc"), original);
    ReadOptions options;
    options.region = Box3{{1, 2, 3}, {4, 5, 6}};
    const Volume part = readVolume(dir.file("r.mrc"), options);
    test::requireSameVoxels(original.crop(*options.region), part);
    REQUIRE(part.origin() == original.crop(*options.region).origin());
    options.region = Box3{{2, 0, 0}, {1, 8, 10}}; // one whole section
    test::requireSameVoxels(original.crop(*options.region), readVolume(dir.file("r.mrc"), options));
    options.region = Box3{{0, 0, 0}, {7, 1, 1}};
    REQUIRE_THROWS_AS(readVolume(dir.file("r.mrc"), options), FormatError);

    // A 2 GiB tomogram (sparse on disk) under a 64 MiB budget: a small region reads,
    // the whole volume is refused before allocating.
    CraftedMrc big;
    big.nx = 1024;
    big.ny = 1024;
    big.nz = 2048;
    test::writeFileBytes(dir.file("big.mrc"), big.bytes());
    const std::uint64_t voxelAt = (2001ull * 1024 + 1001) * 1024 + 1002;
    {
        std::fstream f(dir.file("big.mrc"), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(1024 + voxelAt));
        f.put(static_cast<char>(77));
    }
    fs::resize_file(dir.file("big.mrc"), 1024 + (std::uint64_t(1) << 31));
    setMemoryLimitOverride(std::uint64_t(64) << 20);
    options.region = Box3{{2000, 1000, 1000}, {4, 4, 4}};
    const Volume corner = readVolume(dir.file("big.mrc"), options);
    REQUIRE(corner.valueAt({1, 1, 2}) == 77.0);
    REQUIRE(corner.valueAt({1, 1, 1}) == 0.0);
    REQUIRE_THROWS_AS(readVolume(dir.file("big.mrc")), MemoryBudgetError);
    setMemoryLimitOverride(std::nullopt);
}

TEST_CASE("MRC writes cropped views and refuses compression", "[mrc]") {
    loadMrcPlugin();
    test::ScratchDir dir("mrc-write");
    Volume original = test::patternVolume(DataType::Float32, {4, 5, 6});
    original.setVoxelSize({10, 2, 2});
    const Volume crop = original.crop({{1, 1, 1}, {2, 3, 4}});
    writeVolume(dir.file("crop.mrc"), crop);
    const Volume back = readVolume(dir.file("crop.mrc"));
    test::requireSameVoxels(crop, back);
    REQUIRE(back.origin() == crop.origin());

    const std::string before = readWholeFile(dir.file("crop.mrc"));
    WriteOptions gzip;
    gzip.compression = "gzip";
    REQUIRE_THAT(test::formatErrorOf([&] { writeVolume(dir.file("crop.mrc"), original, gzip); }),
                 Contains("not compressed"));
    REQUIRE(readWholeFile(dir.file("crop.mrc")) == before);
}

TEST_CASE("malformed MRC files are refused with the reason", "[mrc][malformed]") {
    loadMrcPlugin();
    test::ScratchDir dir("mrc-malformed");
    auto errorOf = [&](const CraftedMrc& m, const std::string& name) {
        const std::string path = dir.file(name);
        test::writeFileBytes(path, m.bytes());
        REQUIRE_THROWS_AS(readVolumeInfo(path), FormatError);
        return test::formatErrorOf([&] { readVolume(path); });
    };
    CraftedMrc valid;
    valid.nx = valid.ny = valid.nz = 4;
    valid.mode = 2;
    valid.data = std::string(4 * 4 * 4 * 4, '\0');

    SECTION("a header shorter than 1024 bytes") {
        test::writeFileBytes(dir.file("short.mrc"), valid.bytes().substr(0, 500));
        REQUIRE_THAT(test::formatErrorOf([&] { readVolume(dir.file("short.mrc")); }),
                     Contains("holds only 500 bytes, less than the 1024-byte MRC header"));
    }
    SECTION("truncated voxel data") {
        CraftedMrc m = valid;
        m.data.resize(100);
        const std::string error = errorOf(m, "cut.mrc");
        REQUIRE_THAT(error, Contains("cut.mrc"));
        REQUIRE_THAT(error, Contains("the file holds 1124 bytes, the header needs 1280 bytes"));
    }
    SECTION("absurd sizes fail fast without allocating") {
        CraftedMrc m = valid;
        m.nx = 1000000000;
        m.ny = 1000000000;
        m.nz = 1000000000;
        const auto start = std::chrono::steady_clock::now();
        REQUIRE_THAT(errorOf(m, "huge.mrc"), Contains("1000000000 x 1000000000 x 1000000000"));
        REQUIRE(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
        m.ny = m.nz = 1;
        REQUIRE_THAT(errorOf(m, "long.mrc"), Contains("the header needs 4000001024 bytes"));
    }
    SECTION("unknown and unsupported modes") {
        CraftedMrc m = valid;
        m.mode = 99;
        REQUIRE_THAT(errorOf(m, "m99.mrc"), Contains("unknown MRC mode 99"));
        m.mode = 4;
        REQUIRE_THAT(errorOf(m, "m4.mrc"), Contains("complex"));
        m.mode = 101;
        REQUIRE_THAT(errorOf(m, "m101.mrc"), Contains("4-bit"));
    }
    SECTION("an extended header running past the end, or negative") {
        CraftedMrc m = valid;
        m.nsymbt = 100000;
        REQUIRE_THAT(errorOf(m, "ext.mrc"),
                     Contains("extended header (nsymbt = 100000 bytes) runs past the end"));
        m.nsymbt = 200; // fits, but pushes the voxels past the end
        REQUIRE_THAT(errorOf(m, "ext2.mrc"), Contains("the header needs 1480 bytes"));
        m.nsymbt = -8;
        REQUIRE_THAT(errorOf(m, "neg.mrc"), Contains("negative extended header"));
    }
    SECTION("non-positive sizes, broken axis orders and a missing MAP stamp") {
        CraftedMrc m = valid;
        m.ny = 0;
        REQUIRE_THAT(errorOf(m, "zero.mrc"), Contains("must be positive"));
        m = valid;
        m.mapc = 1;
        m.mapr = 1;
        REQUIRE_THAT(errorOf(m, "axes.mrc"), Contains("axis order mapc, mapr, maps = 1, 1, 3"));
        m = valid;
        m.map = "ABCD";
        REQUIRE_THAT(errorOf(m, "nomap.mrc"), Contains("\"MAP \" stamp"));
        m.nversion = 0; // an old-style file: tolerated
        test::writeFileBytes(dir.file("oldstyle.mrc"), m.bytes());
        REQUIRE(readVolume(dir.file("oldstyle.mrc")).shape() == Shape3{4, 4, 4});
    }
}
