// The graph cut of a region: the box the strokes span plus a margin measured the same
// on every axis, the cut inside it equal to a cut of the crop, and the labels outside
// it kept as they were.
#include "core/graphcut/CutRegion.h"
#include "core/graphcut/VoxelFeatures.h"
#include "core/util/Error.h"

#include "VolumeTestSupport.h"

#include <catch2/catch.hpp>

#include <cstring>

using namespace cisterna;

namespace {

// Dark balls on a lighter background, deterministic, on thick sections (30 x 6 x 6).
Volume ballsImage(const Shape3& shape) {
    Volume v = test::noisyImage(shape, 7, 4,
                                [](std::int64_t z, std::int64_t y, std::int64_t x, int noise) {
                                    const double dy = double(y % 24) - 12, dx = double(x % 24) - 12;
                                    const bool inside = dy * dy + dx * dx < 36 && z % 6 != 0;
                                    return (inside ? 80 : 170) + noise - 8;
                                });
    v.setVoxelSize({30, 6, 6});
    return v;
}

Volume strokesOf(const Shape3& shape) {
    Volume s = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    s.setVoxelSize({30, 6, 6});
    std::memset(s.data(), 0, std::size_t(s.byteCount()));
    auto v = s.view<std::uint8_t>();
    for (std::int64_t z : {std::int64_t(3), std::int64_t(4)}) {
        for (std::int64_t d = -2; d <= 2; ++d) {
            v(z, 36, 36 + d) = kStrokeObject; // a ball centred on (36, 36)
            v(z, 36 + d, 36) = kStrokeObject;
        }
        for (std::int64_t x = 26; x < 47; ++x)
            v(z, 26, x) = kStrokeBackground; // between the balls
    }
    return s;
}

} // namespace

TEST_CASE("the strokes' region grows by the same distance on every axis", "[graphcut][region]") {
    const Shape3 shape{12, 96, 96};
    const Volume strokes = strokesOf(shape);
    // Stroked: z 3..4, y 26..38, x 26..46. A margin of 10 pixels (60 nm) is 2 sections.
    const Box3 box = strokeRegion(strokes, 10);
    CHECK(box.begin == Index3{1, 16, 16});
    CHECK(box.end() == Index3{7, 49, 57});
    // No margin: exactly the stroked box. A large one stops at the volume's faces.
    CHECK(strokeRegion(strokes, 0).begin == Index3{3, 26, 26});
    CHECK(strokeRegion(strokes, 0).size == Shape3{2, 13, 21});
    const Box3 all = strokeRegion(strokes, 1000);
    CHECK((all.begin == Index3{0, 0, 0} && all.size == shape));
    // Strokes of another integer type give the same box (the scan's general path).
    Volume wide = Volume::allocate(DataType::UInt16, shape, VolumeRole::Label);
    wide.setVoxelSize({30, 6, 6});
    const auto narrow = strokes.view<std::uint8_t>();
    auto w = wide.view<std::uint16_t>();
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x)
                w(z, y, x) = narrow(z, y, x);
    CHECK(strokeRegion(wide, 10) == box);
    // A small margin still takes a neighbouring section.
    CHECK(strokeRegion(strokes, 1).begin.z == 2);

    Volume none = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    std::memset(none.data(), 0, std::size_t(none.byteCount()));
    CHECK_THROWS_AS(strokeRegion(none, 10), InvalidArgument);
    CHECK_THROWS_AS(strokeRegion(strokes, -1), InvalidArgument);
}

TEST_CASE("a region cut equals the cut of the crop and keeps the labels outside",
          "[graphcut][region]") {
    const Shape3 shape{12, 72, 96};
    const Volume image = ballsImage(shape);
    const Volume strokes = strokesOf(shape);
    const Box3 box = strokeRegion(strokes, 12);
    REQUIRE(box.size.voxelCount() < shape.voxelCount() / 2);

    // What was there before: every voxel 1, so that kept and cut voxels differ.
    Volume before = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    std::memset(before.data(), 1, std::size_t(before.byteCount()));

    AutoGraphCutParams params;
    params.tune.enabled = false;
    params.fixedModel = params.fixedWeight = true;
    params.cut.energy.regionalWeight = 0.1;
    const AutoGraphCutResult region = autoGraphCutInRegion(image, strokes, params, box, before);
    const AutoGraphCutResult crop =
        autoGraphCut(image.crop(box).contiguous(), strokes.crop(box).contiguous(), params);
    REQUIRE(region.cut.labels.shape() == shape);
    const auto r = region.cut.labels.view<std::uint8_t>();
    const auto c = crop.cut.labels.view<std::uint8_t>();
    std::int64_t differentInside = 0, changedOutside = 0, objectInside = 0;
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x) {
                const bool inside = z >= box.begin.z && z < box.end().z && y >= box.begin.y &&
                                    y < box.end().y && x >= box.begin.x && x < box.end().x;
                if (!inside) {
                    changedOutside += r(z, y, x) != 1;
                    continue;
                }
                differentInside +=
                    r(z, y, x) != c(z - box.begin.z, y - box.begin.y, x - box.begin.x);
                objectInside += r(z, y, x);
            }
    CHECK(differentInside == 0);
    CHECK(changedOutside == 0);
    CHECK(objectInside > 0);
    CHECK(objectInside < box.size.voxelCount() / 2); // a cut, not the kept ones
    // Without labels to keep, the outside is background.
    const AutoGraphCutResult fresh = autoGraphCutInRegion(image, strokes, params, box);
    CHECK(fresh.cut.labels.view<std::uint8_t>()(0, 0, 0) == 0);

    Volume wrong = Volume::allocate(DataType::UInt8, {1, 2, 3}, VolumeRole::Label);
    CHECK_THROWS_AS(autoGraphCutInRegion(image, strokes, params, box, wrong), InvalidArgument);
    Box3 outside = box;
    outside.begin.x = shape.x - 2;
    CHECK_THROWS_AS(autoGraphCutInRegion(image, strokes, params, outside), InvalidArgument);
}

TEST_CASE("features cropped from the whole volume are the whole volume's", "[graphcut][region]") {
    const Shape3 shape{6, 20, 24};
    const Volume image = ballsImage(shape);
    VoxelFeatureOptions options;
    options.scales = {0.7, 1.6};
    options.largestSmoothing = 3;
    const FeatureStack all = computeVoxelFeatures(image, options);
    const Box3 box{{1, 3, 5}, {4, 10, 12}};
    const FeatureStack part = cropFeatures(all, box);
    REQUIRE(part.shape == box.size);
    REQUIRE(part.count == all.count);
    bool same = true;
    for (std::int64_t z = 0; z < box.size.z; ++z)
        for (std::int64_t y = 0; y < box.size.y; ++y)
            for (std::int64_t x = 0; x < box.size.x; ++x) {
                const std::int64_t i = (z * box.size.y + y) * box.size.x + x;
                const std::int64_t j = ((z + 1) * shape.y + y + 3) * shape.x + x + 5;
                same &= std::memcmp(part.voxel(i), all.voxel(j), std::size_t(all.count)) == 0;
            }
    CHECK(same);
    CHECK_THROWS_AS(cropFeatures(all, Box3{{0, 0, 0}, {7, 1, 1}}), InvalidArgument);
}
