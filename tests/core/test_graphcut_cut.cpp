// The one-shot graph cut: hard constraints, energies, clear errors on bad input,
// the coarse-to-fine banded cut against the exact one, and segmentation quality on
// the phantom with simulated strokes.
#include "test_graphcut_support.h"

#include "core/graphcut/BandedGraphCut.h"
#include "core/graphcut/GraphCut.h"
#include "core/graphcut/StrokeSimulator.h"
#include "core/metrics/Metrics.h"
#include "core/phantom/Phantom.h"
#include "core/util/Error.h"

#include "VolumeTestSupport.h"

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

// Every stroked voxel carries its stroke's label.
std::int64_t strokeViolations(const Volume& strokes, const Volume& labels) {
    const auto s = strokes.view<std::uint8_t>();
    const auto l = labels.view<std::uint8_t>();
    std::int64_t bad = 0;
    for (std::int64_t z = 0; z < s.shape().z; ++z)
        for (std::int64_t y = 0; y < s.shape().y; ++y)
            for (std::int64_t x = 0; x < s.shape().x; ++x)
                bad += (s(z, y, x) == kStrokeObject && l(z, y, x) != 1) ||
                       (s(z, y, x) == kStrokeBackground && l(z, y, x) != 0);
    return bad;
}

double agreement(const Volume& a, const Volume& b) {
    const auto va = a.view<std::uint8_t>();
    const auto vb = b.view<std::uint8_t>();
    std::int64_t same = 0;
    for (std::int64_t z = 0; z < va.shape().z; ++z)
        for (std::int64_t y = 0; y < va.shape().y; ++y)
            for (std::int64_t x = 0; x < va.shape().x; ++x)
                same += va(z, y, x) == vb(z, y, x);
    return double(same) / double(a.voxelCount());
}

double f1(const Volume& prediction, const Volume& truth) {
    EvaluationOptions o;
    o.countObjects = false;
    return evaluateSegmentation(prediction, truth, o).voxels.f1();
}

// A 128^3 phantom, its mitochondria and strokes on three orthogonal planes, made once.
struct PhantomCase {
    Volume image, truth, strokes;
};
const PhantomCase& phantomCase() {
    static const PhantomCase c = [] {
        PhantomCase p;
        const Phantom phantom = generatePhantom(PhantomParams{});
        p.image = phantom.image;
        p.truth = organelleMask(phantom.labels, PhantomOrganelle::Mitochondrion);
        StrokeSimulation sim;
        sim.planes = orthogonalPlanes(p.truth.shape());
        p.strokes = rasterizeStrokes(simulateStrokes(p.truth, sim));
        return p;
    }();
    return c;
}

} // namespace

TEST_CASE("hard constraints hold even against the image", "[graphcut]") {
    const BlobVolume blob = makeBlobVolume({12, 24, 24}, 2, 25.0);
    Volume s = strokesOnSlices(blob.truth, {6});
    // Strokes that contradict the intensities: background in the bright blob, object
    // on the dark background, far from the strokes of the right class.
    paintBox(s, {{3, 11, 11}, {1, 2, 2}}, kStrokeBackground);
    paintBox(s, {{9, 1, 1}, {2, 2, 2}}, kStrokeObject);
    for (int connectivity : {6, 18, 26})
        for (BandMode band : {BandMode::Never, BandMode::Always}) {
            INFO("connectivity " << connectivity << ", banded " << (band == BandMode::Always));
            GraphCutParams params;
            params.energy.connectivity = connectivity;
            params.energy.regionalWeight = 0.1;
            params.band = band;
            const GraphCutResult r = graphCut(blob.image, s, params);
            REQUIRE(r.stats.banded == (band == BandMode::Always));
            REQUIRE(strokeViolations(s, r.labels) == 0);
            const Energy energy = Energy::fit(blob.image, s, params.energy);
            // The energy reported is the energy of the labelling returned.
            REQUIRE(r.stats.energyQuanta == energy.evaluate(blob.image, s, r.labels));
            REQUIRE(r.stats.objectVoxels > 0);
            REQUIRE(r.stats.objectVoxels < blob.image.voxelCount());
        }
}

TEST_CASE("the exact cut minimises the energy", "[graphcut]") {
    const BlobVolume blob = makeBlobVolume({10, 20, 22}, 6, 40.0);
    const Volume s = strokesOnSlices(blob.truth, {5});
    GraphCutParams params;
    params.band = BandMode::Never;
    const GraphCutResult r = graphCut(blob.image, s, params);
    const Energy energy = Energy::fit(blob.image, s, params.energy);
    REQUIRE(r.stats.energyQuanta == energy.evaluate(blob.image, s, r.labels));
    REQUIRE(r.stats.energy == Approx(double(r.stats.energyQuanta) * energy.unit()));
    // No labelling that respects the strokes does better: the truth, and the result
    // with single voxels flipped.
    REQUIRE(energy.evaluate(blob.image, s, blob.truth) >= r.stats.energyQuanta);
    Volume flipped = r.labels.clone();
    auto f = flipped.view<std::uint8_t>();
    const auto sv = s.view<std::uint8_t>();
    for (std::int64_t i = 0; i < 40; ++i) {
        const Index3 p{(i * 7) % 10, (i * 5) % 20, (i * 3) % 22};
        if (sv(p) != kStrokeNone)
            continue;
        f(p) = std::uint8_t(1 - f(p));
        REQUIRE(energy.evaluate(blob.image, s, flipped) >= r.stats.energyQuanta);
        f(p) = std::uint8_t(1 - f(p));
    }
}

TEST_CASE("graph-cut input errors are clear", "[graphcut]") {
    const BlobVolume blob = makeBlobVolume({6, 10, 10}, 1);
    const Shape3 shape = blob.image.shape();
    Volume none = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    REQUIRE_THROWS_WITH(graphCut(blob.image, none), Catch::Contains("no strokes were given"));
    Volume object = none.clone();
    paintBox(object, {{3, 4, 4}, {1, 2, 2}}, kStrokeObject);
    REQUIRE_THROWS_WITH(graphCut(blob.image, object), Catch::Contains("only object strokes"));
    Volume background = none.clone();
    paintBox(background, {{3, 0, 0}, {1, 2, 2}}, kStrokeBackground);
    REQUIRE_THROWS_WITH(graphCut(blob.image, background),
                        Catch::Contains("only background strokes"));
    GraphCutParams banded;
    banded.band = BandMode::Always;
    REQUIRE_THROWS_WITH(graphCut(blob.image, background, banded),
                        Catch::Contains("only background strokes"));

    Volume both = object.clone();
    paintBox(both, {{3, 0, 0}, {1, 2, 2}}, kStrokeBackground);
    REQUIRE_THROWS_WITH(graphCut(Volume(), both), Catch::Contains("non-empty image"));
    const Volume wrongShape = Volume::allocate(DataType::UInt8, {6, 10, 9}, VolumeRole::Label);
    REQUIRE_THROWS_WITH(graphCut(blob.image, wrongShape), Catch::Contains("do not have the image"));
    Volume badValue = both.clone();
    badValue.view<std::uint8_t>()(1, 2, 3) = 7;
    REQUIRE_THROWS_WITH(graphCut(blob.image, badValue), Catch::Contains("stroke value 7"));

    GraphCutParams bad;
    bad.energy.connectivity = 10;
    REQUIRE_THROWS_WITH(graphCut(blob.image, both, bad), Catch::Contains("connectivity"));
    bad = {};
    bad.energy.lambda = -1;
    REQUIRE_THROWS_AS(graphCut(blob.image, both, bad), InvalidArgument);
    bad = banded;
    bad.coarseFactor = 3;
    REQUIRE_THROWS_WITH(graphCut(blob.image, both, bad), Catch::Contains("coarse factor"));

    // Strokes drawn outside the volume.
    StrokeList list;
    list.shape = shape;
    Stroke outside;
    outside.axis = 0;
    outside.slice = 6; // z has slices 0..5
    outside.points = {{{2, 2}}, {{4, 4}}};
    list.strokes = {outside};
    REQUIRE_THROWS_WITH(rasterizeStrokes(list), Catch::Contains("lies outside the volume"));
    outside.slice = 2;
    outside.points = {{{2, 2}}, {{4, 30}}};
    list.strokes = {outside};
    REQUIRE_THROWS_WITH(rasterizeStrokes(list), Catch::Contains("outside its 10 x 10 plane"));
    REQUIRE_THROWS_AS(parsePlanes("y:10", shape), InvalidArgument);
}

TEST_CASE("banded cut agrees with the exact cut on a 128^3 phantom", "[graphcut]") {
    const PhantomCase& p = phantomCase();
    GraphCutParams params;
    params.band = BandMode::Never;
    const Energy energy = Energy::fit(p.image, p.strokes, params.energy);
    const GraphCutResult exact = graphCut(p.image, p.strokes, energy, params);
    params.band = BandMode::Always;
    const GraphCutResult banded = graphCut(p.image, p.strokes, energy, params);
    REQUIRE(banded.stats.banded);
    REQUIRE(banded.stats.coarseFactor == 2);
    // The band is a fraction of the volume, and holds the whole boundary.
    REQUIRE(banded.stats.bandVoxels < p.image.voxelCount() / 2);
    INFO("exact energy " << exact.stats.energyQuanta << ", banded " << banded.stats.energyQuanta);
    REQUIRE(agreement(banded.labels, exact.labels) >= 0.995);
    REQUIRE(strokeViolations(p.strokes, banded.labels) == 0);
    // The banded result is a labelling like any other: never below the minimum.
    REQUIRE(banded.stats.energyQuanta == energy.evaluate(p.image, p.strokes, banded.labels));
    REQUIRE(banded.stats.energyQuanta >= exact.stats.energyQuanta);

    // A coarser factor still agrees closely.
    params.coarseFactor = 4;
    const GraphCutResult coarser = graphCut(p.image, p.strokes, energy, params);
    REQUIRE(coarser.stats.coarseFactor == 4);
    REQUIRE(agreement(coarser.labels, exact.labels) >= 0.99);
    REQUIRE(strokeViolations(p.strokes, coarser.labels) == 0);
}

TEST_CASE("strokes on three planes segment the phantom's mitochondria", "[graphcut]") {
    const PhantomCase& p = phantomCase();
    GraphCutParams params;
    const GraphCutResult r = graphCut(p.image, p.strokes, params);
    REQUIRE_FALSE(r.stats.banded); // 128^3 is cut exactly by default
    const double score = f1(r.labels, p.truth);
    INFO("F1 " << score);
    REQUIRE(score >= 0.9);
}

TEST_CASE("auto mode bands large volumes only", "[graphcut]") {
    GraphCutParams params;
    REQUIRE(autoCoarseFactor({512, 512, 512}, params) == 2);
    REQUIRE(autoCoarseFactor({1024, 1024, 1024}, params) == 4);
    REQUIRE(autoCoarseFactor({2048, 2048, 2048}, params) == 8);
    params.coarseFactor = 8;
    REQUIRE(autoCoarseFactor({64, 64, 64}, params) == 8);

    const BlobVolume blob = makeBlobVolume({16, 24, 32}, 9);
    const Volume s = strokesOnSlices(blob.truth, {8});
    GraphCutParams small;
    small.exactVoxelLimit = 1000; // below this volume: Auto goes banded
    const GraphCutResult r = graphCut(blob.image, s, small);
    REQUIRE(r.stats.banded);
    REQUIRE(strokeViolations(s, r.labels) == 0);
    small.exactVoxelLimit = blob.image.voxelCount();
    REQUIRE_FALSE(graphCut(blob.image, s, small).stats.banded);
}

TEST_CASE("auto mode bands a cut whose exact solver does not fit in memory", "[graphcut]") {
    const BlobVolume blob = makeBlobVolume({16, 48, 64}, 9);
    const Volume s = strokesOnSlices(blob.truth, {4, 12});
    GraphCutParams params;
    const std::int64_t n = blob.image.voxelCount();
    const std::uint64_t exact = exactSolverBytes(n, params.energy.connectivity) + std::uint64_t(n);
    {
        const test::MemoryLimit roomy(exact + 1);
        CHECK_FALSE(cutsBanded(n, params));
        CHECK_FALSE(graphCut(blob.image, s, params).stats.banded);
    }
    // Not even the exact solver's state fits (the labels aside).
    const test::MemoryLimit tight(exactSolverBytes(n, params.energy.connectivity) - 1);
    CHECK(cutsBanded(n, params));
    const GraphCutResult banded = graphCut(blob.image, s, params);
    CHECK(banded.stats.banded);
    CHECK(banded.stats.solverBytes < exact);
    CHECK(strokeViolations(s, banded.labels) == 0);
    // Asked for the exact cut by hand: it is refused with the numbers, not banded.
    params.band = BandMode::Never;
    CHECK_FALSE(cutsBanded(n, params));
    CHECK_THROWS_AS(graphCut(blob.image, s, params), MemoryBudgetError);
}

TEST_CASE("a cancelled banded cut throws and returns nothing", "[graphcut]") {
    const BlobVolume blob = makeBlobVolume({16, 32, 32}, 4, 30.0);
    const Volume s = strokesOnSlices(blob.truth, {8});
    GraphCutParams params;
    params.band = BandMode::Always;
    auto token = std::make_shared<CancelToken>();
    bool sawBand = false;
    const Progress cancelling(
        [&](double, const std::string& message) {
            if (message == "building the band") {
                sawBand = true;
                token->cancel();
            }
        },
        token);
    GraphCutResult kept = graphCut(blob.image, s, params);
    const Volume before = kept.labels.clone();
    REQUIRE_THROWS_AS(kept = graphCut(blob.image, s, params, cancelling), Cancelled);
    REQUIRE(sawBand);
    REQUIRE(agreement(kept.labels, before) == 1.0);
}
