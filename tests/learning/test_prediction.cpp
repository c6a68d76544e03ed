#include "LearningTestSupport.h"

#include "core/learning/Prediction.h"
#include "core/util/Error.h"

#include <catch2/catch.hpp>

#include <set>

using namespace cisterna;

namespace {

Model randomModel(const UNetConfig& network, const Shape3& patch, std::uint64_t seed = 5) {
    return Model::create(test::tinyMetadata(network, patch), seed);
}

PredictOptions floatOutput(const Shape3& tile = {0, 0, 0}) {
    PredictOptions o;
    o.outputType = DataType::Float32;
    o.tileInput = tile;
    return o;
}

} // namespace

TEST_CASE("blockwise prediction equals one pass over the whole volume", "[learning][predict]") {
    const Volume image = test::noiseVolume({23, 41, 30}, 11);
    SECTION("isotropic, nearest upsampling") {
        const Model model = randomModel(test::tinyNetwork(), {36, 36, 36});
        const TilePlan small = planPrediction(model, image.shape(), floatOutput({20, 22, 24}));
        const TilePlan whole = planPrediction(model, image.shape(), floatOutput({256, 256, 256}));
        REQUIRE(small.tileCount() > 8);
        REQUIRE(whole.tileCount() == 1);
        const Volume tiled = predictVolume(model, image, floatOutput({20, 22, 24}))[0];
        const Volume single = predictVolume(model, image, floatOutput({256, 256, 256}))[0];
        CHECK(test::maxAbsDifference(tiled, single) < 1e-5);
    }
    SECTION("anisotropic, two levels, transposed convolutions, 3x3x3 head, two classes") {
        UNetConfig c;
        c.baseFeatures = 2;
        c.downFactors = {{1, 2, 2}, {2, 2, 2}};
        c.kernelSizes = {{1, 3, 3}, {3, 3, 3}, {3, 3, 3}};
        c.upsampling = Upsampling::TransposedConv;
        c.headKernel = 3;
        c.classes = 2;
        const Model model = randomModel(c, {22, 48, 48});
        const std::vector<Volume> tiled = predictVolume(model, image, floatOutput({22, 48, 48}));
        const std::vector<Volume> single = predictVolume(model, image, floatOutput({99, 99, 99}));
        REQUIRE(tiled.size() == 2);
        CHECK(planPrediction(model, image.shape(), floatOutput({22, 48, 48})).tileCount() > 1);
        for (std::size_t c2 = 0; c2 < 2; ++c2)
            CHECK(test::maxAbsDifference(tiled[c2], single[c2]) < 1e-5);
    }
}

TEST_CASE("the default tile outgrows a small training patch, not the volume",
          "[learning][predict]") {
    const Model model = randomModel(test::tinyNetwork(), {36, 36, 36});
    const Shape3 trainingOutput = unetGeometry(test::tinyNetwork(), {36, 36, 36}).output;
    const TilePlan big = planPrediction(model, {200, 200, 200}, floatOutput());
    CHECK(big.tile.output.z > trainingOutput.z);
    CHECK(big.tile.output.x > trainingOutput.x);
    CHECK(big.tile.output.x <= 128 + 8); // rounded up to a valid size at most
    // A volume thinner than the default output along z is covered by one tile along z.
    const TilePlan thin = planPrediction(model, {10, 200, 200}, floatOutput());
    CHECK(thin.counts.z == 1);
    CHECK(thin.tile.output.z >= 10);
    // An explicit size still wins on its axis.
    CHECK(planPrediction(model, {200, 200, 200}, floatOutput({36, 0, 0})).tile.input.z == 36);
}

TEST_CASE("every voxel is predicted once, borders included", "[learning][predict]") {
    const Model model = randomModel(test::tinyNetwork(), {36, 36, 36});
    const Volume image = test::noiseVolume({17, 29, 33}, 2);
    std::vector<int> hits(static_cast<std::size_t>(image.voxelCount()), 0);
    BlockReader reader;
    reader.shape = image.shape();
    std::set<std::string> requested;
    reader.read = [&](const Box3& box) {
        REQUIRE(box.fitsIn(image.shape())); // mirroring happens after reading
        return image.crop(box).clone();
    };
    const Volume reference = predictVolume(model, image, floatOutput({24, 24, 24}))[0];
    predictBlocks(
        model, reader,
        [&](int c, const Box3& box, const Volume& block) {
            CHECK(c == 0);
            REQUIRE(block.shape() == box.size);
            CHECK(test::maxAbsDifference(block, reference.crop(box).clone()) == 0.0);
            for (std::int64_t z = box.begin.z; z < box.end().z; ++z)
                for (std::int64_t y = box.begin.y; y < box.end().y; ++y)
                    for (std::int64_t x = box.begin.x; x < box.end().x; ++x)
                        ++hits[static_cast<std::size_t>((z * 29 + y) * 33 + x)];
        },
        floatOutput({24, 24, 24}));
    CHECK(std::set<int>(hits.begin(), hits.end()) == std::set<int>{1});
}

TEST_CASE("a volume smaller than the network's input is predicted with mirrored context",
          "[learning][predict]") {
    const Model model = randomModel(test::tinyNetwork(), {36, 36, 36});
    const Volume image = test::noiseVolume({3, 5, 2}, 4);
    const Volume p = predictVolume(model, image, floatOutput())[0];
    CHECK(p.shape() == image.shape());
    // Mirroring is symmetric: a volume mirrored along x predicts the mirrored result
    // only approximately (pooling phase), but all values must be probabilities.
    for (std::int64_t z = 0; z < 3; ++z)
        for (std::int64_t y = 0; y < 5; ++y)
            for (std::int64_t x = 0; x < 2; ++x) {
                const double v = p.valueAt({z, y, x});
                CHECK(v >= 0.0);
                CHECK(v <= 1.0);
            }
}

TEST_CASE("uint8 probability maps are the float maps times 255, rounded", "[learning][predict]") {
    const Model model = randomModel(test::tinyNetwork(), {36, 36, 36});
    const Volume image = test::noiseVolume({12, 12, 12}, 8);
    Volume f = predictVolume(model, image, floatOutput())[0];
    PredictOptions bytes;
    const Volume u = predictVolume(model, image, bytes)[0];
    REQUIRE(u.dataType() == DataType::UInt8);
    for (std::int64_t z = 0; z < 12; ++z)
        for (std::int64_t x = 0; x < 12; ++x)
            CHECK(u.valueAt({z, 3, x}) == std::round(f.valueAt({z, 3, x}) * 255.0));
    PredictOptions wrong;
    wrong.outputType = DataType::UInt16;
    CHECK_THROWS_AS(predictVolume(model, image, wrong), InvalidArgument);
}

TEST_CASE("prediction reports progress and stops when cancelled", "[learning][predict]") {
    const Model model = randomModel(test::tinyNetwork(), {36, 36, 36});
    const Volume image = test::noiseVolume({40, 40, 40}, 8);
    auto cancel = std::make_shared<CancelToken>();
    int reports = 0;
    PredictOptions o = floatOutput({20, 20, 20});
    o.progress = Progress(
        [&](double fraction, const std::string&) {
            CHECK(fraction >= 0.0);
            CHECK(fraction <= 1.0);
            if (++reports == 3)
                cancel->cancel();
        },
        cancel);
    CHECK_THROWS_AS(predictVolume(model, image, o), Cancelled);
    CHECK(reports == 3);
    CHECK_THROWS_AS(predictVolume(Model(), image, o), InvalidArgument);
}
