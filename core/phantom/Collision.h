#pragma once
// Overlap tests for the scene's rejection sampling: every placed organelle is covered
// by capsules (spheres being capsules of zero length), kept in a uniform grid so that
// a test looks only at nearby capsules and large volumes stay fast.
#include "core/phantom/Shapes.h"

#include <cstdint>
#include <vector>

namespace cisterna::phantom {

struct Capsule {
    Vec a, b;
    double radius = 0;
};

// A curved band: the points centre + r * direction(s1, s2) with |r - midRadius| <=
// halfThickness and s1^2 + s2^2 <= arc^2, where (s1, s2) are arc-length coordinates
// on the mid sphere, measured from `axis` along the unit vectors e1 and e2 (the
// exponential map). Golgi stacks and ER sheets lie inside such bands.
struct SphericalBand {
    Vec center, axis, e1, e2;
    double midRadius = 0, halfThickness = 0, arc = 0;
};

// The point of the band's sphere of radius r at arc-length coordinates (s1, s2).
Vec bandPoint(const SphericalBand& band, double s1, double s2, double r);

// Capsules whose union contains the band: strips along e2, cut into short pieces.
std::vector<Capsule> coverSphericalBand(const SphericalBand& band);

class CollisionWorld {
public:
    // Categories are bits; a test names the categories it must keep away from.
    enum Category : unsigned { Solid = 1u, ErSheetCategory = 2u };

    CollisionWorld(const Vec& extent, double cellSize);

    void add(const Capsule& capsule, unsigned category);
    // True if `capsule` comes closer than `gap` to any capsule of a category in `mask`.
    bool collides(const Capsule& capsule, unsigned mask, double gap) const;

private:
    struct CellRange {
        int z0, z1, y0, y1, x0, x1;
    };
    CellRange cellsOf(const Capsule& capsule, double margin) const;
    int cellIndex(double nm, int count) const;

    double cellSize_;
    int nz_, ny_, nx_;
    std::vector<Capsule> capsules_;
    std::vector<unsigned> categories_;
    std::vector<std::vector<std::int32_t>> cells_;
    mutable std::vector<std::uint32_t> visited_; // per capsule, stamp of the last test
    mutable std::uint32_t stamp_ = 0;
};

} // namespace cisterna::phantom
