// Writing volumes block by block (createBlockWriter): unaligned blocks in any order
// give the same file as writing the volume whole, nothing appears before commit,
// bad blocks are refused, and chunked formats write volumes larger than the memory
// budget.
#include "TestPaths.h"
#include "VolumeTestSupport.h"

#include "core/io/BlockWriter.h"
#include "core/io/VolumeIO.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <random>
#include <set>

using namespace cisterna;
using cisterna::test::MemoryLimit;
namespace fs = std::filesystem;

namespace {

// Boxes of `block` tiling `shape` (smaller at the far edges), in a shuffled order.
std::vector<Box3> shuffledBlocks(const Shape3& shape, const Shape3& block, unsigned seed) {
    std::vector<Box3> boxes = blocksOf(shape, block);
    std::mt19937 random(seed);
    std::shuffle(boxes.begin(), boxes.end(), random);
    return boxes;
}

BlockWriterSpec specOf(const Volume& v) {
    BlockWriterSpec spec;
    spec.dataType = v.dataType();
    spec.shape = v.shape();
    spec.voxelSize = v.voxelSize();
    spec.hasVoxelSize = v.hasVoxelSize();
    spec.origin = v.origin();
    return spec;
}

Volume placedPattern(DataType type, const Shape3& shape) {
    Volume v = test::patternVolume(type, shape);
    v.setVoxelSize({30, 6, 5});
    v.setOrigin({90, -12, 25});
    return v;
}

// Blocks are views into `volume` (strided), as prediction hands out crops.
void writeInBlocks(const std::string& path, const Volume& volume, const WriteOptions& options,
                   const Shape3& block) {
    auto writer = createBlockWriter(path, specOf(volume), options);
    for (const Box3& box : shuffledBlocks(volume.shape(), block, 7))
        writer->writeBlock(box, volume.crop(box));
    writer->commit();
}

void requireSamePlacedVolume(const std::string& path, const Volume& expected) {
    const Volume back = readVolume(path);
    test::requireSameVoxels(back, expected);
    REQUIRE(back.hasVoxelSize() == expected.hasVoxelSize());
    REQUIRE(back.voxelSize() == expected.voxelSize());
    REQUIRE(back.origin().z == Approx(expected.origin().z));
    REQUIRE(back.origin().y == Approx(expected.origin().y));
    REQUIRE(back.origin().x == Approx(expected.origin().x));
}

std::set<std::string> folderEntries(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir))
        names.insert(entry.path().filename().string());
    return names;
}

// A value every voxel of a volume too large to hold can be checked against.
float valueAt(std::int64_t z, std::int64_t y, std::int64_t x) {
    return static_cast<float>(z * 1000 + y) + static_cast<float>(x) * 0.25f;
}

Volume generatedBlock(const Box3& box) {
    Volume v = Volume::allocate(DataType::Float32, box.size);
    auto out = v.view<float>();
    for (std::int64_t z = 0; z < box.size.z; ++z)
        for (std::int64_t y = 0; y < box.size.y; ++y)
            for (std::int64_t x = 0; x < box.size.x; ++x)
                out(z, y, x) = valueAt(box.begin.z + z, box.begin.y + y, box.begin.x + x);
    return v;
}

} // namespace

TEST_CASE("unaligned blocks in any order give the whole volume", "[blockwriter]") {
    test::ScratchDir dir("block_writer_round_trip");
    struct Case {
        std::string name;
        DataType type;
        std::string format;
    };
    const Case cases[] = {{"out.zarr", DataType::Float32, "zarr"},
                          {"out.ome.zarr", DataType::UInt16, "zarr"},
                          {"inner.zarr/group/labels", DataType::UInt8, "zarr"},
                          {"out.n5", DataType::UInt16, "n5"},
                          {"inner.n5/group/data", DataType::Float32, "n5"},
                          {"out.h5", DataType::UInt8, "hdf5"},
                          {"inner.h5/em/prediction", DataType::Float32, "hdf5"},
                          {"out.tif", DataType::UInt16, "tiff"}};
    for (const Case& c : cases) {
        DYNAMIC_SECTION(c.name) {
            const Volume volume = placedPattern(c.type, {21, 37, 45});
            WriteOptions options;
            options.chunkShape = Shape3{8, 16, 16}; // edge chunks on every axis
            // Blocks cut through chunks on every axis.
            writeInBlocks(dir.file(c.name), volume, options, {5, 13, 11});
            const VolumeInfo info = readVolumeInfo(dir.file(c.name));
            REQUIRE(info.format.rfind(c.format, 0) == 0);
            if (c.format != "tiff")
                REQUIRE(info.chunkShape == Shape3{8, 16, 16});
            requireSamePlacedVolume(dir.file(c.name), volume);
        }
    }
}

TEST_CASE("block-written chunked outputs match whole-volume writes", "[blockwriter]") {
    test::ScratchDir dir("block_writer_same_as_whole");
    for (const std::string ext : {".zarr", ".ome.zarr", ".n5", ".h5"}) {
        DYNAMIC_SECTION(ext) {
            Volume volume = placedPattern(DataType::Float32, {9, 30, 17});
            volume.clearVoxelSize(); // no voxel size: the metadata must say so too
            WriteOptions options;
            options.compression = ext == ".h5" ? "gzip" : "raw";
            options.chunkShape = Shape3{4, 8, 8};
            writeVolume(dir.file("whole" + ext), volume, options);
            writeInBlocks(dir.file("blocks" + ext), volume, options, {3, 7, 9});
            const VolumeInfo whole = readVolumeInfo(dir.file("whole" + ext));
            const VolumeInfo blocks = readVolumeInfo(dir.file("blocks" + ext));
            REQUIRE(blocks.compression == whole.compression);
            REQUIRE(blocks.chunkShape == whole.chunkShape);
            REQUIRE_FALSE(blocks.hasVoxelSize);
            // Without a voxel size OME-Zarr has no origin either: as whole writes do.
            REQUIRE(blocks.origin == whole.origin);
            test::requireSameVoxels(readVolume(dir.file("blocks" + ext)), volume);
        }
    }
}

TEST_CASE("a block written again replaces what it covers", "[blockwriter]") {
    // Overlaps reach chunks that were already complete and stored, which must be
    // read back and merged rather than overwritten.
    test::ScratchDir dir("block_writer_overlap");
    for (const std::string name : {"out.zarr", "out.n5", "out.h5", "out.tif"}) {
        DYNAMIC_SECTION(name) {
            const Volume first = test::patternVolume(DataType::UInt16, {12, 20, 24});
            Volume expected = first.clone();
            const Box3 again{{3, 5, 2}, {7, 11, 19}};
            Volume second = Volume::allocate(DataType::UInt16, again.size);
            auto in = second.view<std::uint16_t>();
            auto out = expected.view<std::uint16_t>();
            for (std::int64_t z = 0; z < again.size.z; ++z)
                for (std::int64_t y = 0; y < again.size.y; ++y)
                    for (std::int64_t x = 0; x < again.size.x; ++x) {
                        in(z, y, x) = static_cast<std::uint16_t>(50000 + z * 300 + y * 20 + x);
                        out(again.begin.z + z, again.begin.y + y, again.begin.x + x) = in(z, y, x);
                    }
            WriteOptions options;
            options.chunkShape = Shape3{4, 8, 8};
            auto writer = createBlockWriter(dir.file(name), specOf(first), options);
            for (const Box3& box : shuffledBlocks(first.shape(), {5, 6, 7}, 3))
                writer->writeBlock(box, first.crop(box));
            writer->writeBlock(again, second);
            writer->commit();
            test::requireSameVoxels(readVolume(dir.file(name)), expected);
        }
    }
}

TEST_CASE("nothing appears at the path before commit", "[blockwriter]") {
    test::ScratchDir dir("block_writer_uncommitted");
    const Volume volume = test::patternVolume(DataType::UInt8, {6, 20, 20});
    WriteOptions options;
    options.chunkShape = Shape3{4, 8, 8};
    for (const std::string name : {"out.zarr", "out.ome.zarr", "out.n5", "out.h5", "out.tif"}) {
        DYNAMIC_SECTION(name) {
            const fs::path target = dir.path() / name;
            SECTION("no file yet: none afterwards") {
                {
                    auto writer = createBlockWriter(target.string(), specOf(volume), options);
                    for (const Box3& box : shuffledBlocks(volume.shape(), {3, 9, 9}, 1))
                        writer->writeBlock(box, volume.crop(box));
                }
                REQUIRE(folderEntries(dir.path()).empty()); // no temporaries either
            }
            SECTION("an existing file is left as it was") {
                const Volume old = test::patternVolume(DataType::UInt16, {3, 5, 7});
                writeVolume(target.string(), old);
                const auto before = folderEntries(dir.path());
                {
                    auto writer = createBlockWriter(target.string(), specOf(volume), options);
                    const Box3 box{{0, 0, 0}, {6, 20, 20}};
                    writer->writeBlock(box, volume);
                }
                REQUIRE(folderEntries(dir.path()) == before);
                test::requireSameVoxels(readVolume(target.string()), old);
            }
        }
    }
}

TEST_CASE("blocks that do not fit the declared volume are refused", "[blockwriter]") {
    test::ScratchDir dir("block_writer_bad_blocks");
    const Volume volume = test::patternVolume(DataType::Float32, {8, 16, 16});
    for (const std::string name : {"out.zarr", "out.n5", "out.h5", "out.tif"}) {
        DYNAMIC_SECTION(name) {
            auto writer = createBlockWriter(dir.file(name), specOf(volume));
            const Box3 outside{{4, 10, 0}, {5, 6, 16}}; // z runs to 9 of 8
            REQUIRE_THROWS_AS(
                writer->writeBlock(outside, Volume::allocate(DataType::Float32, outside.size)),
                InvalidArgument);
            const Box3 negative{{-1, 0, 0}, {2, 2, 2}};
            REQUIRE_THROWS_AS(
                writer->writeBlock(negative, Volume::allocate(DataType::Float32, negative.size)),
                InvalidArgument);
            const Box3 box{{0, 0, 0}, {4, 8, 8}};
            REQUIRE_THROWS_AS(writer->writeBlock(box, Volume::allocate(DataType::UInt8, box.size)),
                              InvalidArgument);
            REQUIRE_THROWS_AS(
                writer->writeBlock(box, Volume::allocate(DataType::Float32, {4, 8, 9})),
                InvalidArgument);
            REQUIRE_THROWS_AS(writer->writeBlock(box, Volume()), InvalidArgument);
            // Refused blocks wrote nothing: the writer still finishes the volume.
            writer->writeBlock({{0, 0, 0}, volume.shape()}, volume);
            writer->commit();
            test::requireSameVoxels(readVolume(dir.file(name)), volume);
            REQUIRE_THROWS_AS(writer->writeBlock(box, volume.crop(box)), InvalidArgument);
            REQUIRE_THROWS_AS(writer->commit(), InvalidArgument);
        }
    }
}

TEST_CASE("a block writer refuses specs and paths it cannot write", "[blockwriter]") {
    test::ScratchDir dir("block_writer_bad_spec");
    BlockWriterSpec spec;
    spec.shape = {0, 10, 10};
    REQUIRE_THROWS_AS(createBlockWriter(dir.file("out.zarr"), spec), InvalidArgument);
    spec.shape = {4, 10, 10};
    spec.hasVoxelSize = true;
    spec.voxelSize = {0, 5, 5};
    REQUIRE_THROWS_AS(createBlockWriter(dir.file("out.n5"), spec), InvalidArgument);
    spec.hasVoxelSize = false;
    const std::string message =
        test::formatErrorOf([&] { createBlockWriter(dir.file("out.unknown"), spec); });
    REQUIRE(message.find("out.unknown") != std::string::npos);
    WriteOptions lzw;
    lzw.compression = "lzw";
    REQUIRE_THROWS_AS(createBlockWriter(dir.file("out.zarr"), spec, lzw), FormatError);
    REQUIRE_THROWS_AS(createBlockWriter(dir.file("missing/out.h5"), spec), FormatError);
    REQUIRE(folderEntries(dir.path()).empty());
}

TEST_CASE("chunked formats write volumes larger than the memory budget", "[blockwriter]") {
    test::ScratchDir dir("block_writer_budget");
    BlockWriterSpec spec;
    spec.dataType = DataType::Float32;
    spec.shape = {48, 256, 256}; // 12 MiB
    spec.hasVoxelSize = true;
    spec.voxelSize = {40, 8, 8};
    const MemoryLimit limit(std::uint64_t(8) << 20);

    // Formats written whole say so before any block is computed.
    REQUIRE_THROWS_AS(createBlockWriter(dir.file("out.tif"), spec), MemoryBudgetError);

    for (const std::string name : {"big.zarr", "big.n5"}) {
        DYNAMIC_SECTION(name) {
            WriteOptions options;
            options.chunkShape = Shape3{16, 64, 64};
            options.compression = "raw";
            auto writer = createBlockWriter(dir.file(name), spec, options);
            // 72 blocks over 48 chunks in random order: with room for a few chunks
            // only, partly written chunks are stored and read back many times.
            for (const Box3& box : shuffledBlocks(spec.shape, {20, 50, 70}, 11))
                writer->writeBlock(box, generatedBlock(box));
            writer->commit();

            REQUIRE_THROWS_AS(readVolume(dir.file(name)), MemoryBudgetError);
            for (std::int64_t z0 = 0; z0 < spec.shape.z; z0 += 16) {
                ReadOptions slab;
                slab.region = Box3{{z0, 0, 0}, {16, spec.shape.y, spec.shape.x}};
                const Volume part = readVolume(dir.file(name), slab);
                test::requireSameVoxels(part, generatedBlock(*slab.region));
            }
            const VolumeInfo info = readVolumeInfo(dir.file(name));
            REQUIRE(info.voxelSize == spec.voxelSize);
        }
    }
}
