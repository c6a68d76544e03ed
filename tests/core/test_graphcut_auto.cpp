// The graph cut as users run it: per-axis contrast, the random forest, the learned
// data term, the choice of weights by cross-validation on the strokes, the collapse
// warning, a prediction as prior, and cancellation.
#include "core/graphcut/AutoGraphCut.h"
#include "core/graphcut/DynamicGraphCut.h"
#include "core/graphcut/RandomForest.h"
#include "core/graphcut/VoxelFeatures.h"
#include "core/metrics/Metrics.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include "VolumeTestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>

using namespace cisterna;

namespace {

// Deterministic noise in [-1, 1].
double noise(std::int64_t i) {
    std::uint64_t h = std::uint64_t(i) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return double(h % 20001) / 10000.0 - 1.0;
}

void paintDisc(Volume& strokes, std::int64_t z, double cy, double cx, double r, std::uint8_t v) {
    auto s = strokes.view<std::uint8_t>();
    for (std::int64_t y = 0; y < s.shape().y; ++y)
        for (std::int64_t x = 0; x < s.shape().x; ++x)
            if ((y - cy) * (y - cy) + (x - cx) * (x - cx) <= r * r)
                s(z, y, x) = v;
}

void paintLine(Volume& strokes, std::int64_t z, std::int64_t y, std::int64_t x0, std::int64_t x1,
               std::uint8_t v) {
    auto s = strokes.view<std::uint8_t>();
    for (std::int64_t x = x0; x < x1; ++x)
        s(z, y, x) = v;
}

// A volume of this shape whose voxels depend on x only.
template <class F> Volume alongX(const Shape3& shape, F valueAt) {
    Volume v = Volume::allocate(DataType::UInt8, shape);
    auto view = v.view<std::uint8_t>();
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x)
                view(z, y, x) = std::uint8_t(valueAt(x));
    return v;
}

double f1(const Volume& labels, const Volume& truth) {
    EvaluationOptions eo;
    eo.countObjects = false;
    return evaluateSegmentation(labels, truth, eo).voxels.f1();
}

// Bright cylinders along z (object) on a dark noisy background, and strokes on two
// z planes: one object disc inside each cylinder, background lines between.
struct Cylinders {
    Volume image, truth, strokes;
};
Cylinders cylinders() {
    const std::int64_t z = 24, n = 64;
    Cylinders c;
    c.image = Volume::allocate(DataType::UInt8, {z, n, n});
    c.truth = Volume::allocate(DataType::UInt8, {z, n, n}, VolumeRole::Label);
    c.strokes = Volume::allocate(DataType::UInt8, {z, n, n}, VolumeRole::Label);
    auto img = c.image.view<std::uint8_t>();
    auto t = c.truth.view<std::uint8_t>();
    const double centres[2][2] = {{20, 20}, {44, 40}};
    for (std::int64_t k = 0; k < z; ++k)
        for (std::int64_t y = 0; y < n; ++y)
            for (std::int64_t x = 0; x < n; ++x) {
                bool inside = false;
                for (const auto& ctr : centres)
                    inside |= (y - ctr[0]) * (y - ctr[0]) + (x - ctr[1]) * (x - ctr[1]) <= 100;
                t(k, y, x) = inside;
                const double v = (inside ? 150 : 90) + 40 * noise((k * n + y) * n + x);
                img(k, y, x) = std::uint8_t(std::clamp(v, 0.0, 255.0));
            }
    for (std::int64_t k : {std::int64_t(6), std::int64_t(17)}) {
        paintDisc(c.strokes, k, 20, 20, 2, kStrokeObject);
        paintDisc(c.strokes, k, 44, 40, 2, kStrokeObject);
        paintLine(c.strokes, k, 4, 2, 62, kStrokeBackground);
        paintLine(c.strokes, k, 60, 2, 62, kStrokeBackground);
        paintLine(c.strokes, k, 32, 2, 10, kStrokeBackground);
    }
    return c;
}

} // namespace

TEST_CASE("contrast is estimated per axis, so thick sections do not look like boundaries",
          "[graphcut][auto]") {
    // In-plane steps of 10 grey values, steps of 40 between sections.
    Volume image = Volume::allocate(DataType::UInt8, {8, 16, 16});
    auto v = image.view<std::uint8_t>();
    for (std::int64_t z = 0; z < 8; ++z)
        for (std::int64_t y = 0; y < 16; ++y)
            for (std::int64_t x = 0; x < 16; ++x)
                v(z, y, x) = std::uint8_t(((x + y) % 2) * 10 + (z % 2) * 40 + 50);
    const Vec3d sigma = estimateAxisSigma(image);
    CHECK(sigma.x == Approx(10.0));
    CHECK(sigma.y == Approx(10.0));
    CHECK(sigma.z == Approx(40.0));
    Volume strokes = Volume::allocate(DataType::UInt8, image.shape(), VolumeRole::Label);
    strokes.view<std::uint8_t>()(0, 0, 0) = kStrokeObject;
    strokes.view<std::uint8_t>()(7, 15, 15) = kStrokeBackground;
    const Energy e = Energy::fit(image, strokes, EnergyParams());
    // A typical step costs the same whichever axis it is on (unit voxels here).
    CHECK(e.pairCapacity(50, 90, 4) == e.pairCapacity(50, 60, 0));
    CHECK(e.pairCapacity(50, 90, 0) < e.pairCapacity(50, 60, 0));
    // One sigma for all axes, when given, is still honoured.
    EnergyParams one;
    one.sigma = 20.0;
    CHECK(Energy::fit(image, strokes, one).axisSigma().z == 20.0);
}

TEST_CASE("the random forest learns a split no single threshold makes", "[graphcut][auto]") {
    TrainingSamples s;
    s.featureCount = 3;
    for (int i = 0; i < 2000; ++i) {
        const std::uint8_t a = std::uint8_t((i * 37) % 256), b = std::uint8_t((i * 101) % 256);
        const std::uint8_t row[3] = {a, b, std::uint8_t((i * 13) % 256)}; // third: noise
        s.add(row, a > 127 && b > 127); // a corner: one class is a quarter of the samples
    }
    RandomForestOptions o;
    const RandomForest f = RandomForest::train(s, o);
    const std::uint8_t in1[3] = {200, 220, 99}, in2[3] = {30, 30, 99}, in3[3] = {220, 40, 7};
    CHECK(f.probability(in1) > 0.8f);
    CHECK(f.probability(in2) < 0.2f);
    CHECK(f.probability(in3) < 0.2f);
    CHECK(f.outOfBagAccuracy() > 0.9);
    // Deterministic for a seed.
    CHECK(RandomForest::train(s, o).probability(in1) == f.probability(in1));
    TrainingSamples one;
    one.featureCount = 3;
    one.add(in1, true);
    CHECK_THROWS_AS(RandomForest::train(one, o), InvalidArgument);
}

TEST_CASE("the learned term separates two textures with the same grey-value histogram",
          "[graphcut][auto]") {
    // Object: a slab of coarse 4-voxel stripes; background: fine 1-voxel stripes. Both
    // are half 60 and half 180, so the histogram term has nothing to go on.
    const Shape3 shape{16, 48, 48};
    Volume image = Volume::allocate(DataType::UInt8, shape);
    Volume truth = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    auto img = image.view<std::uint8_t>();
    auto t = truth.view<std::uint8_t>();
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x) {
                const bool object = x >= 16 && x < 32;
                t(z, y, x) = object;
                const bool high = object ? ((y / 4) % 2) : (y % 2);
                img(z, y, x) = std::uint8_t(high ? 180 : 60);
            }
    Volume strokes = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    auto s = strokes.view<std::uint8_t>();
    for (std::int64_t z : {std::int64_t(3), std::int64_t(12)})
        for (std::int64_t y = 4; y < 44; ++y) {
            s(z, y, 20) = kStrokeObject;
            s(z, y, 27) = kStrokeObject;
            s(z, y, 6) = kStrokeBackground;
            s(z, y, 12) = kStrokeBackground;
            s(z, y, 36) = kStrokeBackground;
            s(z, y, 42) = kStrokeBackground;
        }
    AutoGraphCutParams p;
    p.tune.enabled = false;
    p.fixedModel = p.fixedWeight = true;
    p.cut.energy.regionalWeight = 1.0;
    p.cut.energy.regionalModel = RegionalModel::Learned;
    const AutoGraphCutResult learned = autoGraphCut(image, strokes, p);
    p.cut.energy.regionalModel = RegionalModel::Histogram;
    const AutoGraphCutResult histogram = autoGraphCut(image, strokes, p);
    CHECK(f1(learned.cut.labels, truth) > 0.8);
    CHECK(f1(histogram.cut.labels, truth) < 0.7);
    REQUIRE_FALSE(learned.probability.isNull());
    CHECK(learned.choice.classifierAccuracy > 0.9);
}

TEST_CASE("cross-validation on the strokes picks the setting that generalises",
          "[graphcut][auto]") {
    const Cylinders c = cylinders();
    AutoGraphCutParams p;
    p.tune.learned = false;
    // A weight so small that the cut stays on the strokes, and a sensible one.
    p.tune.weights = {0.0005, 0.3};
    const AutoGraphCutResult r = autoGraphCut(c.image, c.strokes, p);
    REQUIRE(r.choice.automatic);
    REQUIRE(r.choice.candidates.size() == 2);
    CHECK(r.choice.folds == 2);
    CHECK(r.choice.candidates[0].score < r.choice.candidates[1].score);
    CHECK(r.choice.regionalWeight == 0.3);
    CHECK(f1(r.cut.labels, c.truth) > 0.8);
    CHECK(r.cut.warning.empty());
    CHECK(r.choice.summary().find("cross-validation") != std::string::npos);
}

TEST_CASE("below the share ceiling a thin organelle's cut is judged at its own share",
          "[graphcut][auto]") {
    // The classifiers think the organelle is 0.1 % of the volume (a forest trained on
    // strokes down thin cisternae calls their membranes background). A cut that finds
    // most of it and makes 2 % of the volume object must beat one that stays near its
    // seeds, which it loses at 0.1 %: there its 2 % reads as a leak.
    const double finds[2] = {0.9, 0.98}, stays[2] = {0.3, 0.999};
    const double none = 0.0, ceiling = 0.02;
    CHECK(heldOutF1(finds[0], finds[1], 0.001, 0.02, none) <
          heldOutF1(stays[0], stays[1], 0.001, 0.001, none));
    CHECK(heldOutF1(finds[0], finds[1], 0.001, 0.02, ceiling) >
          heldOutF1(stays[0], stays[1], 0.001, 0.001, ceiling));
    CHECK(heldOutF1(finds[0], finds[1], 0.001, 0.02, ceiling) ==
          Approx(heldOutF1(finds[0], finds[1], 0.02, 0.02, none)));
    // A cut share beyond the ceiling counts only up to it.
    CHECK(heldOutF1(finds[0], finds[1], 0.001, 0.3, ceiling) ==
          Approx(heldOutF1(finds[0], finds[1], 0.001, 0.02, ceiling)));
    // Above the ceiling the volume's share stands: a leaking cut cannot credit itself.
    CHECK(heldOutF1(0.95, 0.7, 0.05, 0.3, ceiling) == heldOutF1(0.95, 0.7, 0.05, 0.05, ceiling));
    // The F1 itself: recalls 1 and 1 are F1 1; no object found is 0.
    CHECK(heldOutF1(1, 1, 0.05, 0.05, ceiling) == Approx(1.0));
    CHECK(heldOutF1(0, 1, 0.05, 0.05, ceiling) == 0.0);
}

TEST_CASE("objects stroked on one plane are held out stroke by stroke", "[graphcut][auto]") {
    // Both object discs on one plane and a single object voxel on the other: holding
    // out the first plane would train on one voxel, so the folds are the strokes.
    Cylinders c = cylinders();
    auto s = c.strokes.view<std::uint8_t>();
    for (std::int64_t y = 0; y < 64; ++y)
        for (std::int64_t x = 0; x < 64; ++x)
            if (s(17, y, x) == kStrokeObject)
                s(17, y, x) = kStrokeNone;
    s(17, 20, 20) = kStrokeObject;
    AutoGraphCutParams p;
    p.tune.learned = false;
    p.tune.weights = {0.0005, 0.3};
    const AutoGraphCutResult r = autoGraphCut(c.image, c.strokes, p);
    REQUIRE(r.choice.automatic);
    CHECK(r.choice.folds == p.tune.maxFolds);
    CHECK(r.choice.regionalWeight == 0.3);
    CHECK(f1(r.cut.labels, c.truth) > 0.8);
}

TEST_CASE("a thin sheet is recovered at 26-connectivity from strokes", "[graphcut][auto]") {
    // A dark sheet two voxels thick, tilted, in a textured bright background.
    const Shape3 shape{20, 48, 48};
    Volume image = Volume::allocate(DataType::UInt8, shape);
    Volume truth = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    Volume strokes = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    auto img = image.view<std::uint8_t>();
    auto t = truth.view<std::uint8_t>();
    auto s = strokes.view<std::uint8_t>();
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x) {
                const double d = double(x) - (16.0 + 0.4 * double(y) + 0.3 * double(z));
                const bool sheet = d >= 0 && d < 2;
                t(z, y, x) = sheet;
                const double v = (sheet ? 70 : 150) + 45 * noise((z * 48 + y) * 48 + x);
                img(z, y, x) = std::uint8_t(std::clamp(v, 0.0, 255.0));
            }
    for (std::int64_t z : {std::int64_t(4), std::int64_t(15)})
        for (std::int64_t y = 2; y < 46; ++y) {
            const std::int64_t x =
                std::int64_t(std::ceil(16.0 + 0.4 * double(y) + 0.3 * double(z)));
            if (t(z, y, x))
                s(z, y, x) = kStrokeObject;
            s(z, y, std::max<std::int64_t>(0, x - 8)) = kStrokeBackground;
            s(z, y, std::min<std::int64_t>(47, x + 8)) = kStrokeBackground;
        }
    AutoGraphCutParams p;
    p.cut.energy.connectivity = 26;
    const AutoGraphCutResult r = autoGraphCut(image, strokes, p);
    CHECK(f1(r.cut.labels, truth) > 0.7);
    CHECK(r.cut.warning.empty());
}

TEST_CASE("a cut that stays on its strokes or fills the volume says so", "[graphcut][auto]") {
    StrokeCounts counts;
    counts.object = 100;
    counts.background = 100;
    CHECK(collapseWarning(101, 100000, counts).find("only the object strokes") !=
          std::string::npos);
    CHECK(collapseWarning(99850, 100000, counts).find("whole volume") != std::string::npos);
    CHECK(collapseWarning(5000, 100000, counts).empty());

    // A flat image: nothing pulls the object region past its strokes.
    Volume image = Volume::allocate(DataType::UInt8, {8, 32, 32});
    Volume strokes = Volume::allocate(DataType::UInt8, image.shape(), VolumeRole::Label);
    paintDisc(strokes, 4, 16, 16, 2, kStrokeObject);
    paintLine(strokes, 4, 2, 0, 32, kStrokeBackground);
    GraphCutParams p;
    p.energy.regionalWeight = 0;
    const GraphCutResult r = graphCut(image, strokes, p);
    CHECK(r.stats.objectVoxels == 13);
    CHECK(r.warning.find("only the object strokes") != std::string::npos);
}

TEST_CASE("a prediction used as prior is the regional term of a refine cut", "[graphcut][auto]") {
    const Cylinders c = cylinders();
    // The "network" found the first cylinder only; one more object stroke on the
    // second does not outweigh it everywhere, but the prior is followed where no
    // stroke speaks.
    Volume prior = Volume::allocate(DataType::UInt8, c.image.shape());
    auto p = prior.view<std::uint8_t>();
    const auto t = c.truth.view<std::uint8_t>();
    for (std::int64_t z = 0; z < p.shape().z; ++z)
        for (std::int64_t y = 0; y < p.shape().y; ++y)
            for (std::int64_t x = 0; x < p.shape().x; ++x)
                p(z, y, x) = t(z, y, x) && x < 32 ? 240 : 15;
    AutoGraphCutParams params;
    params.prior = prior;
    params.tune.enabled = false;
    params.fixedWeight = true;
    params.cut.energy.regionalWeight = 0.5;
    const AutoGraphCutResult r = autoGraphCut(c.image, c.strokes, params);
    CHECK(r.choice.model == RegionalModel::Prior);
    const auto l = r.cut.labels.view<std::uint8_t>();
    CHECK(l(12, 20, 20) == 1); // inside the first cylinder, away from the strokes
    CHECK(l(12, 44, 40) == 0); // the missed cylinder stays missed away from its strokes
    CHECK(l(6, 44, 40) == 1);  // but its stroke holds
    Volume wrong = Volume::allocate(DataType::UInt8, {1, 2, 3});
    params.prior = wrong;
    CHECK_THROWS_AS(autoGraphCut(c.image, c.strokes, params), InvalidArgument);
}

TEST_CASE("cancelling the automatic cut stops it", "[graphcut][auto]") {
    const Cylinders c = cylinders();
    auto token = std::make_shared<CancelToken>();
    std::atomic<int> reports{0};
    const Progress progress(
        [&](double fraction, const std::string&) {
            ++reports;
            if (fraction > 0.35)
                token->cancel();
        },
        token);
    AutoGraphCutParams p;
    CHECK_THROWS_AS(autoGraphCut(c.image, c.strokes, p, progress), Cancelled);
    CHECK(reports > 0);
}

TEST_CASE("voxel features follow the voxel size and have names", "[graphcut][auto]") {
    // A bright rod along z on a dark background, 30 x 6 x 6 nm voxels.
    Volume image = Volume::allocate(DataType::UInt8, {6, 24, 24});
    auto v = image.view<std::uint8_t>();
    for (std::int64_t z = 0; z < 6; ++z)
        for (std::int64_t y = 0; y < 24; ++y)
            for (std::int64_t x = 0; x < 24; ++x)
                v(z, y, x) = (y - 20) * (y - 20) + (x - 20) * (x - 20) <= 9 ? 200 : 40;
    image.setVoxelSize({30, 6, 6});
    VoxelFeatureOptions o;
    const FeatureStack f = computeVoxelFeatures(image, o);
    CHECK(f.count == voxelFeatureCount(o));
    CHECK(int(f.names.size()) == f.count);
    CHECK(f.data.size() == std::size_t(image.voxelCount()) * std::size_t(f.count));
    // Smoothing at the finest scale keeps sections apart along z: the bright cylinder's
    // centre stays brighter than the background in every section.
    const std::int64_t inside = (3 * 24 + 20) * 24 + 20, outside = (3 * 24 + 2) * 24 + 2;
    const auto fine = std::find(f.names.begin(), f.names.end(), "gaussian 0.7");
    REQUIRE(fine != f.names.end());
    const std::size_t k = std::size_t(fine - f.names.begin());
    CHECK(f.voxel(inside)[k] > f.voxel(outside)[k]);
}

TEST_CASE("every smoothing scale has a Gaussian's mass, centre and width", "[graphcut][auto]") {
    // Scales under 10 voxels are convolved with a sampled kernel, wider ones recursively (Young and
    // van Vliet, VoxelFeatures.cpp), whose response has the Gaussian's mass and variance
    // but a peak about a tenth higher. Checked on the response to one bright voxel.
    const std::int64_t n = 401, centre = 200;
    for (const Shape3 line : {Shape3{1, 1, n}, Shape3{1, n, 1}, Shape3{n, 1, 1}})
        for (const double sigma : {0.7, 1.6, 3.5, 7.0, 20.0}) {
            INFO("line " << toString(line) << ", sigma " << sigma);
            Volume image = Volume::allocate(DataType::Float32, line);
            static_cast<float*>(image.data())[centre] = 1000.0f; // one voxel per line step
            const Volume smooth = gaussianSmoothed(image, sigma);
            const auto* s = static_cast<const float*>(smooth.data());
            double mass = 0, mean = 0, variance = 0, error = 0, norm = 0;
            for (std::int64_t x = 0; x < n; ++x) {
                mass += s[x];
                mean += double(x) * s[x];
            }
            mean /= mass;
            for (std::int64_t x = 0; x < n; ++x) {
                const double d = double(x) - double(centre);
                variance += (double(x) - mean) * (double(x) - mean) * s[x] / mass;
                const double g =
                    1000.0 * std::exp(-d * d / (2 * sigma * sigma)) / (std::sqrt(2 * M_PI) * sigma);
                error += (s[x] - g) * (s[x] - g);
                norm += g * g;
            }
            CHECK(mass == Approx(1000.0).epsilon(0.005));
            CHECK(mean == Approx(double(centre)).margin(0.01));
            if (sigma >= 1) // a finer kernel is mostly its central sample
                CHECK(std::sqrt(variance) == Approx(sigma).epsilon(0.02));
            CHECK(std::sqrt(error / norm) < (sigma >= 10 ? 0.1 : 0.02));
        }
    CHECK_THROWS_AS(gaussianSmoothed(Volume::allocate(DataType::UInt8, {2, 2, 2}), 0.0),
                    InvalidArgument);
}

TEST_CASE("with polarity the cut keeps an organelle's dark membrane", "[graphcut][auto]") {
    // Along x: a bright lumen, a dark membrane two voxels thick, lighter cytoplasm.
    // Symmetric, the stronger step (lumen to membrane) is the cheaper boundary and the
    // membrane is lost; with polarity the boundary moves to the membrane's outer face.
    const Volume image = alongX({4, 12, 40}, [](std::int64_t x) {
        return x < 10 ? 200 : x < 12 ? 40 : 150;
    });
    Volume strokes = Volume::allocate(DataType::UInt8, image.shape(), VolumeRole::Label);
    paintLine(strokes, 1, 6, 1, 3, kStrokeObject);
    paintLine(strokes, 1, 6, 36, 39, kStrokeBackground);
    EnergyParams params;
    params.sigma = 60.0;
    params.regionalModel = RegionalModel::None;
    auto objectWidth = [&](double polarity) {
        params.polarity = polarity;
        const Energy e = Energy::fit(image, strokes, params);
        const GraphCutResult r = exactGraphCut(image, strokes, e);
        // The cut's energy is the energy of its labels: directed edges counted alike.
        CHECK(e.evaluate(image, strokes, r.labels) == r.stats.energyQuanta);
        std::int64_t width = 0;
        for (std::int64_t x = 0; x < 40; ++x)
            width += r.labels.view<std::uint8_t>()(2, 6, x);
        return width;
    };
    CHECK(objectWidth(0.0) == 10);
    CHECK(objectWidth(0.9) == 12);
    CHECK(objectWidth(-0.9) == 10); // bright membranes: the same here
    params.polarity = 1.5;
    CHECK_THROWS_AS(Energy::fit(image, strokes, params), InvalidArgument);
}

TEST_CASE("the automatic cut leaves a session for a quick re-cut with its energy frozen",
          "[graphcut][auto]") {
    Cylinders c = cylinders();
    AutoGraphCutParams p;
    p.keepSession = true;
    // Scales for a 64-voxel scene: the default context scales (7 and 20 voxels, for
    // organelles of real stacks) reach across it and blur both cylinders into one.
    p.tune.classifier.features.scales = {0.7, 1.6, 3.5};
    p.tune.classifier.features.largestSmoothing = 5;
    const AutoGraphCutResult r = autoGraphCut(c.image, c.strokes, p);
    REQUIRE(r.session);
    REQUIRE(r.session->energy());
    CHECK(f1(r.cut.labels, c.truth) > 0.8);
    // One more background stroke, across the first cylinder on a new plane.
    Volume more = c.strokes.clone();
    paintLine(more, 11, 20, 5, 35, kStrokeBackground);
    const GraphCutResult quick = r.session->cut(more);
    CHECK(quick.stats.reused);
    CHECK(quick.labels.view<std::uint8_t>()(11, 20, 20) == 0);
    // The minimum of the frozen energy with the new strokes, as a cut from scratch.
    EnergyParams params = r.session->energy()->params();
    if (usesProbabilityMap(params.regionalModel))
        params.probability = r.probability;
    const Energy frozen = Energy::fit(c.image, more, params);
    const GraphCutResult scratch = exactGraphCut(c.image, more, frozen);
    CHECK(quick.stats.energyQuanta == scratch.stats.energyQuanta);
    // The automatic result handed out earlier is not touched by the re-cut.
    CHECK(r.cut.labels.view<std::uint8_t>()(11, 20, 20) == 1);
}

TEST_CASE("a log-odds bias takes hesitant voxels of the learned term as object",
          "[graphcut][auto]") {
    // P(object) 0.9 on the left, 0.35 in the middle (a membrane the classifier
    // hesitates on), 0.05 on the right; a flat image, so only the regional term speaks.
    const Volume image = Volume::allocate(DataType::UInt8, {2, 8, 30});
    Volume strokes = Volume::allocate(DataType::UInt8, image.shape(), VolumeRole::Label);
    const Volume p = alongX(image.shape(), [](std::int64_t x) {
        return x < 10 ? 230 : x < 20 ? 89 : 13;
    });
    paintLine(strokes, 0, 4, 0, 2, kStrokeObject);
    paintLine(strokes, 0, 4, 28, 30, kStrokeBackground);
    EnergyParams params;
    params.regionalModel = RegionalModel::Prior;
    params.probability = p;
    params.regionalWeight = 1;
    params.lambda = 0.01;
    auto middle = [&](double bias) {
        params.logOddsBias = bias;
        const GraphCutResult r = exactGraphCut(image, strokes, Energy::fit(image, strokes, params));
        return int(r.labels.view<std::uint8_t>()(1, 4, 15));
    };
    CHECK(middle(0.0) == 0);
    CHECK(middle(1.0) == 1); // log(0.35 / 0.65) = -0.62
    params.logOddsBias = std::nan("");
    CHECK_THROWS_AS(Energy::fit(image, strokes, params), InvalidArgument);
}

TEST_CASE("voxel features computed elsewhere are reused, and ignored when they do not fit",
          "[graphcut][auto]") {
    const Cylinders c = cylinders();
    AutoGraphCutParams p;
    const AutoGraphCutResult fresh = autoGraphCut(c.image, c.strokes, p);
    REQUIRE(fresh.choice.featureSeconds > 0);
    p.features = std::make_shared<const FeatureStack>(
        computeVoxelFeatures(c.image, p.tune.classifier.features));
    const AutoGraphCutResult reused = autoGraphCut(c.image, c.strokes, p);
    CHECK(reused.choice.summary() == fresh.choice.summary());
    CHECK(f1(reused.cut.labels, fresh.cut.labels) == Approx(1.0));
    CHECK(reused.choice.featureSeconds < fresh.choice.featureSeconds);
    // Features of another image shape are not used.
    p.features = std::make_shared<const FeatureStack>(computeVoxelFeatures(
        Volume::allocate(DataType::UInt8, {4, 8, 8}), p.tune.classifier.features));
    const AutoGraphCutResult other = autoGraphCut(c.image, c.strokes, p);
    CHECK(f1(other.cut.labels, fresh.cut.labels) == Approx(1.0));
}

TEST_CASE("when the learned term's features do not fit, the cut uses the histogram and says so",
          "[graphcut][auto]") {
    const Cylinders c = cylinders();
    AutoGraphCutParams p;
    // Twelve scales: the features need about twice what the solver does, so a budget
    // just under them leaves the cut itself room.
    p.tune.classifier.features.scales = {0.7, 1, 1.4, 2, 2.8, 4, 5.6, 8, 11, 16, 22, 32};
    const std::uint64_t need = voxelFeatureBytes(c.image.shape(), p.tune.classifier.features);
    const test::MemoryLimit limit(need - 1);
    const AutoGraphCutResult r = autoGraphCut(c.image, c.strokes, p);
    CHECK(r.choice.model == RegionalModel::Histogram);
    for (const auto& candidate : r.choice.candidates)
        CHECK(candidate.model != RegionalModel::Learned);
    CHECK(r.choice.memoryNote.find(humanBytesOf(need)) != std::string::npos);
    CHECK(r.choice.summary().find("learned term was left out") != std::string::npos);
    CHECK(f1(r.cut.labels, c.truth) > 0.8);
    // Asked for by hand, the learned term is refused with the numbers instead.
    p.fixedModel = true;
    p.cut.energy.regionalModel = RegionalModel::Learned;
    CHECK_THROWS_AS(autoGraphCut(c.image, c.strokes, p), MemoryBudgetError);
}
