// The classifier's probability for one plane or box (the app's live preview): the
// same numbers as the whole-volume map, only fewer of them.
#include "core/graphcut/Energy.h"
#include "core/graphcut/StrokeClassifier.h"
#include "core/util/Error.h"
#include "tests/support/VolumeTestSupport.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>

using namespace cisterna;

namespace {

// A noisy bright block in a darker, differently noisy background, and strokes on two
// z planes: object inside the block, background around it. Not separable by the
// strokes alone, so the forest's probabilities vary from voxel to voxel.
struct Scene {
    Volume image, strokes;
};

Scene makeScene(const Shape3& shape) {
    Scene s;
    auto inside = [](std::int64_t y, std::int64_t x) {
        return y > 8 && y < 24 && x > 10 && x < 30;
    };
    s.image = test::noisyImage(shape, 12345, 6,
                               [&](std::int64_t, std::int64_t y, std::int64_t x, int noise) {
                                   return inside(y, x) ? 120 + noise : 60 + noise / 2;
                               });
    s.image.setVoxelSize({30, 6, 6});
    s.image.setOrigin({100, 200, 300});
    s.strokes = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    auto str = s.strokes.view<std::uint8_t>();
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x) {
                const bool object = inside(y, x);
                if (z == 2 || z == shape.z - 3) {
                    if (object && x % 3 == 0)
                        str(z, y, x) = kStrokeObject;
                    else if (!object && (y < 5 || y > 28) && x % 4 == 0)
                        str(z, y, x) = kStrokeBackground;
                }
            }
    return s;
}

} // namespace

TEST_CASE("the plane predictor gives exactly the whole-volume map's plane", "[graphcut][preview]") {
    const Shape3 shape{9, 32, 40};
    const Scene scene = makeScene(shape);
    StrokeClassifierOptions o;
    o.forest.trees = 8;
    // Fine scales only: with the context scales the scene's block is so plain that the
    // map takes a handful of values, and equal planes would prove little.
    o.features.scales = {0.7, 1.6, 3.5};
    o.features.largestSmoothing = 5;
    const FeatureStack features = computeVoxelFeatures(scene.image, o.features);
    const StrokeSamples samples = sampleStrokes(features, scene.strokes, o.samplesPerClass);
    const RandomForest forest = RandomForest::train(samples.samples, o.forest);
    const Volume whole = predictProbability(features, forest, scene.image);
    const auto w = whole.view<std::uint8_t>();

    // Some variation, or equality would prove little.
    int distinct[256] = {};
    for (std::int64_t i = 0; i < whole.voxelCount(); ++i)
        distinct[static_cast<const std::uint8_t*>(whole.data())[i]] = 1;
    int values = 0;
    for (int d : distinct)
        values += d;
    REQUIRE(values > 10);

    for (int axis = 0; axis < 3; ++axis) {
        const std::int64_t extent = axis == 0 ? shape.z : axis == 1 ? shape.y : shape.x;
        for (const std::int64_t index : {std::int64_t(0), extent / 2, extent - 1}) {
            const Box3 box = planeBox(shape, axis, index);
            const Volume plane = predictProbability(features, forest, scene.image, box);
            REQUIRE(plane.shape() == box.size);
            const Volume expected = whole.crop(box);
            CHECK(plane.origin() == expected.origin()); // the plane's place in nm
            CHECK(plane.voxelSize() == scene.image.voxelSize());
            const auto p = plane.view<std::uint8_t>();
            const auto e = expected.view<std::uint8_t>();
            std::int64_t differ = 0;
            for (std::int64_t z = 0; z < box.size.z; ++z)
                for (std::int64_t y = 0; y < box.size.y; ++y)
                    for (std::int64_t x = 0; x < box.size.x; ++x)
                        differ += p(z, y, x) != e(z, y, x);
            CHECK(differ == 0);
        }
    }

    // A box, not only a plane.
    const Box3 box{{2, 5, 7}, {3, 11, 13}};
    const Volume part = predictProbability(features, forest, scene.image, box);
    std::int64_t differ = 0;
    for (std::int64_t z = 0; z < box.size.z; ++z)
        for (std::int64_t y = 0; y < box.size.y; ++y)
            for (std::int64_t x = 0; x < box.size.x; ++x)
                differ += part.view<std::uint8_t>()(z, y, x) !=
                          w(box.begin.z + z, box.begin.y + y, box.begin.x + x);
    CHECK(differ == 0);
    // The object is recognised at all (the map is not noise).
    CHECK(w(4, 16, 20) > 200);
    CHECK(w(4, 2, 2) < 55);
}

TEST_CASE("planes and boxes outside the features are refused", "[graphcut][preview]") {
    const Shape3 shape{4, 6, 8};
    CHECK(planeBox(shape, 0, 3) == Box3{{3, 0, 0}, {1, 6, 8}});
    CHECK(planeBox(shape, 1, 5) == Box3{{0, 5, 0}, {4, 1, 8}});
    CHECK(planeBox(shape, 2, 0) == Box3{{0, 0, 0}, {4, 6, 1}});
    CHECK_THROWS_AS(planeBox(shape, 0, 4), InvalidArgument);
    CHECK_THROWS_AS(planeBox(shape, 2, -1), InvalidArgument);
    CHECK_THROWS_AS(planeBox(shape, 3, 0), InvalidArgument);

    const Scene scene = makeScene({5, 32, 40});
    StrokeClassifierOptions o;
    o.forest.trees = 2;
    const FeatureStack features = computeVoxelFeatures(scene.image, o.features);
    const RandomForest forest =
        RandomForest::train(sampleStrokes(features, scene.strokes, 500).samples, o.forest);
    CHECK_THROWS_AS(predictProbability(features, forest, scene.image, Box3{{0, 0, 0}, {6, 32, 40}}),
                    InvalidArgument);
}
