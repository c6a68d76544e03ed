#include "core/phantom/Collision.h"
#include "core/phantom/DetMath.h"
#include "core/phantom/Phantom.h"
#include "core/phantom/Render.h"
#include "core/phantom/Scene.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

using namespace cisterna;

namespace {

PhantomParams cube(std::int64_t n, std::uint64_t seed = 1) {
    PhantomParams p;
    p.seed = seed;
    p.shape = {n, n, n};
    return p;
}

bool sameBytes(const Volume& a, const Volume& b) {
    return a.shape() == b.shape() && a.byteCount() == b.byteCount() &&
           std::memcmp(a.data(), b.data(), a.byteCount()) == 0;
}

std::array<std::int64_t, 6> labelCounts(const Volume& labels) {
    std::array<std::int64_t, 6> counts{};
    const auto* p = static_cast<const std::uint8_t*>(labels.data());
    std::int64_t outOfRange = 0;
    for (std::int64_t i = 0; i < labels.voxelCount(); ++i) {
        if (p[i] > kOrganelleCount)
            ++outOfRange;
        else
            ++counts[p[i]];
    }
    REQUIRE(outOfRange == 0);
    return counts;
}

std::array<double, 6> labelFractions(const Volume& labels) {
    const auto counts = labelCounts(labels);
    std::array<double, 6> fractions{};
    for (int k = 0; k < 6; ++k)
        fractions[k] = static_cast<double>(counts[k]) / static_cast<double>(labels.voxelCount());
    return fractions;
}

// Mean grey value of voxels of one label, split by their distance to another label.
struct Means {
    double boundary = 0, interior = 0;                 // boundary: a 6-neighbour has another label;
    std::int64_t boundaryCount = 0, interiorCount = 0; // interior: none within 3 voxels
};

Means meansOf(const Phantom& ph, PhantomOrganelle organelle) {
    const auto img = ph.image.view<std::uint8_t>();
    const auto lab = ph.labels.view<std::uint8_t>();
    const Shape3 s = ph.labels.shape();
    const auto target = static_cast<std::uint8_t>(organelle);
    double boundarySum = 0, interiorSum = 0;
    Means m;
    for (std::int64_t z = 3; z < s.z - 3; ++z)
        for (std::int64_t y = 3; y < s.y - 3; ++y)
            for (std::int64_t x = 3; x < s.x - 3; ++x) {
                if (lab(z, y, x) != target)
                    continue;
                bool touching = false, near = false;
                for (int d = -3; d <= 3; ++d) {
                    if (d == 0)
                        continue;
                    const bool differs = lab(z + d, y, x) != target || lab(z, y + d, x) != target ||
                                         lab(z, y, x + d) != target;
                    near = near || differs;
                    touching = touching || (differs && (d == 1 || d == -1));
                }
                if (touching) {
                    boundarySum += img(z, y, x);
                    ++m.boundaryCount;
                } else if (!near) {
                    interiorSum += img(z, y, x);
                    ++m.interiorCount;
                }
            }
    m.boundary = m.boundaryCount ? boundarySum / static_cast<double>(m.boundaryCount) : 0;
    m.interior = m.interiorCount ? interiorSum / static_cast<double>(m.interiorCount) : 0;
    return m;
}

} // namespace

TEST_CASE("the phantom is deterministic and depends on its seed", "[phantom]") {
    const PhantomParams params = cube(96, 7);
    const Phantom a = generatePhantom(params);
    const Phantom b = generatePhantom(params);
    REQUIRE(sameBytes(a.image, b.image));
    REQUIRE(sameBytes(a.labels, b.labels));

    const Phantom c = generatePhantom(cube(96, 8));
    REQUIRE_FALSE(sameBytes(a.image, c.image));
    REQUIRE_FALSE(sameBytes(a.labels, c.labels));

    REQUIRE(a.image.dataType() == DataType::UInt8);
    REQUIRE(a.image.role() == VolumeRole::Image);
    REQUIRE(a.labels.dataType() == DataType::UInt8);
    REQUIRE(a.labels.role() == VolumeRole::Label);
    REQUIRE(a.image.shape() == params.shape);
    REQUIRE(a.labels.shape() == params.shape);
    REQUIRE(a.image.hasVoxelSize());
    REQUIRE(a.image.voxelSize() == params.voxelSize);
    REQUIRE(a.labels.voxelSize() == params.voxelSize);
}

TEST_CASE("phantom slices do not depend on the order or thread that renders them", "[phantom]") {
    using namespace cisterna::phantom;
    const Shape3 shape{24, 40, 40};
    const Vec3d voxel{16, 16, 16};
    const Scene scene = generateScene(5, {24 * 16.0, 40 * 16.0, 40 * 16.0});
    const SceneRenderer renderer(scene, shape, voxel);
    const std::size_t plane = static_cast<std::size_t>(shape.y * shape.x);
    std::vector<float> forward(plane * 24), backward(plane * 24);
    std::vector<std::uint8_t> forwardLabels(plane * 24), backwardLabels(plane * 24);
    SceneRenderer::Scratch one, other;
    for (std::int64_t z = 0; z < shape.z; ++z)
        renderer.renderSlice(z, forward.data() + z * plane, forwardLabels.data() + z * plane, one);
    for (std::int64_t z = shape.z - 1; z >= 0; --z)
        renderer.renderSlice(z, backward.data() + z * plane, backwardLabels.data() + z * plane,
                             z % 2 ? one : other);
    REQUIRE(std::memcmp(forward.data(), backward.data(), forward.size() * sizeof(float)) == 0);
    REQUIRE(forwardLabels == backwardLabels);
}

TEST_CASE("collision covers contain the curved bands of Golgi stacks and ER sheets", "[phantom]") {
    using namespace cisterna::phantom;
    // Golgi-like (thick, strongly curved, wide) and ER-sheet-like (thin, flat) bands.
    for (const auto& [mid, thick, arc] :
         {std::array<double, 3>{450, 160, 560}, std::array<double, 3>{900, 120, 400},
          std::array<double, 3>{1500, 35, 480}}) {
        SphericalBand band;
        band.axis = normalized(Vec{0.3, -0.5, 0.8});
        perpendicularFrame(band.axis, band.e1, band.e2);
        band.center = {100, -200, 50};
        band.midRadius = mid;
        band.halfThickness = thick;
        band.arc = arc;
        const std::vector<Capsule> cover = coverSphericalBand(band);
        Rng rng(99);
        int uncovered = 0;
        for (int i = 0; i < 4000; ++i) {
            double s1 = 0, s2 = 0;
            do {
                s1 = rng.uniform(-arc, arc);
                s2 = rng.uniform(-arc, arc);
            } while (s1 * s1 + s2 * s2 > arc * arc);
            const Vec p = bandPoint(band, s1, s2, mid + rng.uniform(-thick, thick));
            bool inside = false;
            for (const Capsule& c : cover)
                inside = inside || pointSegmentDistance(p, c.a, c.b) <= c.radius;
            uncovered += !inside;
        }
        INFO("band mid " << mid << ", half thickness " << thick << ", arc " << arc);
        CHECK(uncovered == 0);
    }
}

TEST_CASE("organelles of the scene keep apart", "[phantom]") {
    using namespace cisterna::phantom;
    const Scene scene = generateScene(11, {2048, 2048, 2048});
    REQUIRE(scene.hasNucleus);
    REQUIRE(scene.mitochondria.size() >= 5);
    REQUIRE(scene.erSegments.size() >= 100);
    const Nucleus& n = scene.nucleus;
    auto axisStart = [](const Mitochondrion& m) { return m.center - m.axis * m.halfLength; };
    auto axisEnd = [](const Mitochondrion& m) { return m.center + m.axis * m.halfLength; };
    int overlaps = 0;
    for (std::size_t i = 0; i < scene.mitochondria.size(); ++i) {
        const Mitochondrion& a = scene.mitochondria[i];
        overlaps += pointSegmentDistance(n.center, axisStart(a), axisEnd(a)) <
                    n.radius + n.bumpAmplitude + a.radius;
        for (std::size_t j = i + 1; j < scene.mitochondria.size(); ++j) {
            const Mitochondrion& b = scene.mitochondria[j];
            overlaps += segmentSegmentDistance(axisStart(a), axisEnd(a), axisStart(b), axisEnd(b)) <
                        a.radius + b.radius;
        }
        for (const ErSegment& s : scene.erSegments)
            overlaps +=
                segmentSegmentDistance(axisStart(a), axisEnd(a), s.a, s.b) < a.radius + s.radius;
        for (const Sphere& v : scene.golgiVesicles)
            overlaps +=
                pointSegmentDistance(v.center, axisStart(a), axisEnd(a)) < a.radius + v.radius;
    }
    for (const ErSegment& s : scene.erSegments)
        overlaps += segmentSegmentDistance(s.a, s.b, n.center, n.center) <
                    n.radius + n.bumpAmplitude + s.radius;
    CHECK(overlaps == 0);
}

TEST_CASE("a 128^3 phantom holds every organelle in plausible amounts", "[phantom]") {
    const Phantom ph = generatePhantom(cube(128, 1));
    const auto f = labelFractions(ph.labels);
    INFO("fractions: none " << f[0] << ", mito " << f[1] << ", golgi " << f[2] << ", er " << f[3]
                            << ", nucleus " << f[4] << ", pore " << f[5]);
    CHECK(f[1] > 0.02);
    CHECK(f[1] < 0.15);
    CHECK(f[2] > 0.001);
    CHECK(f[2] < 0.06);
    CHECK(f[3] > 0.001);
    CHECK(f[3] < 0.05);
    CHECK(f[4] > 0.15);
    CHECK(f[4] < 0.45);
    CHECK(f[5] > 0.0005);
    CHECK(f[5] < 0.01);
    CHECK(f[0] > 0.4); // mostly cytoplasm
}

TEST_CASE("phantom contrast: membranes darkest, mito matrix darker than cytoplasm", "[phantom]") {
    const Phantom ph = generatePhantom(cube(128, 1));
    const Means mito = meansOf(ph, PhantomOrganelle::Mitochondrion);
    const Means cytoplasm = meansOf(ph, PhantomOrganelle::None);
    const Means er = meansOf(ph, PhantomOrganelle::ER);
    const Means golgi = meansOf(ph, PhantomOrganelle::Golgi);
    const Means nucleus = meansOf(ph, PhantomOrganelle::Nucleus);
    INFO("mito membrane " << mito.boundary << ", matrix " << mito.interior << ", cytoplasm "
                          << cytoplasm.interior << ", er membrane " << er.boundary
                          << ", golgi membrane " << golgi.boundary << ", envelope "
                          << nucleus.boundary << ", nucleoplasm " << nucleus.interior);
    REQUIRE(mito.boundaryCount > 1000);
    REQUIRE(mito.interiorCount > 1000);
    REQUIRE(cytoplasm.interiorCount > 1000);
    CHECK(mito.interior < cytoplasm.interior - 30);
    CHECK(mito.boundary < mito.interior - 5);
    // Every membrane is darker than what it separates.
    CHECK(er.boundary < cytoplasm.interior - 30);
    CHECK(golgi.boundary < cytoplasm.interior - 30);
    CHECK(nucleus.boundary < cytoplasm.interior - 30);
    CHECK(nucleus.boundary < nucleus.interior - 30);
}

TEST_CASE("mitochondria are not separable by a single grey threshold", "[phantom]") {
    // The phantom must exercise texture and boundaries: the best threshold on grey
    // values alone (mito dark side) stays far from the F1 a segmentation must reach.
    const Phantom ph = generatePhantom(cube(128, 1));
    const auto* img = static_cast<const std::uint8_t*>(ph.image.data());
    const auto* lab = static_cast<const std::uint8_t*>(ph.labels.data());
    std::vector<std::int64_t> mito(256), other(256);
    std::int64_t positives = 0;
    for (std::int64_t i = 0; i < ph.image.voxelCount(); ++i) {
        const bool isMito = lab[i] == static_cast<std::uint8_t>(PhantomOrganelle::Mitochondrion);
        (isMito ? mito : other)[img[i]]++;
        positives += isMito;
    }
    REQUIRE(positives > 0);
    double best = 0;
    std::int64_t truePositives = 0, falsePositives = 0;
    for (int t = 0; t < 256; ++t) {
        truePositives += mito[static_cast<std::size_t>(t)];
        falsePositives += other[static_cast<std::size_t>(t)];
        best = std::max(best,
                        2.0 * truePositives / double(positives + truePositives + falsePositives));
    }
    INFO("best threshold F1 " << best);
    CHECK(best < 0.8);
    CHECK(best > 0.1); // but grey values do carry information
}

TEST_CASE("anisotropic voxels sample the same cell", "[phantom]") {
    // 120 x 8 nm = 32 x 30 nm: the same 960 nm box, so the same scene.
    PhantomParams iso = cube(120, 4);
    PhantomParams aniso = iso;
    aniso.shape = {32, 120, 120};
    aniso.voxelSize = {30, 8, 8};
    const auto fi = labelFractions(generatePhantom(iso).labels);
    const auto fa = labelFractions(generatePhantom(aniso).labels);
    for (int k = 0; k < 6; ++k) {
        INFO("label " << k << ": isotropic " << fi[k] << ", anisotropic " << fa[k]);
        CHECK(std::fabs(fi[k] - fa[k]) <= 0.1 * fi[k] + 0.002);
    }
    CHECK(fi[1] > 0); // the comparison is not between empty scenes
    CHECK(fi[4] > 0);
}

TEST_CASE("phantom generation reports progress and can be cancelled", "[phantom]") {
    std::vector<double> fractions;
    const Progress counting([&](double f, const std::string&) { fractions.push_back(f); });
    generatePhantom(cube(64), counting);
    REQUIRE(fractions.size() >= 4);
    REQUIRE(fractions.size() <= 60);
    for (std::size_t i = 1; i < fractions.size(); ++i)
        REQUIRE(fractions[i] >= fractions[i - 1]);
    REQUIRE(fractions.front() == 0.0);
    REQUIRE(fractions.back() == 1.0);

    // Cancelled while laying out the scene, and again once the render workers have
    // started (the cancel is seen by the thread that waits for them).
    for (int cancelAt : {1, 2}) {
        auto token = std::make_shared<CancelToken>();
        int calls = 0;
        const Progress cancelling(
            [&](double, const std::string&) {
                if (++calls == cancelAt)
                    token->cancel();
            },
            token);
        REQUIRE_THROWS_AS(generatePhantom(cube(96), cancelling), Cancelled);
        REQUIRE(calls == cancelAt); // nothing reported after the cancel
    }
}

TEST_CASE("organelle masks match the label volume", "[phantom]") {
    const Phantom ph = generatePhantom(cube(64, 2));
    const auto counts = labelCounts(ph.labels);
    for (PhantomOrganelle o : allOrganelles()) {
        const Volume mask = organelleMask(ph.labels, o);
        REQUIRE(mask.shape() == ph.labels.shape());
        REQUIRE(mask.dataType() == DataType::UInt8);
        REQUIRE(mask.voxelSize() == ph.labels.voxelSize());
        const auto* m = static_cast<const std::uint8_t*>(mask.data());
        const auto* l = static_cast<const std::uint8_t*>(ph.labels.data());
        std::int64_t ones = 0, wrong = 0;
        for (std::int64_t i = 0; i < mask.voxelCount(); ++i) {
            wrong += m[i] > 1 || (m[i] == 1) != (l[i] == static_cast<std::uint8_t>(o));
            ones += m[i];
        }
        REQUIRE(wrong == 0);
        REQUIRE(ones == counts[static_cast<std::size_t>(o)]);
    }

    // Views (crops) and uint16 label volumes work too; float volumes are refused.
    const Box3 box{{5, 10, 3}, {20, 30, 40}};
    const Volume crop = ph.labels.crop(box);
    const Volume cropMask = organelleMask(crop, PhantomOrganelle::Nucleus);
    Volume wide = Volume::allocate(DataType::UInt16, ph.labels.shape(), VolumeRole::Label);
    for (std::int64_t z = 0; z < 64; ++z)
        for (std::int64_t y = 0; y < 64; ++y)
            for (std::int64_t x = 0; x < 64; ++x)
                wide.view<std::uint16_t>()(z, y, x) = ph.labels.view<std::uint8_t>()(z, y, x);
    const Volume wideMask = organelleMask(wide, PhantomOrganelle::Nucleus);
    const Volume fullMask = organelleMask(ph.labels, PhantomOrganelle::Nucleus);
    REQUIRE(sameBytes(wideMask, fullMask));
    std::int64_t cropMismatches = 0, cropOnes = 0;
    for (std::int64_t z = 0; z < box.size.z; ++z)
        for (std::int64_t y = 0; y < box.size.y; ++y)
            for (std::int64_t x = 0; x < box.size.x; ++x) {
                const std::uint8_t value = cropMask.view<std::uint8_t>()(z, y, x);
                cropMismatches += value != fullMask.view<std::uint8_t>()(z + 5, y + 10, x + 3);
                cropOnes += value;
            }
    REQUIRE(cropMismatches == 0);
    REQUIRE(cropOnes > 0); // the crop does hold some nucleus
    REQUIRE(cropMask.origin() == crop.origin());
    REQUIRE_THROWS_AS(
        organelleMask(Volume::allocate(DataType::Float32, {2, 2, 2}), PhantomOrganelle::ER),
        InvalidArgument);
    REQUIRE_THROWS_AS(organelleMask(Volume(), PhantomOrganelle::ER), InvalidArgument);
}

TEST_CASE("organelle names parse back, in any case and with aliases", "[phantom]") {
    REQUIRE(allOrganelles().size() == static_cast<std::size_t>(kOrganelleCount));
    for (PhantomOrganelle o : allOrganelles())
        REQUIRE(parseOrganelle(organelleName(o)) == o);
    REQUIRE(parseOrganelle("MITOCHONDRIA") == PhantomOrganelle::Mitochondrion);
    REQUIRE(parseOrganelle("Mito") == PhantomOrganelle::Mitochondrion);
    REQUIRE(parseOrganelle("Golgi") == PhantomOrganelle::Golgi);
    REQUIRE(parseOrganelle("ER") == PhantomOrganelle::ER);
    REQUIRE(parseOrganelle("Nucleus") == PhantomOrganelle::Nucleus);
    REQUIRE(parseOrganelle("nuclear_pore") == PhantomOrganelle::NuclearPore);
    REQUIRE(parseOrganelle("PORE") == PhantomOrganelle::NuclearPore);
    REQUIRE_THROWS_AS(parseOrganelle("lysosome"), InvalidArgument);
    REQUIRE_THROWS_AS(parseOrganelle(""), InvalidArgument);
}

TEST_CASE("bad phantom parameters are rejected before anything is allocated", "[phantom]") {
    PhantomParams p = cube(32);
    p.shape = {0, 32, 32};
    REQUIRE_THROWS_AS(generatePhantom(p), InvalidArgument);
    p.shape = {32, -4, 32};
    REQUIRE_THROWS_AS(generatePhantom(p), InvalidArgument);

    for (const Vec3d bad : {Vec3d{0, 8, 8}, Vec3d{8, -8, 8}, Vec3d{8, 8, 1e6},
                            Vec3d{8, std::numeric_limits<double>::quiet_NaN(), 8}}) {
        p = cube(32);
        p.voxelSize = bad;
        REQUIRE_THROWS_AS(generatePhantom(p), InvalidArgument);
    }
    p = cube(32);
    p.noiseSigma = -1;
    REQUIRE_THROWS_AS(generatePhantom(p), InvalidArgument);
    p = cube(32);
    p.blurSigmaNm = std::numeric_limits<double>::infinity();
    REQUIRE_THROWS_AS(generatePhantom(p), InvalidArgument);

    p = cube(32);
    p.shape = {1 << 20, 1 << 20, 1 << 20}; // 1 PiB
    REQUIRE_THROWS_AS(generatePhantom(p), MemoryBudgetError);

    struct ResetLimit {
        ~ResetLimit() { setMemoryLimitOverride(std::nullopt); }
    } reset;
    setMemoryLimitOverride(std::uint64_t(256) << 10);
    REQUIRE_THROWS_AS(generatePhantom(cube(64)), MemoryBudgetError);
}
