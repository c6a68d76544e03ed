#include "CliRunner.h"
#include "TestPaths.h"
#include "VolumeTestSupport.h"

#include "core/io/VolumeIO.h"
#include "core/phantom/Phantom.h"
#include "core/plugin/PluginRegistry.h"
#include "core/util/AtomicWrite.h"
#include "core/volume/VolumeOps.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace cisterna;
using namespace cisterna::test;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("cli: every subcommand has --help", "[cli]") {
    for (const char* sub :
         {"info", "convert", "phantom", "evaluate", "formats", "graphcut", "strokes"}) {
        const CliResult r = runCli(std::string(sub) + " --help");
        INFO(sub << ": " << r.err);
        REQUIRE(r.exitCode == 0);
        REQUIRE(contains(r.out, "Usage"));
    }
    const CliResult top = runCli("--help");
    REQUIRE(top.exitCode == 0);
    REQUIRE(contains(top.out, "phantom"));
}

TEST_CASE("cli: --version names Cisterna and its libraries", "[cli]") {
    const CliResult r = runCli("--version");
    REQUIRE(r.exitCode == 0);
    REQUIRE(contains(r.out, "cisterna-cli " CISTERNA_VERSION));
    REQUIRE(contains(r.out, "HDF5"));
    REQUIRE(contains(r.out, "ITK"));
}

TEST_CASE("cli: errors go to stderr with a non-zero exit code", "[cli]") {
    const CliResult missing = runCli("info /nonexistent/file.h5");
    REQUIRE(missing.exitCode == 1);
    REQUIRE(contains(missing.err, "/nonexistent/file.h5"));
    REQUIRE(contains(missing.err, "no such file"));
    const CliResult usage = runCli("convert");
    REQUIRE(usage.exitCode != 0);
    REQUIRE_FALSE(usage.err.empty());
    const CliResult unknown = runCli("frobnicate");
    REQUIRE(unknown.exitCode != 0);
    ScratchDir dir("cli-errors");
    const std::string bad = dir.file("noise.h5");
    writeFileAtomically(bad, "this is not an HDF5 file");
    const CliResult garbage = runCli("info " + bad);
    REQUIRE(garbage.exitCode == 1);
    REQUIRE(contains(garbage.err, bad));
}

TEST_CASE("cli: convert refuses truncated NRRD and MetaImage files", "[cli]") {
    ScratchDir dir("cli-truncated");
    const Volume v = noisyImage({8, 16, 20}, 3, 8, [](auto, auto, auto, int n) { return n; });
    WriteOptions gzip;
    gzip.compression = "gzip";
    WriteOptions raw;
    raw.compression = "raw";
    for (const auto& [name, options] :
         {std::pair{std::string("cut.nrrd"), gzip}, std::pair{std::string("cut.mha"), gzip},
          std::pair{std::string("raw.nrrd"), raw}, std::pair{std::string("raw.mha"), raw}}) {
        const std::string file = dir.file(name);
        writeVolume(file, v, options);
        const std::string bytes = readWholeFile(file);
        writeFileBytes(file, bytes.substr(0, bytes.size() / 2));
        const std::string out = dir.file(name + ".h5");
        const CliResult r = runCli("convert " + file + " " + out);
        INFO(name << ": " << r.err);
        REQUIRE(r.exitCode != 0);
        REQUIRE(contains(r.err, file));
        REQUIRE_FALSE(std::filesystem::exists(out));
    }
}

TEST_CASE("cli: phantom, convert across formats and evaluate", "[cli][phantom]") {
    // The CLI loads its plugins at start; this process reads its .mrc output too.
    loadDefaultPlugins();
    ScratchDir dir("cli-pipeline");
    const std::string image = dir.file("phantom.h5");
    const std::string labels = dir.file("truth.h5");
    CliResult r = runCli("phantom --out " + image + " --labels " + labels +
                         " --size 24,40,48 --voxel-size 30,8,8 --seed 7 --masks " +
                         dir.file("mask_{organelle}.tif"));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const Volume original = readVolume(image);
    const Volume truth = readVolume(labels);
    REQUIRE(original.shape() == Shape3{24, 40, 48});
    REQUIRE(original.voxelSize() == Vec3d{30, 8, 8});
    // The CLI writes what the library generates, bit for bit.
    PhantomParams params;
    params.seed = 7;
    params.shape = {24, 40, 48};
    params.voxelSize = {30, 8, 8};
    REQUIRE(sameVoxels(generatePhantom(params).image, original));
    REQUIRE(sameVoxels(organelleMask(truth, PhantomOrganelle::Mitochondrion),
                       readVolume(dir.file("mask_mito.tif"))));

    // Through every format and back: the voxels survive.
    const std::vector<std::string> targets = {
        dir.file("a.tif"),        dir.file("b.zarr"), dir.file("c.ome.zarr"),
        dir.file("d.n5/raw"),     dir.file("e.nrrd"), dir.file("f.mha"),
        dir.file("g.nii.gz"),     dir.file("h.mrc"),  dir.file("slices") + "/",
        dir.file("i.h5:/em/raw"),
    };
    std::string previous = image;
    for (const auto& target : targets) {
        r = runCli("convert " + previous + " " + target);
        INFO(previous << " -> " << target << ": " << r.err);
        REQUIRE(r.exitCode == 0);
        REQUIRE(sameVoxels(readVolume(target), original));
        previous = target;
    }

    // Crop while converting.
    r = runCli("convert " + image + " " + dir.file("crop.h5") + " --crop 2:10,5:25,:");
    REQUIRE(r.exitCode == 0);
    REQUIRE(sameVoxels(readVolume(dir.file("crop.h5")), original.crop({{2, 5, 0}, {8, 20, 48}})));

    // info reports shape, type, voxel size and range.
    r = runCli("info --json " + dir.file("c.ome.zarr"));
    REQUIRE(r.exitCode == 0);
    const auto info = nlohmann::json::parse(r.out);
    REQUIRE(info["shape"] == nlohmann::json({24, 40, 48}));
    REQUIRE(info["dtype"] == "uint8");
    REQUIRE(info["voxel_size_nm"] == nlohmann::json({30.0, 8.0, 8.0}));
    const ValueRange range = valueRange(original);
    REQUIRE(info["value_range"] == nlohmann::json({range.min, range.max}));

    // A perfect prediction scores F1 = 1; the JSON agrees with the table.
    const std::string json = dir.file("scores.json");
    r = runCli("evaluate --pred " + dir.file("mask_mito.tif") + " --truth " + labels +
               " --organelle mito --json " + json);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    REQUIRE(contains(r.out, "1.0000"));
    const auto scores = nlohmann::json::parse(readWholeFile(json));
    REQUIRE(scores["voxels"]["f1"] == 1.0);
    REQUIRE(scores["voxels"]["fp"] == 0);
    REQUIRE(scores["objects"]["matched"] == scores["objects"]["truth"]);

    CHECK(!contains(r.err, "warning"));

    // A map of many values scored without a threshold: the user is told how it was read.
    r = runCli("evaluate --pred " + image + " --truth " + labels + " --organelle mito");
    REQUIRE(r.exitCode == 0);
    CHECK(contains(r.err, "every non-zero voxel counts as foreground"));
    CHECK(contains(r.err, "--pred-threshold 127"));
    r = runCli("evaluate --pred " + image + " --truth " + labels +
               " --organelle mito --pred-threshold 127");
    REQUIRE(r.exitCode == 0);
    CHECK(!contains(r.err, "warning"));

    // Scoring the golgi mask against mitochondria gives no true positives.
    r = runCli("evaluate --pred " + dir.file("mask_golgi.tif") + " --truth " + labels +
               " --organelle mito --json " + json);
    REQUIRE(r.exitCode == 0);
    REQUIRE(nlohmann::json::parse(readWholeFile(json))["voxels"]["tp"] == 0);

    // Shapes that do not match: a clear error.
    r = runCli("evaluate --pred " + dir.file("crop.h5") + " --truth " + labels);
    REQUIRE(r.exitCode == 1);
    REQUIRE(contains(r.err, "shape"));
}

TEST_CASE("cli: the real SBEM sample converts and reports", "[cli][real]") {
    const auto images = sbemMitoDir() / "training" / "images";
    if (!std::filesystem::exists(images)) {
        WARN("skipped: " << images << " is missing");
        return;
    }
    ScratchDir dir("cli-real");
    const CliResult r = runCli("convert " + images.string() + " " + dir.file("sbem.zarr") +
                               " --crop 0:4,0:256,0:256 --voxel-size 50,10,10");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const CliResult info = runCli("info " + dir.file("sbem.zarr"));
    REQUIRE(info.exitCode == 0);
    REQUIRE(contains(info.out, "4 x 256 x 256"));
    REQUIRE(contains(info.out, "(50, 10, 10)"));
}
