// Stroke lists, stroke volumes and the simulated annotator.
#include "test_graphcut_support.h"

#include "TestPaths.h"
#include "core/graphcut/CutRegion.h"
#include "core/graphcut/StrokeSimulator.h"
#include "core/graphcut/Strokes.h"
#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"
#include "core/volume/VolumeOps.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace cisterna;
using namespace cisterna::test;

namespace {

std::int64_t countValue(const Volume& v, std::uint8_t value) {
    const auto* p = static_cast<const std::uint8_t*>(v.data());
    std::int64_t n = 0;
    for (std::int64_t i = 0; i < v.voxelCount(); ++i)
        n += p[i] == value;
    return n;
}

} // namespace

TEST_CASE("strokes paint discs along polylines on any axis", "[graphcut]") {
    StrokeList list;
    list.shape = {10, 20, 30};
    Stroke a; // object, on z plane 4, horizontal line y = 5, x 2..12, radius 1
    a.axis = 0;
    a.slice = 4;
    a.radius = 1;
    a.points = {{{5, 2}}, {{5, 12}}};
    Stroke b; // background, on x plane 25, a single point (z 3, y 10), radius 0
    b.label = kStrokeBackground;
    b.axis = 2;
    b.slice = 25;
    b.radius = 0;
    b.points = {{{3, 10}}};
    list.strokes = {a, b};
    const Volume v = rasterizeStrokes(list);
    const auto view = v.view<std::uint8_t>();
    // 11 centre voxels plus one row above and below, plus the two end caps.
    REQUIRE(countValue(v, kStrokeObject) == 3 * 11 + 2);
    REQUIRE(view(4, 5, 2) == kStrokeObject);
    REQUIRE(view(4, 4, 12) == kStrokeObject);
    REQUIRE(view(4, 5, 13) == kStrokeObject);
    REQUIRE(view(4, 4, 13) == kStrokeNone);
    REQUIRE(view(3, 5, 5) == kStrokeNone);
    REQUIRE(countValue(v, kStrokeBackground) == 1);
    REQUIRE(view(3, 10, 25) == kStrokeBackground);

    // A stroke volume and its run-length stroke list paint the same voxels.
    REQUIRE(sameVoxels(rasterizeStrokes(strokesFromVolume(v)), v));
}

TEST_CASE("a part of the strokes and their box, without painting the whole volume",
          "[graphcut][region]") {
    StrokeList list;
    list.shape = {12, 40, 50};
    Stroke a; // object on z plane 5, a diagonal of radius 2
    a.axis = 0;
    a.slice = 5;
    a.radius = 2;
    a.points = {{{10, 10}}, {{20, 30}}};
    Stroke b = a; // background over a's end, on an x plane, painted later
    b.label = kStrokeBackground;
    b.axis = 2;
    b.slice = 30;
    b.radius = 1;
    b.points = {{{3, 20}}, {{8, 20}}};
    list.strokes = {a, b};
    const Volume whole = rasterizeStrokes(list);
    REQUIRE(countValue(whole, kStrokeBackground) > 0);

    for (const Box3& box : {Box3{{0, 0, 0}, list.shape}, Box3{{4, 15, 25}, {3, 10, 10}},
                            Box3{{0, 0, 0}, {4, 40, 50}}, Box3{{5, 18, 28}, {1, 1, 5}}}) {
        INFO(toString(box));
        const Volume part = rasterizeStrokes(list, box);
        REQUIRE(part.shape() == box.size);
        CHECK(sameVoxels(part, whole.crop(box).contiguous()));
    }
    CHECK_THROWS_AS(rasterizeStrokes(list, Box3{{10, 0, 0}, {3, 40, 50}}), InvalidArgument);

    // The box of the painted voxels, found from the list alone.
    const Box3 bounds = strokeBounds(list);
    CHECK(bounds.begin == Index3{2, 8, 8}); // b's caps reach z 2 and 9, a's y 22, x 32
    CHECK(bounds.end() == Index3{10, 23, 33});
    Volume grown = whole.clone();
    grown.setVoxelSize({1, 1, 1});
    CHECK(strokeRegion(grown, 0) == bounds);
    CHECK_THROWS_AS(strokeBounds(StrokeList{list.shape, {}}), InvalidArgument);
    list.strokes[1].slice = 50; // off the volume: named like a painted stroke's error
    CHECK_THROWS_WITH(strokeBounds(list), Catch::Contains("stroke 1"));
}

TEST_CASE("stroke files round-trip and reject bad content", "[graphcut]") {
    ScratchDir dir("strokes-json");
    StrokeList list;
    list.shape = {8, 9, 10};
    Stroke s;
    s.axis = 1;
    s.slice = 7;
    s.radius = 1.5;
    s.points = {{{1, 2}}, {{3.5, 4.25}}, {{6, 9}}};
    list.strokes = {s};
    s.label = kStrokeBackground;
    s.axis = 0;
    s.slice = 0;
    list.strokes.push_back(s);
    const std::string path = dir.file("s.json");
    writeStrokes(path, list);
    const StrokeList back = readStrokes(path);
    REQUIRE(back.shape == list.shape);
    REQUIRE(back.strokes.size() == 2);
    REQUIRE(back.strokes[0].axis == 1);
    REQUIRE(back.strokes[1].label == kStrokeBackground);
    REQUIRE(back.strokes[0].points == list.strokes[0].points);
    REQUIRE(back.strokes[0].radius == 1.5);
    REQUIRE(sameVoxels(loadStrokeVolume(path, {8, 9, 10}), rasterizeStrokes(list)));
    REQUIRE_THROWS_WITH(loadStrokeVolume(path, {8, 9, 11}), Catch::Contains("drawn on a"));

    const std::string bad = dir.file("bad.json");
    writeFileAtomically(bad, "{\"format\": \"cisterna-strokes\", \"version\": 1}");
    REQUIRE_THROWS_AS(readStrokes(bad), FormatError);
    writeFileAtomically(bad, "not json");
    REQUIRE_THROWS_WITH(readStrokes(bad), Catch::Contains("bad.json"));
    // A stroke outside the volume it claims to be drawn on.
    list.strokes[0].slice = 9;
    writeStrokes(bad, list);
    REQUIRE_THROWS_WITH(loadStrokeVolume(bad, {8, 9, 10}), Catch::Contains("outside the volume"));
}

TEST_CASE("the simulated annotator strokes inside objects and clear of them", "[graphcut]") {
    const BlobVolume blob = makeBlobVolume({24, 40, 48}, 5);
    StrokeSimulation sim;
    sim.planes = {{0, 12}, {1, 20}, {2, 24}};
    sim.seed = 7;
    const StrokeList list = simulateStrokes(blob.truth, sim);
    const Volume strokes = rasterizeStrokes(list);
    REQUIRE(countValue(strokes, kStrokeObject) > 20);
    REQUIRE(countValue(strokes, kStrokeBackground) > 100);
    const auto t = blob.truth.view<std::uint8_t>();
    const auto s = strokes.view<std::uint8_t>();
    for (std::int64_t z = 0; z < 24; ++z)
        for (std::int64_t y = 0; y < 40; ++y)
            for (std::int64_t x = 0; x < 48; ++x) {
                if (s(z, y, x) == kStrokeNone)
                    continue;
                // Only on the chosen planes, object strokes on the object only.
                REQUIRE((z == 12 || y == 20 || x == 24));
                REQUIRE((s(z, y, x) == kStrokeObject) == (t(z, y, x) != 0));
            }
    // Deterministic for a seed.
    REQUIRE(sameVoxels(rasterizeStrokes(simulateStrokes(blob.truth, sim)), strokes));
    StrokeSimulation outside;
    outside.planes = {{0, 24}};
    REQUIRE_THROWS_AS(simulateStrokes(blob.truth, outside), InvalidArgument);
    REQUIRE(parsePlanes("z:3,y:4", {24, 40, 48}).size() == 2);
    REQUIRE_THROWS_AS(parsePlanes("q:3", {24, 40, 48}), InvalidArgument);
}
