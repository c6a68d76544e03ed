#include "core/phantom/FloatDeterminism.h" // first: see there

#include "core/phantom/Collision.h"

#include "core/phantom/DetMath.h"

#include <algorithm>
#include <cmath>

namespace cisterna::phantom {
namespace {

int cellCount(double extent, double cellSize) {
    return std::max(1, static_cast<int>(std::ceil(extent / cellSize)));
}

// Whether the boxes of two segments, one grown by `reach`, overlap: a necessary
// condition for the segments to come closer than `reach`.
bool boxesOverlap(const Capsule& p, const Capsule& q, double reach) {
    auto apart = [reach](double p0, double p1, double q0, double q1) {
        return std::min(p0, p1) - reach > std::max(q0, q1) ||
               std::min(q0, q1) > std::max(p0, p1) + reach;
    };
    return !(apart(p.a.z, p.b.z, q.a.z, q.b.z) || apart(p.a.y, p.b.y, q.a.y, q.b.y) ||
             apart(p.a.x, p.b.x, q.a.x, q.b.x));
}

} // namespace

Vec bandPoint(const SphericalBand& band, double s1, double s2, double r) {
    const double s = std::sqrt(s1 * s1 + s2 * s2);
    Vec direction = band.axis;
    if (s > 0) {
        double sine = 0, cosine = 0;
        detSinCos(s / band.midRadius, sine, cosine);
        direction = band.axis * cosine + (band.e1 * s1 + band.e2 * s2) * (sine / s);
    }
    return band.center + direction * r;
}

std::vector<Capsule> coverSphericalBand(const SphericalBand& band) {
    const double thick = band.halfThickness;
    // Strips `spacing` apart; the exponential map never stretches distances on the mid
    // sphere, but on the convex side of the band they grow by (mid + thick) / mid.
    const double spacing = std::clamp(1.5 * thick, 20.0, 60.0);
    const double spread = spacing * (band.midRadius + thick) / band.midRadius;
    // Each strip piece is a chord of a curve on the sphere; allow for its bulge, with
    // the curvature bounded generously by 3 / (inner radius).
    const double piece = 100.0;
    const double inner = std::max(band.midRadius - thick, 1.0);
    const double bulge = 3.0 * piece * piece / (8.0 * inner);
    const double radius = 1.05 * std::sqrt(thick * thick + spread * spread / 4) + bulge + 1.0;
    // Strips reach one spacing past the arc, so that every point of the disc has a strip
    // within spacing / 2 whose extent covers it.
    const double reach = band.arc + spacing;
    const int strips = static_cast<int>(std::ceil(reach / spacing));
    std::vector<Capsule> capsules;
    for (int i = -strips; i <= strips; ++i) {
        const double s1 = i * spacing;
        if (std::fabs(s1) > reach)
            continue;
        const double half = std::sqrt(reach * reach - s1 * s1);
        const int pieces = std::max(1, static_cast<int>(std::ceil(2 * half / piece)));
        const double step = 2 * half / pieces;
        Vec previous = bandPoint(band, s1, -half, band.midRadius);
        for (int k = 1; k <= pieces; ++k) {
            const Vec next = bandPoint(band, s1, -half + k * step, band.midRadius);
            capsules.push_back({previous, next, radius});
            previous = next;
        }
    }
    return capsules;
}

CollisionWorld::CollisionWorld(const Vec& extent, double cellSize)
    : cellSize_(cellSize), nz_(cellCount(extent.z, cellSize)), ny_(cellCount(extent.y, cellSize)),
      nx_(cellCount(extent.x, cellSize)),
      cells_(static_cast<std::size_t>(nz_) * static_cast<std::size_t>(ny_) *
             static_cast<std::size_t>(nx_)) {}

// Positions outside the volume fall into the border cells: clamping keeps
// overlapping ranges overlapping, so no pair of capsules is missed.
int CollisionWorld::cellIndex(double nm, int count) const {
    const double c = std::floor(nm / cellSize_);
    if (c < 0)
        return 0;
    if (c >= count - 1)
        return count - 1;
    return static_cast<int>(c);
}

CollisionWorld::CellRange CollisionWorld::cellsOf(const Capsule& capsule, double margin) const {
    const double r = capsule.radius + margin;
    const Vec& a = capsule.a;
    const Vec& b = capsule.b;
    return {cellIndex(std::min(a.z, b.z) - r, nz_), cellIndex(std::max(a.z, b.z) + r, nz_),
            cellIndex(std::min(a.y, b.y) - r, ny_), cellIndex(std::max(a.y, b.y) + r, ny_),
            cellIndex(std::min(a.x, b.x) - r, nx_), cellIndex(std::max(a.x, b.x) + r, nx_)};
}

void CollisionWorld::add(const Capsule& capsule, unsigned category) {
    const auto id = static_cast<std::int32_t>(capsules_.size());
    capsules_.push_back(capsule);
    categories_.push_back(category);
    visited_.push_back(0);
    const CellRange range = cellsOf(capsule, 0.0);
    for (int z = range.z0; z <= range.z1; ++z)
        for (int y = range.y0; y <= range.y1; ++y)
            for (int x = range.x0; x <= range.x1; ++x)
                cells_[(static_cast<std::size_t>(z) * ny_ + y) * nx_ + x].push_back(id);
}

bool CollisionWorld::collides(const Capsule& capsule, unsigned mask, double gap) const {
    if (++stamp_ == 0) { // wrapped around: forget all stamps
        std::fill(visited_.begin(), visited_.end(), 0);
        stamp_ = 1;
    }
    const CellRange range = cellsOf(capsule, gap);
    for (int z = range.z0; z <= range.z1; ++z)
        for (int y = range.y0; y <= range.y1; ++y)
            for (int x = range.x0; x <= range.x1; ++x)
                for (std::int32_t id : cells_[(static_cast<std::size_t>(z) * ny_ + y) * nx_ + x]) {
                    const auto i = static_cast<std::size_t>(id);
                    if (visited_[i] == stamp_ || !(categories_[i] & mask))
                        continue;
                    visited_[i] = stamp_;
                    const Capsule& other = capsules_[i];
                    const double reach = capsule.radius + other.radius + gap;
                    if (!boxesOverlap(capsule, other, reach))
                        continue; // cheap rejection before the exact distance
                    if (segmentSegmentDistance(capsule.a, capsule.b, other.a, other.b) < reach)
                        return true;
                }
    return false;
}

} // namespace cisterna::phantom
