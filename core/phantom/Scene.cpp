#include "core/phantom/FloatDeterminism.h" // first: see there

#include "core/phantom/Scene.h"

#include "core/phantom/Collision.h"
#include "core/phantom/DetMath.h"
#include "core/phantom/Noise.h"

#include <algorithm>
#include <cmath>

namespace cisterna::phantom {
namespace {

constexpr double kGap = 16.0; // nm kept free between organelles

// Organelles per cubic micrometre (tubules: nm of tubule per cubic micrometre).
constexpr double kMitoDensity = 2.2;
constexpr double kGolgiDensity = 0.3;
constexpr double kErSheetDensity = 0.6;
constexpr double kErTubuleDensity = 4500.0;
constexpr double kPoreDensity = 12.0; // per square micrometre of envelope

Vec randomUnit(Rng& rng) {
    for (;;) {
        const Vec v{rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)};
        const double l2 = dot(v, v);
        if (l2 > 1e-4 && l2 <= 1.0)
            return v * (1.0 / std::sqrt(l2));
    }
}

Vec randomPoint(Rng& rng, const Vec& extent) {
    return {rng.uniform(0, extent.z), rng.uniform(0, extent.y), rng.uniform(0, extent.x)};
}

bool insideBox(const Vec& p, const Vec& extent, double margin = 0.0) {
    return p.z >= -margin && p.y >= -margin && p.x >= -margin && p.z <= extent.z + margin &&
           p.y <= extent.y + margin && p.x <= extent.x + margin;
}

// Expected count rounded up or down at random, so that small volumes still get an
// organelle now and then and the mean count scales with the volume.
int stochasticCount(double expected, Rng& rng) {
    return static_cast<int>(std::floor(expected + rng.uniform()));
}

double axisOf(const Vec& v, int axis) {
    return axis == 0 ? v.z : axis == 1 ? v.y : v.x;
}
void setAxis(Vec& v, int axis, double value) {
    (axis == 0 ? v.z : axis == 1 ? v.y : v.x) = value;
}

class Layout {
public:
    Layout(std::uint64_t seed, const Vec& extent, const Progress& progress)
        : rng_(seed), extent_(extent), progress_(progress),
          // ~300 nm cells (a mitochondrion's size), coarser in huge volumes so that the
          // grid stays below a million cells.
          world_(extent, std::max(300.0, std::cbrt(extent.z * extent.y * extent.x / 1e6))) {
        scene_.extent = extent;
        scene_.textureSeed = rng_.next();
        volumeUm3_ = extent.z * extent.y * extent.x * 1e-9;
    }

    Scene run() {
        // Large, rare organelles first, so that small volumes still get one of each.
        placeNucleus();
        progress_.throwIfCancelled();
        placeGolgi();
        progress_.throwIfCancelled();
        placeErSheets();
        progress_.throwIfCancelled();
        placeMitochondria();
        progress_.throwIfCancelled();
        placeErTubules();
        return std::move(scene_);
    }

private:
    double minExtent() const { return std::min({extent_.z, extent_.y, extent_.x}); }
    double maxExtent() const { return std::max({extent_.z, extent_.y, extent_.x}); }

    // The nucleus fills a side of the volume: a big sphere whose surface crosses the box
    // at 28-40 % of one axis, so that it is large in any volume of a micrometre or more.
    void placeNucleus() {
        if (minExtent() < 400.0 || volumeUm3_ < 0.1)
            return;
        Nucleus& n = scene_.nucleus;
        n.radius = std::clamp(1.2 * maxExtent(), 2000.0, 5000.0);
        n.bumpAmplitude = 40.0;
        int candidates[3], candidateCount = 0;
        for (int axis = 0; axis < 3; ++axis)
            if (axisOf(extent_, axis) >= 0.5 * maxExtent())
                candidates[candidateCount++] = axis;
        const int axis = candidates[rng_.integer(0, candidateCount - 1)];
        const bool nearSide = rng_.uniform() < 0.5;
        const double depth = rng_.uniform(0.28, 0.40) * axisOf(extent_, axis);
        for (int other = 0; other < 3; ++other)
            setAxis(n.center, other, rng_.uniform(0.3, 0.7) * axisOf(extent_, other));
        setAxis(n.center, axis,
                nearSide ? depth - n.radius : axisOf(extent_, axis) - depth + n.radius);
        scene_.hasNucleus = true;
        world_.add({n.center, n.center, n.radius + n.bumpAmplitude}, CollisionWorld::Solid);
        placePores(axis);
    }

    // Random sequential adsorption on the envelope: pores at least 240 nm apart, which
    // saturates near the ~10 per square micrometre of real nuclei.
    void placePores(int axis) {
        Nucleus& n = scene_.nucleus;
        const std::uint64_t bumpSalt =
            octaveSalt(fieldSeed(scene_.textureSeed, Field::NucleusBump), 0);
        const double faceArea = extent_.z * extent_.y * extent_.x / axisOf(extent_, axis) * 1e-6;
        const int attempts = static_cast<int>(60.0 * kPoreDensity * faceArea) + 20;
        CollisionWorld placed(extent_, 300.0);
        for (int attempt = 0; attempt < attempts; ++attempt) {
            if (attempt % 4096 == 4095)
                progress_.throwIfCancelled();
            const Vec direction = normalized(randomPoint(rng_, extent_) - n.center);
            const Vec onSphere = n.center + direction * n.radius;
            const double bump = valueNoise(bumpSalt, kBumpCell, onSphere);
            const Vec onEnvelope =
                n.center + direction * (n.radius + n.bumpAmplitude * bump - kEnvelope / 2);
            if (!insideBox(onEnvelope, extent_))
                continue;
            const Capsule point{onEnvelope, onEnvelope, 0.0};
            if (placed.collides(point, ~0u, 240.0))
                continue;
            placed.add(point, CollisionWorld::Solid);
            n.pores.push_back({direction});
        }
    }

    void placeMitochondria() {
        int count = stochasticCount(kMitoDensity * volumeUm3_, rng_);
        if (volumeUm3_ >= 0.05)
            count = std::max(count, 1);
        for (int i = 0; i < count; ++i) {
            if (i % 64 == 63)
                progress_.throwIfCancelled();
            for (int attempt = 0; attempt < 150; ++attempt) {
                // Later attempts try smaller mitochondria, which fit in crowded cells.
                const double shrink = 1.0 - attempt / 150.0;
                Mitochondrion m;
                m.radius = rng_.uniform(125, 125 + 175 * shrink);
                m.halfLength =
                    0.5 * rng_.uniform() * shrink * std::max(0.0, 1500.0 - 2.0 * m.radius);
                m.center = randomPoint(rng_, extent_);
                m.axis = randomUnit(rng_);
                const Capsule body{m.center - m.axis * m.halfLength,
                                   m.center + m.axis * m.halfLength, m.radius};
                if (world_.collides(body, ~0u, kGap))
                    continue;
                perpendicularFrame(m.axis, m.e1, m.e2);
                m.matrixValue = rng_.uniform(108, 122);
                m.membraneValue = rng_.uniform(34, 44);
                addCristae(m);
                world_.add(body, CollisionWorld::Solid);
                scene_.mitochondria.push_back(std::move(m));
                break;
            }
        }
    }

    // Plates roughly across the long axis, 70-110 nm apart, tilted a little and each
    // reaching in from one side of the inner membrane.
    void addCristae(Mitochondrion& m) {
        const double innerRadius = m.radius - 2 * kMembrane - kMitoGap;
        const double spacing = rng_.uniform(70, 110);
        const double reach = m.halfLength + 0.7 * innerRadius;
        for (double position = -reach + rng_.uniform(0, spacing); position < reach;
             position += spacing) {
            Crista c;
            c.position = position + rng_.uniform(-0.12, 0.12) * spacing;
            // One draw per statement: the order of operands is unspecified in C++.
            const double tilt1 = rng_.uniform(-0.06, 0.06);
            const double tilt2 = rng_.uniform(-0.06, 0.06);
            c.normal = normalized(m.axis + m.e1 * tilt1 + m.e2 * tilt2);
            double s = 0, co = 0;
            detSinCosTurns(rng_.uniform(), s, co);
            c.side = m.e1 * co + m.e2 * s;
            c.cut = rng_.uniform(-0.75, 0.25);
            c.halfThickness = rng_.uniform(6.0, 8.5);
            m.cristae.push_back(c);
        }
        std::sort(m.cristae.begin(), m.cristae.end(),
                  [](const Crista& a, const Crista& b) { return a.position < b.position; });
    }

    bool anyCollides(const std::vector<Capsule>& capsules, unsigned mask) const {
        for (const Capsule& c : capsules)
            if (world_.collides(c, mask, kGap))
                return true;
        return false;
    }

    void placeGolgi() {
        if (minExtent() < 250.0)
            return;
        const int count = std::max(1, stochasticCount(kGolgiDensity * volumeUm3_, rng_));
        for (int i = 0; i < count; ++i)
            for (int attempt = 0; attempt < 80; ++attempt)
                if (tryGolgiStack())
                    break;
    }

    bool tryGolgiStack() {
        GolgiStack g;
        const int cisternae = rng_.integer(4, 6);
        const double halfThickness = kMembrane + rng_.uniform(10, 15); // lumen 20-30 nm
        g.spacing = 2 * halfThickness + rng_.uniform(12, 20);
        const double midRadius = rng_.uniform(450, 900);
        const double arc = rng_.uniform(260, 420);
        g.axis = randomUnit(rng_);
        perpendicularFrame(g.axis, g.e1, g.e2);
        g.center = randomPoint(rng_, extent_) - g.axis * midRadius;
        const double middle = 0.5 * (cisternae - 1);
        g.outerRadius = midRadius + middle * g.spacing;
        double widestArc = 0;
        for (int c = 0; c < cisternae; ++c) {
            const double radius = g.outerRadius - c * g.spacing;
            const double shrink = 1.0 - 0.25 * std::fabs(c - middle) / std::max(middle, 1.0);
            const double cisternaArc = arc * shrink * rng_.uniform(0.9, 1.1);
            widestArc = std::max(widestArc, cisternaArc * midRadius / radius);
            SphericalCap cap{g.center, g.axis, radius, 1, 0};
            detSinCos(cisternaArc / radius, cap.sinRim, cap.cosRim);
            g.cisternae.push_back(cap);
            g.halfThickness.push_back(halfThickness);
        }
        const double bandHalf = middle * g.spacing + halfThickness + 5.0;
        const std::vector<Capsule> cover =
            coverSphericalBand({g.center, g.axis, g.e1, g.e2, midRadius, bandHalf,
                                widestArc * g.outerRadius / midRadius + halfThickness});
        if (anyCollides(cover, ~0u))
            return false;
        const std::vector<Sphere> vesicles = golgiVesicles(g);
        for (const Capsule& c : cover)
            world_.add(c, CollisionWorld::Solid);
        for (const Sphere& v : vesicles) {
            world_.add({v.center, v.center, v.radius}, CollisionWorld::Solid);
            scene_.golgiVesicles.push_back(v);
        }
        scene_.golgi.push_back(std::move(g));
        return true;
    }

    // ~50 nm vesicles just beyond the rims of the cisternae.
    std::vector<Sphere> golgiVesicles(const GolgiStack& g) {
        std::vector<Sphere> vesicles;
        for (std::size_t c = 0; c < g.cisternae.size(); ++c) {
            const SphericalCap& cap = g.cisternae[c];
            const int wanted = rng_.integer(2, 4);
            int placed = 0;
            for (int attempt = 0; attempt < 12 && placed < wanted; ++attempt) {
                Sphere v;
                v.radius = rng_.uniform(21, 28);
                const double beyond = g.halfThickness[c] + rng_.uniform(8, 40) + v.radius;
                double s = 0, co = 0;
                detSinCosTurns(rng_.uniform(), s, co);
                const Vec side = g.e1 * co + g.e2 * s;
                double sinBeyond = 0, cosBeyond = 0; // rim angle + beyond, by angle addition
                detSinCos(beyond / cap.radius, sinBeyond, cosBeyond);
                const double sine = cap.sinRim * cosBeyond + cap.cosRim * sinBeyond;
                const double cosine = cap.cosRim * cosBeyond - cap.sinRim * sinBeyond;
                v.center = capPoint(cap, cosine, sine, side, cap.radius + rng_.uniform(-15, 15));
                bool free = !world_.collides({v.center, v.center, v.radius}, ~0u, kGap);
                for (std::size_t o = 0; free && o < g.cisternae.size(); ++o)
                    free = capDistance(g.cisternae[o], v.center).distance >=
                           g.halfThickness[o] + v.radius + 6.0;
                for (const Sphere& other : vesicles)
                    free = free && length(other.center - v.center) >= other.radius + v.radius + 6.0;
                if (!free)
                    continue;
                vesicles.push_back(v);
                ++placed;
            }
        }
        return vesicles;
    }

    void placeErSheets() {
        const int count = stochasticCount(kErSheetDensity * volumeUm3_, rng_);
        const unsigned mask = CollisionWorld::Solid | CollisionWorld::ErSheetCategory;
        for (int i = 0; i < count; ++i)
            for (int attempt = 0; attempt < 40; ++attempt) {
                ErSheet sheet;
                sheet.halfThickness = kMembrane + rng_.uniform(15, 25);
                const double radius = rng_.uniform(1500, 4000);
                const double arc = rng_.uniform(200, 450);
                SphericalCap& cap = sheet.cap;
                cap.axis = randomUnit(rng_);
                cap.center = randomPoint(rng_, extent_) - cap.axis * radius;
                cap.radius = radius;
                detSinCos(arc / radius, cap.sinRim, cap.cosRim);
                Vec e1, e2;
                perpendicularFrame(cap.axis, e1, e2);
                const std::vector<Capsule> cover =
                    coverSphericalBand({cap.center, cap.axis, e1, e2, radius,
                                        sheet.halfThickness + 3.0, arc + sheet.halfThickness});
                if (anyCollides(cover, mask))
                    continue;
                for (const Capsule& c : cover)
                    world_.add(c, CollisionWorld::ErSheetCategory);
                scene_.erSheets.push_back(sheet);
                break;
            }
    }

    // Tubules follow persistent random walks until they reach their length, leave the
    // volume or run into another organelle (so they end on it, as ER contacts do).
    void placeErTubules() {
        const double wanted = kErTubuleDensity * volumeUm3_;
        const unsigned mask = CollisionWorld::Solid | CollisionWorld::ErSheetCategory;
        const double step = 35.0;
        const int maxTubes = static_cast<int>(wanted / 150.0) + 20;
        double total = 0;
        for (int tube = 0; tube < maxTubes && total < wanted; ++tube) {
            if (tube % 256 == 255)
                progress_.throwIfCancelled();
            const double radius = rng_.uniform(25, 34);
            const double tubeLength = rng_.uniform(600, 2500);
            Vec p = randomPoint(rng_, extent_);
            Vec direction = randomUnit(rng_);
            std::vector<ErSegment> segments;
            for (double walked = 0; walked < tubeLength; walked += step) {
                direction = normalized(direction + randomUnit(rng_) * 0.35);
                const Vec next = p + direction * step;
                if (world_.collides({p, next, radius}, mask, kGap))
                    break;
                segments.push_back({p, next, radius});
                p = next;
                if (!insideBox(p, extent_, 150.0))
                    break;
            }
            if (segments.size() < 4)
                continue;
            // Not added to the collision world: tubules may cross and join one another.
            total += step * static_cast<double>(segments.size());
            scene_.erSegments.insert(scene_.erSegments.end(), segments.begin(), segments.end());
        }
    }

    Rng rng_;
    Vec extent_;
    const Progress& progress_;
    CollisionWorld world_;
    Scene scene_;
    double volumeUm3_ = 0;
};

} // namespace

std::uint64_t fieldSeed(std::uint64_t textureSeed, Field field) {
    return hashCoords(textureSeed, 0x5EED, static_cast<std::int64_t>(field));
}

Scene generateScene(std::uint64_t seed, const Vec& extentNm, const Progress& progress) {
    return Layout(seed, extentNm, progress).run();
}

} // namespace cisterna::phantom
