// A volume predicted by several tasks into one Zarr output (ClusterPrediction.h):
// the same voxels as one process, each tile written once, done tiles skipped on a
// re-run, a torn chunk redone, and an output made for something else refused. Full
// build only (needs core/io).
#include "LearningTestSupport.h"

#include "core/io/VolumeIO.h"
#include "core/learning/io/ClusterPrediction.h"
#include "core/util/Error.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>

using namespace cisterna;

namespace {

bool sameVoxels(const Volume& a, const Volume& b) {
    const Volume ca = a.contiguous(), cb = b.contiguous();
    return ca.shape() == cb.shape() && ca.dataType() == cb.dataType() &&
           std::memcmp(ca.data(), cb.data(), ca.byteCount()) == 0;
}

} // namespace

TEST_CASE("tasks sharing a volume write what one process computes, each tile once",
          "[learning][cluster]") {
    test::Scratch dir("cluster-share");
    const Model model = Model::create(test::tinyMetadata(test::tinyNetwork(), {36, 36, 36}), 4);
    // Not a multiple of the tiles' 20-voxel output on any axis: edge chunks are partial.
    Volume image = test::phantomOf(64, 3).image.crop({{2, 5, 9}, {50, 44, 41}}).contiguous();
    image.setVoxelSize({30, 6, 6});
    const std::string input = dir.file("image.nrrd"), output = dir.file("prob.zarr");
    writeVolume(input, image);
    PredictOptions options;
    options.tileInput = {36, 36, 36};
    const Volume reference = predictVolume(model, image, options).front();

    std::int64_t mine = 0;
    for (int task = 0; task < 3; ++task) {
        const ShareOutcome o = predictFileShare(model, input, {output}, options, {task, 3}, "t");
        CHECK(o.tiles == 3 * 3 * 3);
        CHECK(o.skipped == 0);
        CHECK(o.predicted == o.mine);
        CHECK(o.doneNow == mine + o.mine);
        mine += o.mine;
    }
    CHECK(mine == 27);
    const Volume shared = readVolume(output);
    CHECK(sameVoxels(shared, reference));
    CHECK(shared.voxelSize().z == Approx(30));

    // A re-run finds its tiles done and computes nothing.
    const ShareOutcome again = predictFileShare(model, input, {output}, options, {1, 3}, "t");
    CHECK(again.predicted == 0);
    CHECK(again.skipped == again.mine);

    SECTION("a chunk torn by a killed task has no marker and is written again") {
        const std::filesystem::path chunk = std::filesystem::path(output) / "1.2.0";
        REQUIRE(std::filesystem::exists(chunk));
        std::ofstream(chunk, std::ios::trunc) << "torn";
        std::filesystem::remove(std::filesystem::path(output) / ".cisterna-done" / "1.2.0");
        const int owner = ((1 * 3 + 2) * 3 + 0) % 3; // tile (1, 2, 0) of a 3 x 3 x 3 grid
        const ShareOutcome redo =
            predictFileShare(model, input, {output}, options, {owner, 3}, "t");
        CHECK(redo.predicted == 1);
        CHECK(sameVoxels(readVolume(output), reference));
    }
    SECTION("an output filled for another prediction is refused") {
        CHECK_THROWS_WITH(
            predictFileShare(model, input, {output}, options, {0, 3}, "another model"),
            Catch::Contains("another prediction"));
        PredictOptions otherTiles = options;
        otherTiles.tileInput = {44, 44, 44};
        CHECK_THROWS_AS(predictFileShare(model, input, {output}, otherTiles, {0, 3}, "t"),
                        FormatError);
    }
    SECTION("tasks that do not exist and outputs tasks cannot share are refused") {
        CHECK_THROWS_AS(predictFileShare(model, input, {output}, options, {3, 3}, "t"),
                        InvalidArgument);
        CHECK_THROWS_WITH(
            predictFileShare(model, input, {dir.file("prob.h5")}, options, {0, 2}, "t"),
            Catch::Contains("Zarr"));
    }
}
