// Re-cuts after stroke edits reuse the previous flow and reach the same minimum
// energy as a cut from scratch; cancelled cuts leave the previous result untouched.
#include "test_graphcut_support.h"

#include "core/graphcut/DynamicGraphCut.h"
#include "core/graphcut/GraphCut.h"
#include "core/util/Error.h"
#include "core/volume/VolumeOps.h"

#include <catch2/catch.hpp>

using namespace cisterna;
using namespace cisterna::test;

namespace {

void paintBox(Volume& strokes, const Box3& box, std::uint8_t label) {
    auto v = strokes.view<std::uint8_t>();
    for (std::int64_t z = box.begin.z; z < box.end().z; ++z)
        for (std::int64_t y = box.begin.y; y < box.end().y; ++y)
            for (std::int64_t x = box.begin.x; x < box.end().x; ++x)
                v(z, y, x) = label;
}

GraphCutParams smallParams() {
    GraphCutParams p;
    p.energy.regionalWeight = 0.05;
    p.band = BandMode::Never;
    return p;
}

// The re-cut equals a scratch cut with the same strokes: energy from the flow,
// energy of the labels, and the labels themselves (both are the minimal source
// side of a maximum flow, which is unique).
void requireSameAsScratch(const GraphCutResult& recut, const Volume& image, const Volume& strokes,
                          const Energy& energy) {
    const GraphCutResult scratch = exactGraphCut(image, strokes, energy);
    REQUIRE(recut.stats.reused);
    REQUIRE(recut.stats.energyQuanta == scratch.stats.energyQuanta);
    REQUIRE(energy.evaluate(image, strokes, recut.labels) == scratch.stats.energyQuanta);
    REQUIRE(sameVoxels(recut.labels, scratch.labels));
}

// True when the strokes lack a class (an edit may erase the last of one).
bool checkStrokesOrNull(const Volume& image, const Volume& strokes) {
    try {
        checkStrokes(image, strokes);
        return false;
    } catch (const InvalidArgument&) {
        return true;
    }
}

} // namespace

TEST_CASE("re-cuts after added and removed strokes reach the scratch energy", "[graphcut]") {
    const BlobVolume blob = makeBlobVolume({20, 32, 36}, 3, 35.0);
    Volume strokes = strokesOnSlices(blob.truth, {10});
    for (int connectivity : {6, 26}) {
        INFO("connectivity " << connectivity);
        GraphCutParams params = smallParams();
        params.energy.connectivity = connectivity;
        DynamicGraphCut session(blob.image, params);
        Volume s = strokes.clone();
        const GraphCutResult first = session.cut(s);
        REQUIRE_FALSE(first.stats.reused);
        REQUIRE(first.stats.energyQuanta ==
                session.energy()->evaluate(blob.image, s, first.labels));

        // Add a background stroke inside the object and an object stroke elsewhere.
        paintBox(s, {{4, 14, 16}, {1, 3, 3}}, kStrokeBackground);
        paintBox(s, {{15, 12, 14}, {1, 4, 6}}, kStrokeObject);
        const GraphCutResult& second = session.cut(s);
        REQUIRE(second.stats.changedLinks > 0);
        requireSameAsScratch(second, blob.image, s, *session.energy());
        // The same strokes from scratch through the public entry point.
        REQUIRE(graphCut(blob.image, s, params).stats.energyQuanta == second.stats.energyQuanta);

        // Remove the first strokes' slice entirely but keep the additions.
        paintBox(s, {{10, 0, 0}, {1, 32, 36}}, kStrokeNone);
        paintBox(s, {{2, 0, 0}, {1, 3, 3}}, kStrokeBackground);
        const GraphCutResult& third = session.cut(s);
        requireSameAsScratch(third, blob.image, s, *session.energy());
    }
}

TEST_CASE("re-cuts with a frozen regional model change only edited voxels", "[graphcut]") {
    const BlobVolume blob = makeBlobVolume({16, 24, 24}, 8, 30.0);
    Volume s = strokesOnSlices(blob.truth, {8});
    DynamicGraphCut session(blob.image, smallParams(), false);
    session.cut(s);
    const Energy frozen = *session.energy();
    paintBox(s, {{3, 10, 10}, {1, 2, 2}}, kStrokeBackground); // 4 voxels
    const GraphCutResult& again = session.cut(s);
    REQUIRE(again.stats.changedLinks <= 4);
    REQUIRE(again.stats.changedLinks > 0);
    requireSameAsScratch(again, blob.image, s, frozen);
}

TEST_CASE("a cancelled cut leaves the previous result untouched", "[graphcut]") {
    const BlobVolume blob = makeBlobVolume({24, 40, 40}, 4, 35.0);
    Volume s = strokesOnSlices(blob.truth, {12});
    DynamicGraphCut session(blob.image, smallParams());
    const GraphCutResult first = session.cut(s);
    const Volume firstLabels = first.labels.clone();

    paintBox(s, {{5, 18, 18}, {2, 4, 4}}, kStrokeBackground);
    auto token = std::make_shared<CancelToken>();
    int flowReports = 0;
    const Progress cancelling(
        [&](double, const std::string& message) {
            if (message == "max-flow" && ++flowReports == 1)
                token->cancel();
        },
        token);
    REQUIRE_THROWS_AS(session.cut(s, cancelling), Cancelled);
    REQUIRE(flowReports == 1);
    REQUIRE(session.result().stats.energyQuanta == first.stats.energyQuanta);
    REQUIRE(sameVoxels(session.result().labels, firstLabels));
    REQUIRE(sameVoxels(first.labels, firstLabels));

    // The next cut goes on from the flow pushed before the cancel.
    const GraphCutResult& resumed = session.cut(s);
    requireSameAsScratch(resumed, blob.image, s, *session.energy());

    // A one-shot cut cancelled mid-flow throws and hands back nothing.
    auto token2 = std::make_shared<CancelToken>();
    GraphCutResult kept = resumed;
    const Progress cancelAtOnce(
        [&](double, const std::string& message) {
            if (message == "max-flow")
                token2->cancel();
        },
        token2);
    REQUIRE_THROWS_AS(kept = graphCut(blob.image, s, smallParams(), cancelAtOnce), Cancelled);
    REQUIRE(sameVoxels(kept.labels, resumed.labels));
}

TEST_CASE("re-cut sessions check their input", "[graphcut]") {
    const BlobVolume blob = makeBlobVolume({8, 12, 12}, 1);
    REQUIRE_THROWS_AS(DynamicGraphCut(Volume(), smallParams()), InvalidArgument);
    DynamicGraphCut session(blob.image, smallParams());
    REQUIRE_FALSE(session.hasResult());
    REQUIRE_THROWS_AS(session.result(), InvalidArgument);
    Volume onlyObject = Volume::allocate(DataType::UInt8, {8, 12, 12}, VolumeRole::Label);
    paintBox(onlyObject, {{4, 5, 5}, {1, 2, 2}}, kStrokeObject);
    REQUIRE_THROWS_WITH(session.cut(onlyObject), Catch::Contains("only object strokes"));
    REQUIRE_FALSE(session.hasResult());
}

TEST_CASE("series of frozen-model re-cuts stay equal to scratch cuts", "[graphcut]") {
    // Frozen models change only the edited voxels' links, so each re-cut searches
    // from those voxels only; every result must still be the scratch minimum.
    const BlobVolume blob = makeBlobVolume({18, 30, 34}, 11, 35.0);
    for (int connectivity : {6, 26}) {
        INFO("connectivity " << connectivity);
        GraphCutParams params = smallParams();
        params.energy.connectivity = connectivity;
        Volume s = strokesOnSlices(blob.truth, {9});
        DynamicGraphCut session(blob.image, params, false);
        session.cut(s);
        const Energy frozen = *session.energy();
        std::mt19937 rng{std::uint32_t(connectivity)};
        for (int edit = 0; edit < 8; ++edit) {
            INFO("edit " << edit);
            std::uniform_int_distribution<std::int64_t> z(0, 16), y(0, 27), x(0, 31);
            const std::uint8_t label = std::uint8_t(edit % 3); // erase, object, background
            paintBox(s, {{z(rng), y(rng), x(rng)}, {1, 3, 3}}, label);
            if (checkStrokesOrNull(blob.image, s))
                continue;
            const GraphCutResult& r = session.cut(s);
            requireSameAsScratch(r, blob.image, s, frozen);
        }
    }
}
