#include "core/metrics/ConnectedComponents.h"
#include "core/metrics/DistanceTransform.h"
#include "core/metrics/Metrics.h"
#include "core/util/Error.h"

#include <catch2/catch.hpp>
#include <cmath>

using namespace cisterna;

namespace {

Volume maskFromRows(const Shape3& shape, const std::vector<std::string>& rows) {
    // rows: z*y strings of x characters, '#' = 1, '.' = 0.
    Volume v = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    auto view = v.view<std::uint8_t>();
    std::size_t r = 0;
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y, ++r)
            for (std::int64_t x = 0; x < shape.x; ++x)
                view(z, y, x) = rows.at(r).at(static_cast<std::size_t>(x)) == '#';
    return v;
}

} // namespace

TEST_CASE("voxel metrics on a hand-computed case", "[metrics]") {
    // truth:      prediction:
    // ####..      ###...
    // ####..      ###..#
    const Shape3 shape{1, 2, 6};
    const Volume truth = maskFromRows(shape, {"####..", "####.."});
    const Volume pred = maskFromRows(shape, {"###...", "###..#"});
    const Evaluation e = evaluateSegmentation(pred, truth);
    REQUIRE(e.voxels.truePositives == 6);
    REQUIRE(e.voxels.falsePositives == 1);
    REQUIRE(e.voxels.falseNegatives == 2);
    REQUIRE(e.voxels.trueNegatives == 3);
    REQUIRE(e.voxels.precision() == Approx(6.0 / 7.0));
    REQUIRE(e.voxels.recall() == Approx(6.0 / 8.0));
    REQUIRE(e.voxels.f1() == Approx(6.0 / (6.0 + 1.5))); // TP / (TP + (FP+FN)/2)
    REQUIRE(e.voxels.iou() == Approx(6.0 / 9.0));
    // F1 is the harmonic mean of precision and recall.
    const double p = e.voxels.precision(), r = e.voxels.recall();
    REQUIRE(e.voxels.f1() == Approx(2 * p * r / (p + r)));
}

TEST_CASE("undefined metrics are NaN, not 0 or 1", "[metrics]") {
    const Shape3 shape{1, 1, 4};
    const Volume empty = maskFromRows(shape, {"...."});
    const Evaluation e = evaluateSegmentation(empty, empty);
    REQUIRE(std::isnan(e.voxels.precision()));
    REQUIRE(std::isnan(e.voxels.f1()));
    REQUIRE(e.voxels.trueNegatives == 4);
}

TEST_CASE("mask restricts evaluation", "[metrics]") {
    const Shape3 shape{1, 1, 6};
    const Volume truth = maskFromRows(shape, {"##...."});
    const Volume pred = maskFromRows(shape, {"#....#"});
    const Volume mask = maskFromRows(shape, {"####.."});
    EvaluationOptions o;
    o.mask = &mask;
    const Evaluation e = evaluateSegmentation(pred, truth, o);
    REQUIRE(e.voxels.truePositives == 1);
    REQUIRE(e.voxels.falseNegatives == 1);
    REQUIRE(e.voxels.falsePositives == 0); // x = 5 lies outside the mask
    REQUIRE(e.voxels.evaluatedVoxels == 4);
    REQUIRE(e.voxels.excludedVoxels == 2);
}

TEST_CASE("exclusion band leaves out voxels near the truth boundary", "[metrics]") {
    // One row: truth 0..3 foreground. Band 1 excludes x=3 (fg, next to bg) and x=4.
    const Shape3 shape{1, 1, 10};
    const Volume truth = maskFromRows(shape, {"####......"});
    const Volume pred = maskFromRows(shape, {"#####....."});
    EvaluationOptions o;
    o.exclusionBand = 1;
    const Evaluation e1 = evaluateSegmentation(pred, truth, o);
    REQUIRE(e1.voxels.excludedVoxels == 2);
    REQUIRE(e1.voxels.falsePositives == 0); // the FP at x=4 is inside the band
    REQUIRE(e1.voxels.truePositives == 3);
    o.exclusionBand = 2;
    const Evaluation e2 = evaluateSegmentation(pred, truth, o);
    REQUIRE(e2.voxels.excludedVoxels == 4); // x = 2, 3, 4, 5
    REQUIRE(e2.voxels.truePositives == 2);
    o.exclusionBand = 0;
    REQUIRE(evaluateSegmentation(pred, truth, o).voxels.falsePositives == 1);
}

TEST_CASE("exclusion band is Euclidean in 3D", "[metrics]") {
    const Shape3 shape{5, 5, 5};
    Volume truth = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    truth.view<std::uint8_t>()(2, 2, 2) = 1;
    const Volume pred = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    EvaluationOptions o;
    o.countObjects = false;
    o.exclusionBand = 1; // the centre and its 6 face neighbours
    REQUIRE(evaluateSegmentation(pred, truth, o).voxels.excludedVoxels == 7);
    o.exclusionBand = 1.5; // plus the 12 edge neighbours at sqrt(2)
    REQUIRE(evaluateSegmentation(pred, truth, o).voxels.excludedVoxels == 19);
    o.exclusionBand = 1.8; // plus the 8 corners at sqrt(3)
    REQUIRE(evaluateSegmentation(pred, truth, o).voxels.excludedVoxels == 27);
}

TEST_CASE("labels and thresholds select the foreground", "[metrics]") {
    Volume truth = Volume::allocate(DataType::UInt8, {1, 1, 4}, VolumeRole::Label);
    auto t = truth.view<std::uint8_t>();
    t(0, 0, 0) = 1; // mito
    t(0, 0, 1) = 2; // golgi
    t(0, 0, 2) = 1;
    Volume prob = Volume::allocate(DataType::Float32, {1, 1, 4});
    auto p = prob.view<float>();
    p(0, 0, 0) = 0.9f;
    p(0, 0, 1) = 0.7f;
    p(0, 0, 2) = 0.2f;
    EvaluationOptions o;
    o.truthLabel = 1;
    o.predictionThreshold = 0.5;
    const Evaluation e = evaluateSegmentation(prob, truth, o);
    REQUIRE(e.voxels.truePositives == 1);
    REQUIRE(e.voxels.falsePositives == 1);
    REQUIRE(e.voxels.falseNegatives == 1);
}

TEST_CASE("shape mismatch is a clear error", "[metrics]") {
    const Volume a = Volume::allocate(DataType::UInt8, {2, 2, 2});
    const Volume b = Volume::allocate(DataType::UInt8, {2, 2, 3});
    try {
        evaluateSegmentation(a, b);
        FAIL("expected an error");
    } catch (const InvalidArgument& e) {
        REQUIRE(std::string(e.what()).find("2 x 2 x 3") != std::string::npos);
    }
}

TEST_CASE("connected components with 6, 18 and 26 connectivity", "[metrics]") {
    // Two voxels touching by an edge, one more touching the second by a corner only.
    Volume v = Volume::allocate(DataType::UInt8, {3, 3, 3}, VolumeRole::Label);
    auto view = v.view<std::uint8_t>();
    view(0, 0, 0) = 1;
    view(0, 1, 1) = 1; // edge neighbour of (0,0,0)
    view(1, 2, 2) = 1; // corner neighbour of (0,1,1)
    view(2, 0, 0) = 1; // isolated
    REQUIRE(connectedComponents(v, Connectivity::Faces6).count == 4);
    REQUIRE(connectedComponents(v, Connectivity::Edges18).count == 3);
    const Components c26 = connectedComponents(v, Connectivity::Corners26);
    REQUIRE(c26.count == 2);
    REQUIRE(c26.sizes[1] == 3);
    REQUIRE(c26.sizes[2] == 1);
    REQUIRE(c26.labels[0] == 1);
}

TEST_CASE("components merge a U shape seen in raster order", "[metrics]") {
    // Two arms that only join at the bottom row need the union step.
    const Volume v = maskFromRows({1, 3, 3}, {"#.#", "#.#", "###"});
    const Components c = connectedComponents(v);
    REQUIRE(c.count == 1);
    REQUIRE(c.sizes[1] == 7);
}

TEST_CASE("object scores match objects one to one by IoU", "[metrics]") {
    // Truth: objects A (x 0-3), B (x 6-7). Prediction: A' (x 0-2, IoU 0.75),
    // C (x 9, a false object). B is missed.
    const Volume truth = maskFromRows({1, 1, 10}, {"####..##.."});
    const Volume pred = maskFromRows({1, 1, 10}, {"###......#"});
    const Evaluation e = evaluateSegmentation(pred, truth);
    REQUIRE(e.objects);
    REQUIRE(e.objects->truthObjects == 2);
    REQUIRE(e.objects->predictedObjects == 2);
    REQUIRE(e.objects->matchedObjects == 1);
    REQUIRE(e.objects->recall() == Approx(0.5));
    REQUIRE(e.objects->precision() == Approx(0.5));
    // Two halves of one object: neither reaches IoU 0.5 by more than half, no match.
    const Volume halves = maskFromRows({1, 1, 10}, {"##.##....."});
    const Volume whole = maskFromRows({1, 1, 10}, {"#####....."});
    REQUIRE(evaluateSegmentation(halves, whole).objects->matchedObjects == 0);
}

TEST_CASE("distance transform is exact on a line and in a plane", "[metrics]") {
    std::vector<bool> f(7, false);
    f[1] = true;
    f[6] = true;
    const auto d = squaredDistanceToFeature(f, {1, 1, 7});
    REQUIRE(d == std::vector<float>{1, 0, 1, 4, 4, 1, 0});
    std::vector<bool> g(9, false);
    g[0] = true;
    const auto d2 = squaredDistanceToFeature(g, {1, 3, 3});
    REQUIRE(d2[8] == 8.0f);
    REQUIRE(d2[5] == 5.0f);
}
