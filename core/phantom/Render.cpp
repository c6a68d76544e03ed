#include "core/phantom/FloatDeterminism.h" // first: see there

#include "core/phantom/Render.h"

#include "core/phantom/DetMath.h"
#include "core/phantom/Phantom.h"

#include <algorithm>
#include <cmath>

namespace cisterna::phantom {
namespace {

// Clean grey levels of heavy-metal stained EM: membranes and dense protein dark,
// watery lumens light.
constexpr double kCytoplasmGrey = 160;
constexpr double kRibosomeGrey = 78;
constexpr double kMembraneGrey = 40;
constexpr double kErLumenGrey = 174;
constexpr double kGolgiLumenGrey = 192;
constexpr double kIntermembraneGrey = 125;
constexpr double kCristaGrey = 56;
constexpr double kPerinuclearGrey = 150;
constexpr double kNucleoplasmGrey = 176;
constexpr double kHeterochromatinGrey = 82;
constexpr double kPoreRingGrey = 170;
constexpr double kPlugGrey = 84;

constexpr double kPoreClearance = 70.0; // nm kept free of heterochromatin under a pore
constexpr double kRibosomeCell = 50.0;
constexpr double kRibosomeProbability = 0.3; // per cell
constexpr float kFar = 1e30f;

std::uint8_t labelOf(PhantomOrganelle o) {
    return static_cast<std::uint8_t>(o);
}

double clamp01(double v) {
    return v < 0 ? 0 : (v > 1 ? 1 : v);
}

// Fraction of a voxel's footprint [d - hw, d + hw] (along a surface normal) that lies
// below the level t: the exact box-filtered value of a layered profile.
double below(double t, double d, double hw) {
    return clamp01((t - (d - hw)) / (2.0 * hw));
}

std::int64_t firstVoxelAtOrAbove(double nm, double voxel) {
    return static_cast<std::int64_t>(std::ceil(nm / voxel - 0.5));
}
std::int64_t lastVoxelAtOrBelow(double nm, double voxel) {
    return static_cast<std::int64_t>(std::floor(nm / voxel - 0.5));
}

// Box of a capsule (segment a-b, radius r).
void capsuleBox(const Vec& a, const Vec& b, double r, Vec& lo, Vec& hi) {
    lo = {std::min(a.z, b.z) - r, std::min(a.y, b.y) - r, std::min(a.x, b.x) - r};
    hi = {std::max(a.z, b.z) + r, std::max(a.y, b.y) + r, std::max(a.x, b.x) + r};
}

// A sphere around a cap (apex, chord to the rim) and its thickness.
void capBox(const SphericalCap& cap, double thickness, Vec& lo, Vec& hi) {
    const Vec apex = cap.center + cap.axis * cap.radius;
    const double chord = cap.radius * std::sqrt(std::max(0.0, 2.0 - 2.0 * cap.cosRim));
    capsuleBox(apex, apex, chord + thickness, lo, hi);
}

void growBox(Vec& lo, Vec& hi, const Vec& lo2, const Vec& hi2) {
    lo = {std::min(lo.z, lo2.z), std::min(lo.y, lo2.y), std::min(lo.x, lo2.x)};
    hi = {std::max(hi.z, hi2.z), std::max(hi.y, hi2.y), std::max(hi.x, hi2.x)};
}

} // namespace

SceneRenderer::SceneRenderer(const Scene& scene, const Shape3& shape, const Vec3d& voxelSize)
    : scene_(scene), shape_(shape), voxel_{voxelSize.z, voxelSize.y, voxelSize.x},
      maxHalfWidth_(0.5 * std::max({voxelSize.z, voxelSize.y, voxelSize.x})),
      xNm_(static_cast<std::size_t>(shape.x)), cytoplasm_(0, {}, {}), grain_(0, {}, {}),
      heterochromatin_(0, {}, {}), bump_(0, {}, {}) {
    for (std::size_t i = 0; i < xNm_.size(); ++i)
        xNm_[i] = (static_cast<double>(i) + 0.5) * voxel_.x;
    const std::uint64_t seed = scene.textureSeed;
    cytoplasm_ = RowNoise(fieldSeed(seed, Field::Cytoplasm), {{400, 7}, {140, 5}, {45, 4}}, xNm_);
    grain_ = RowNoise(fieldSeed(seed, Field::Grain), {{22, 1}}, xNm_);
    heterochromatin_ =
        RowNoise(fieldSeed(seed, Field::Heterochromatin), {{220, 0.7}, {90, 0.3}}, xNm_);
    bump_ = RowNoise(fieldSeed(seed, Field::NucleusBump), {{kBumpCell, 1}}, xNm_);
    ribosomeSeed_ = fieldSeed(seed, Field::Ribosomes);
    if (!xNm_.empty()) {
        firstSpeckCell_ = static_cast<std::int64_t>(std::floor(xNm_.front() / kRibosomeCell));
        lastSpeckCell_ = static_cast<std::int64_t>(std::floor(xNm_.back() / kRibosomeCell));
    }

    // Boxes grow by the widest voxel footprint so that voxels just outside an organelle
    // still see the part of its membrane that their footprint covers.
    const double margin = maxHalfWidth_ + 1.0;
    Vec lo, hi;
    if (scene.hasNucleus) {
        const Nucleus& n = scene.nucleus;
        const double reach = n.radius + n.bumpAmplitude + margin;
        capsuleBox(n.center, n.center, reach, lo, hi);
        addPrimitive(Kind::Nucleus, 0, lo, hi);
        for (std::size_t i = 0; i < n.pores.size(); ++i) {
            const Vec& u = n.pores[i].direction;
            const Vec inner = n.center + u * (n.radius - n.bumpAmplitude - kEnvelope - margin);
            const Vec outer = n.center + u * (n.radius + n.bumpAmplitude + margin);
            capsuleBox(inner - u * kPoreClearance, outer, kPoreClearance + margin, lo, hi);
            addPrimitive(Kind::Pore, static_cast<std::int32_t>(i), lo, hi);
        }
    }
    for (std::size_t i = 0; i < scene.mitochondria.size(); ++i) {
        const Mitochondrion& m = scene.mitochondria[i];
        capsuleBox(m.center - m.axis * m.halfLength, m.center + m.axis * m.halfLength,
                   m.radius + margin, lo, hi);
        addPrimitive(Kind::Mito, static_cast<std::int32_t>(i), lo, hi);
    }
    for (std::size_t i = 0; i < scene.golgi.size(); ++i) {
        const GolgiStack& g = scene.golgi[i];
        capBox(g.cisternae[0], g.halfThickness[0] + margin, lo, hi);
        for (std::size_t c = 1; c < g.cisternae.size(); ++c) {
            Vec lo2, hi2;
            capBox(g.cisternae[c], g.halfThickness[c] + margin, lo2, hi2);
            growBox(lo, hi, lo2, hi2);
        }
        addPrimitive(Kind::Golgi, static_cast<std::int32_t>(i), lo, hi);
    }
    for (std::size_t i = 0; i < scene.golgiVesicles.size(); ++i) {
        const Sphere& v = scene.golgiVesicles[i];
        capsuleBox(v.center, v.center, v.radius + margin, lo, hi);
        addPrimitive(Kind::Vesicle, static_cast<std::int32_t>(i), lo, hi);
    }
    for (std::size_t i = 0; i < scene.erSheets.size(); ++i) {
        capBox(scene.erSheets[i].cap, scene.erSheets[i].halfThickness + margin, lo, hi);
        addPrimitive(Kind::ErSheet, static_cast<std::int32_t>(i), lo, hi);
    }
    for (std::size_t i = 0; i < scene.erSegments.size(); ++i) {
        const ErSegment& s = scene.erSegments[i];
        capsuleBox(s.a, s.b, s.radius + margin, lo, hi);
        addPrimitive(Kind::ErSegment, static_cast<std::int32_t>(i), lo, hi);
    }
}

void SceneRenderer::addPrimitive(Kind kind, std::int32_t index, const Vec& lo, const Vec& hi) {
    const std::int64_t z0 = std::max<std::int64_t>(0, firstVoxelAtOrAbove(lo.z, voxel_.z));
    const std::int64_t z1 = std::min(shape_.z - 1, lastVoxelAtOrBelow(hi.z, voxel_.z));
    const std::int64_t y0 = std::max<std::int64_t>(0, firstVoxelAtOrAbove(lo.y, voxel_.y));
    const std::int64_t y1 = std::min(shape_.y - 1, lastVoxelAtOrBelow(hi.y, voxel_.y));
    const std::int64_t x0 = std::max<std::int64_t>(0, firstVoxelAtOrAbove(lo.x, voxel_.x));
    const std::int64_t x1 = std::min(shape_.x - 1, lastVoxelAtOrBelow(hi.x, voxel_.x));
    if (z0 > z1 || y0 > y1 || x0 > x1)
        return;
    if (primitivesOfSlice_.empty())
        primitivesOfSlice_.resize(static_cast<std::size_t>(shape_.z));
    const auto id = static_cast<std::int32_t>(primitives_.size());
    primitives_.push_back({kind, index, y0, y1, x0, x1});
    for (std::int64_t z = z0; z <= z1; ++z)
        primitivesOfSlice_[static_cast<std::size_t>(z)].push_back(id);
}

void SceneRenderer::renderSlice(std::int64_t z, float* values, std::uint8_t* labels,
                                Scratch& scratch) const {
    const auto width = static_cast<std::size_t>(shape_.x);
    for (auto* v : {&scratch.cytoplasm, &scratch.grain, &scratch.heterochromatin, &scratch.bump,
                    &scratch.erDistance, &scratch.erHalfWidth, &scratch.golgiDistance,
                    &scratch.golgiHalfWidth})
        v->resize(width);
    const double zNm = (static_cast<double>(z) + 0.5) * voxel_.z;
    for (std::int64_t y = 0; y < shape_.y; ++y) {
        Row row{zNm, (static_cast<double>(y) + 0.5) * voxel_.y, values + y * shape_.x,
                labels + y * shape_.x, scratch};
        renderRow(z, y, row);
    }
}

void SceneRenderer::renderRow(std::int64_t z, std::int64_t y, Row& row) const {
    Scratch& s = row.scratch;
    s.haveGrain = false;
    s.haveNucleusFields = false;
    renderCytoplasm(row);
    if (primitivesOfSlice_.empty())
        return;
    std::fill(s.erDistance.begin(), s.erDistance.end(), kFar);
    std::fill(s.golgiDistance.begin(), s.golgiDistance.end(), kFar);
    std::int64_t unionX0 = shape_.x, unionX1 = -1;
    for (std::int32_t id : primitivesOfSlice_[static_cast<std::size_t>(z)]) {
        const Primitive& prim = primitives_[static_cast<std::size_t>(id)];
        if (y < prim.y0 || y > prim.y1)
            continue;
        const auto index = static_cast<std::size_t>(prim.index);
        switch (prim.kind) {
        case Kind::Nucleus:
            renderNucleus(row, prim.x0, prim.x1);
            continue;
        case Kind::Pore:
            renderPore(scene_.nucleus.pores[index], row, prim.x0, prim.x1);
            continue;
        case Kind::Mito:
            renderMito(scene_.mitochondria[index], row, prim.x0, prim.x1);
            continue;
        default:
            break;
        }
        unionX0 = std::min(unionX0, prim.x0);
        unionX1 = std::max(unionX1, prim.x1);
        for (std::int64_t x = prim.x0; x <= prim.x1; ++x) {
            const Vec p{row.z, row.y, xNm_[static_cast<std::size_t>(x)]};
            if (prim.kind == Kind::Golgi) {
                const GolgiStack& g = scene_.golgi[index];
                const double r = length(p - g.center);
                const auto last = static_cast<std::int64_t>(g.cisternae.size()) - 1;
                const auto nearest = std::clamp(
                    static_cast<std::int64_t>(std::floor((g.outerRadius - r) / g.spacing + 0.5)),
                    std::int64_t{0}, last);
                for (std::int64_t c = std::max<std::int64_t>(0, nearest - 1);
                     c <= std::min(last, nearest + 1); ++c) {
                    const auto ci = static_cast<std::size_t>(c);
                    const SurfaceDistance sd = capDistance(g.cisternae[ci], p);
                    mergeDistance(s.golgiDistance.data(), s.golgiHalfWidth.data(), x,
                                  sd.distance - g.halfThickness[ci],
                                  halfFootprint(sd.normal, voxel_));
                }
            } else if (prim.kind == Kind::Vesicle) {
                const Sphere& v = scene_.golgiVesicles[index];
                const Vec offset = p - v.center;
                const double dist = length(offset);
                const Vec normal = dist > 1e-9 ? offset * (1.0 / dist) : Vec{1, 0, 0};
                mergeDistance(s.golgiDistance.data(), s.golgiHalfWidth.data(), x, dist - v.radius,
                              halfFootprint(normal, voxel_));
            } else if (prim.kind == Kind::ErSheet) {
                const ErSheet& sheet = scene_.erSheets[index];
                const SurfaceDistance sd = capDistance(sheet.cap, p);
                mergeDistance(s.erDistance.data(), s.erHalfWidth.data(), x,
                              sd.distance - sheet.halfThickness, halfFootprint(sd.normal, voxel_));
            } else {
                const ErSegment& seg = scene_.erSegments[index];
                const Vec ab = seg.b - seg.a;
                const double t = std::clamp(dot(p - seg.a, ab) / dot(ab, ab), 0.0, 1.0);
                const Vec offset = p - (seg.a + ab * t);
                const double dist = length(offset);
                const Vec normal = dist > 1e-9 ? offset * (1.0 / dist) : Vec{1, 0, 0};
                mergeDistance(s.erDistance.data(), s.erHalfWidth.data(), x, dist - seg.radius,
                              halfFootprint(normal, voxel_));
            }
        }
    }
    if (unionX0 <= unionX1)
        finishMembraneCompartments(row, unionX0, unionX1);
}

// Mid-grey cytoplasm with a smooth texture and ~25 nm dark ribosomes, at most one per
// 50 nm cell.
void SceneRenderer::renderCytoplasm(Row& row) const {
    Scratch& s = row.scratch;
    cytoplasm_.evaluate(row.z, row.y, s.cytoplasm.data(), s.noise);
    for (std::int64_t x = 0; x < shape_.x; ++x) {
        row.values[x] =
            static_cast<float>(kCytoplasmGrey + s.cytoplasm[static_cast<std::size_t>(x)]);
        row.labels[x] = 0;
    }
    // Ribosomes may sit anywhere in their cell, so the cells around this row are looked at.
    const double cell = kRibosomeCell;
    const auto iz = static_cast<std::int64_t>(std::floor(row.z / cell));
    const auto iy = static_cast<std::int64_t>(std::floor(row.y / cell));
    for (std::int64_t cz = iz - 1; cz <= iz + 1; ++cz)
        for (std::int64_t cy = iy - 1; cy <= iy + 1; ++cy)
            for (std::int64_t cx = firstSpeckCell_ - 1; cx <= lastSpeckCell_ + 1; ++cx) {
                const std::uint64_t h = hashCoords(ribosomeSeed_, cz, cy, cx);
                if (unitFromBits(h) >= kRibosomeProbability)
                    continue;
                const std::uint64_t bits = mix64(h);
                auto fraction = [&](int shift) {
                    return static_cast<double>((bits >> shift) & 0xFFFF) / 65536.0;
                };
                const double radius = 9.0 + 4.0 * fraction(0);
                const Vec center{(static_cast<double>(cz) + fraction(16)) * cell,
                                 (static_cast<double>(cy) + fraction(32)) * cell,
                                 (static_cast<double>(cx) + fraction(48)) * cell};
                const double dz = row.z - center.z, dy = row.y - center.y;
                const double yz2 = dz * dz + dy * dy;
                const double reach = radius + maxHalfWidth_;
                if (yz2 >= reach * reach)
                    continue;
                const double halfChord = std::sqrt(reach * reach - yz2);
                const std::int64_t x0 =
                    std::max<std::int64_t>(0, firstVoxelAtOrAbove(center.x - halfChord, voxel_.x));
                const std::int64_t x1 =
                    std::min(shape_.x - 1, lastVoxelAtOrBelow(center.x + halfChord, voxel_.x));
                for (std::int64_t x = x0; x <= x1; ++x) {
                    const Vec offset =
                        Vec{row.z, row.y, xNm_[static_cast<std::size_t>(x)]} - center;
                    const double dist = length(offset);
                    const double hw =
                        dist > 1e-9 ? halfFootprint(offset * (1.0 / dist), voxel_) : maxHalfWidth_;
                    const double cover = clamp01((radius - dist) / (2.0 * hw) + 0.5);
                    row.values[x] += static_cast<float>((kRibosomeGrey - row.values[x]) * cover);
                }
            }
}

void SceneRenderer::ensureGrain(Row& row) const {
    if (row.scratch.haveGrain)
        return;
    grain_.evaluate(row.z, row.y, row.scratch.grain.data(), row.scratch.noise);
    row.scratch.haveGrain = true;
}

void SceneRenderer::ensureNucleusFields(Row& row) const {
    if (row.scratch.haveNucleusFields)
        return;
    ensureGrain(row);
    heterochromatin_.evaluate(row.z, row.y, row.scratch.heterochromatin.data(), row.scratch.noise);
    bump_.evaluate(row.z, row.y, row.scratch.bump.data(), row.scratch.noise);
    row.scratch.haveNucleusFields = true;
}

// Light, mottled nucleoplasm; heterochromatin forms an almost continuous dark layer
// under the envelope that breaks up with depth, plus a few clumps deeper inside.
double SceneRenderer::nucleoplasmGrey(const Scratch& s, std::size_t x, double depth) const {
    const double grain = s.grain[x];
    const double pattern = s.heterochromatin[x];
    const double peripheral = clamp01((pattern - (-0.5 + depth / 130.0)) / 0.15);
    const double clump = clamp01((pattern - 0.45) / 0.1);
    const double chromatin = std::max(peripheral, clump);
    const double nucleoplasm = kNucleoplasmGrey + 7.0 * grain - 6.0 * pattern;
    return nucleoplasm + (kHeterochromatinGrey + 6.0 * grain - nucleoplasm) * chromatin;
}

// Double envelope, light nucleoplasm, and dark heterochromatin in patches that thin
// out with depth below the envelope.
void SceneRenderer::renderNucleus(Row& row, std::int64_t x0, std::int64_t x1) const {
    const Nucleus& n = scene_.nucleus;
    ensureNucleusFields(row);
    const Scratch& s = row.scratch;
    for (std::int64_t x = x0; x <= x1; ++x) {
        const auto xi = static_cast<std::size_t>(x);
        const Vec v = Vec{row.z, row.y, xNm_[xi]} - n.center;
        const double r = length(v);
        const double d = r - n.radius - n.bumpAmplitude * s.bump[xi];
        if (d > maxHalfWidth_)
            continue;
        const double hw = halfFootprint(v * (1.0 / r), voxel_);
        const double f0 = below(0, d, hw);
        if (f0 <= 0)
            continue;
        const double f1 = below(-kMembrane, d, hw);
        const double f2 = below(-kMembrane - kPerinuclearGap, d, hw);
        const double f3 = below(-kEnvelope, d, hw);
        double interior = 0;
        if (f3 > 0) {
            interior = nucleoplasmGrey(s, xi, std::max(0.0, -d - kEnvelope));
        }
        row.values[x] = static_cast<float>(row.values[x] * (1 - f0) + kMembraneGrey * (f0 - f1) +
                                           kPerinuclearGrey * (f1 - f2) +
                                           kMembraneGrey * (f2 - f3) + interior * f3);
        if (d < 0)
            row.labels[x] = labelOf(PhantomOrganelle::Nucleus);
    }
}

// A channel through the envelope: membrane-lined wall where the two membranes meet,
// and a dense central plug.
void SceneRenderer::renderPore(const NuclearPore& pore, Row& row, std::int64_t x0,
                               std::int64_t x1) const {
    const Nucleus& n = scene_.nucleus;
    ensureNucleusFields(row);
    const Scratch& s = row.scratch;
    for (std::int64_t x = x0; x <= x1; ++x) {
        const auto xi = static_cast<std::size_t>(x);
        const Vec v = Vec{row.z, row.y, xNm_[xi]} - n.center;
        const double along = dot(v, pore.direction);
        if (along <= 0)
            continue;
        const Vec lateral = v - pore.direction * along;
        const double lat = length(lateral);
        if (lat > std::max(kPoreRadius + maxHalfWidth_, kPoreClearance))
            continue;
        const double r = length(v);
        const double d = r - n.radius - n.bumpAmplitude * s.bump[xi];
        const double hwRadial = halfFootprint(v * (1.0 / r), voxel_);
        const double depth = -d - kEnvelope;
        if (depth > 0 && depth < kPoreClearance && lat < kPoreClearance) {
            // Heterochromatin leaves a channel free under each pore.
            const double clear = clamp01((kPoreClearance - std::max(depth, lat)) / 30.0);
            const double free = nucleoplasmGrey(s, xi, 1e9);
            row.values[x] = static_cast<float>(row.values[x] + (free - row.values[x]) * clear);
            continue;
        }
        const double inBand = below(0, d, hwRadial) - below(-kEnvelope, d, hwRadial);
        if (inBand <= 0)
            continue;
        const double hw = lat > 1e-9 ? halfFootprint(lateral * (1.0 / lat), voxel_) : hwRadial;
        const double g0 = below(kPoreRadius, lat, hw);
        const double g1 = below(kPoreRadius - kMembrane, lat, hw);
        const double g2 = below(kPlugRadius, lat, hw);
        const double current = row.values[x];
        const double channel = current * (1 - g0) + kMembraneGrey * (g0 - g1) +
                               kPoreRingGrey * (g1 - g2) + kPlugGrey * g2;
        row.values[x] = static_cast<float>(current + (channel - current) * inBand);
        if (lat < kPoreRadius && d < 0 && d >= -kEnvelope)
            row.labels[x] = labelOf(PhantomOrganelle::NuclearPore);
    }
}

void SceneRenderer::renderMito(const Mitochondrion& m, Row& row, std::int64_t x0,
                               std::int64_t x1) const {
    for (std::int64_t x = x0; x <= x1; ++x) {
        const Vec relative = Vec{row.z, row.y, xNm_[static_cast<std::size_t>(x)]} - m.center;
        const double axial = dot(relative, m.axis);
        const Vec radial = relative - m.axis * std::clamp(axial, -m.halfLength, m.halfLength);
        const double dist = length(radial);
        const double d = dist - m.radius;
        if (d > maxHalfWidth_)
            continue;
        const double hw = halfFootprint(dist > 1e-9 ? radial * (1.0 / dist) : m.e1, voxel_);
        const double f0 = below(0, d, hw);
        if (f0 <= 0)
            continue;
        const double f1 = below(-kMembrane, d, hw);
        const double f2 = below(-kMembrane - kMitoGap, d, hw);
        const double f3 = below(-2 * kMembrane - kMitoGap, d, hw);
        const double interior = f3 > 0 ? mitoInterior(m, relative, axial, row, x) : 0;
        row.values[x] = static_cast<float>(row.values[x] * (1 - f0) + m.membraneValue * (f0 - f1) +
                                           kIntermembraneGrey * (f1 - f2) +
                                           m.membraneValue * (f2 - f3) + interior * f3);
        if (d < 0)
            row.labels[x] = labelOf(PhantomOrganelle::Mitochondrion);
    }
}

// Granular matrix crossed by the cristae near this axial position.
double SceneRenderer::mitoInterior(const Mitochondrion& m, const Vec& relative, double axial,
                                   Row& row, std::int64_t x) const {
    ensureGrain(row);
    const double matrix = m.matrixValue + 7.0 * row.scratch.grain[static_cast<std::size_t>(x)];
    const double innerRadius = m.radius - 2 * kMembrane - kMitoGap;
    const Vec lateral = relative - m.axis * axial;
    const auto next = static_cast<std::size_t>(
        std::upper_bound(m.cristae.begin(), m.cristae.end(), axial,
                         [](double a, const Crista& c) { return a < c.position; }) -
        m.cristae.begin());
    double cristaCover = 0;
    for (std::size_t k = next >= 2 ? next - 2 : 0; k < std::min(m.cristae.size(), next + 2); ++k) {
        const Crista& c = m.cristae[k];
        const double t = dot(relative - m.axis * c.position, c.normal);
        if (std::fabs(t) > c.halfThickness + maxHalfWidth_)
            continue;
        const double sideCover =
            clamp01((dot(lateral, c.side) - c.cut * innerRadius) / (2 * maxHalfWidth_) + 0.5);
        if (sideCover <= 0)
            continue;
        const double hw = halfFootprint(c.normal, voxel_);
        const double cover = below(c.halfThickness, t, hw) - below(-c.halfThickness, t, hw);
        cristaCover = std::max(cristaCover, cover * sideCover);
    }
    return matrix + (kCristaGrey - matrix) * cristaCover;
}

void SceneRenderer::mergeDistance(float* distance, float* halfWidth, std::int64_t x, double d,
                                  double hw) {
    if (d < distance[x]) {
        distance[x] = static_cast<float>(d);
        halfWidth[x] = static_cast<float>(hw);
    }
}

// ER and Golgi: one membrane around a light lumen, drawn from the union distance.
void SceneRenderer::finishMembraneCompartments(Row& row, std::int64_t x0, std::int64_t x1) const {
    const Scratch& s = row.scratch;
    struct Compartment {
        const std::vector<float>& distance;
        const std::vector<float>& halfWidth;
        double lumen;
        PhantomOrganelle label;
    };
    const Compartment compartments[] = {
        {s.erDistance, s.erHalfWidth, kErLumenGrey, PhantomOrganelle::ER},
        {s.golgiDistance, s.golgiHalfWidth, kGolgiLumenGrey, PhantomOrganelle::Golgi}};
    for (const Compartment& c : compartments)
        for (std::int64_t x = x0; x <= x1; ++x) {
            const auto xi = static_cast<std::size_t>(x);
            const double d = c.distance[xi];
            const double hw = c.halfWidth[xi];
            if (d >= hw)
                continue;
            const double f0 = below(0, d, hw);
            const double f1 = below(-kMembrane, d, hw);
            row.values[x] = static_cast<float>(row.values[x] * (1 - f0) +
                                               kMembraneGrey * (f0 - f1) + c.lumen * f1);
            if (d < 0)
                row.labels[x] = labelOf(c.label);
        }
}

} // namespace cisterna::phantom
