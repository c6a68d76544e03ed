#pragma once
// The phantom's scene: every organelle as geometry in nanometres. It depends only on
// the seed and the physical extent of the volume, so that volumes of the same extent
// sampled with different voxel sizes show the same cell.
#include "core/phantom/Shapes.h"
#include "core/util/Progress.h"

#include <cstdint>
#include <vector>

namespace cisterna::phantom {

// Thicknesses (nm) shared by all organelles.
constexpr double kMembrane = 8.0;
constexpr double kMitoGap = 9.0;         // intermembrane space of mitochondria
constexpr double kPerinuclearGap = 24.0; // space between the two nuclear membranes
constexpr double kEnvelope = 2 * kMembrane + kPerinuclearGap;
constexpr double kPoreRadius = 50.0; // ~100 nm wide channel
constexpr double kPlugRadius = 20.0;

// A lamellar crista: a thin plate across the matrix, cut off on one side so that it
// reaches in from the inner membrane rather than spanning it.
struct Crista {
    double position = 0; // along the mitochondrion's axis, from its centre
    Vec normal;          // unit, close to the axis
    Vec side;            // unit, perpendicular to the axis: the plate exists where
    double cut = 0;      // dot(lateral, side) > cut * inner radius
    double halfThickness = 0;
};

// A capsule (cylinder of radius `radius` around [centre - axis*halfLength,
// centre + axis*halfLength] with round ends) with a double membrane and cristae.
struct Mitochondrion {
    Vec center, axis, e1, e2;
    double halfLength = 0, radius = 0;
    double matrixValue = 110, membraneValue = 45;
    std::vector<Crista> cristae; // sorted by position
};

struct Sphere {
    Vec center;
    double radius = 0;
};

// A stack of concentric spherical caps; cisterna i has radius outerRadius - i*spacing.
struct GolgiStack {
    Vec center; // centre of curvature
    Vec axis, e1, e2;
    double outerRadius = 0, spacing = 0;
    std::vector<SphericalCap> cisternae;
    std::vector<double> halfThickness; // per cisterna, membranes included
};

struct ErSheet {
    SphericalCap cap;
    double halfThickness = 0;
};

struct ErSegment {
    Vec a, b;
    double radius = 0;
};

struct NuclearPore {
    Vec direction; // unit, from the nucleus centre through the pore
};

// A sphere whose surface is displaced by a slow noise field (amplitude bumpAmplitude),
// double envelope, heterochromatin under it and pores through it.
struct Nucleus {
    Vec center;
    double radius = 0;
    double bumpAmplitude = 0;
    std::vector<NuclearPore> pores;
};

// The texture fields; each has its own seed derived from Scene::textureSeed.
enum class Field : int { Cytoplasm, Grain, Heterochromatin, NucleusBump, Ribosomes };
std::uint64_t fieldSeed(std::uint64_t textureSeed, Field field);
constexpr double kBumpCell = 700.0; // nm, the nucleus surface's undulation

struct Scene {
    Vec extent;
    std::uint64_t textureSeed = 0;
    bool hasNucleus = false;
    Nucleus nucleus;
    std::vector<Mitochondrion> mitochondria;
    std::vector<GolgiStack> golgi;
    std::vector<Sphere> golgiVesicles;
    std::vector<ErSheet> erSheets;
    std::vector<ErSegment> erSegments;
};

// Signed distance (negative inside) of p from the nucleus surface, given the bump
// field's value there (in [-1, 1]).
inline double nucleusDistance(const Nucleus& nucleus, const Vec& p, double bump) {
    return length(p - nucleus.center) - nucleus.radius - nucleus.bumpAmplitude * bump;
}

// Lays out a cell in a box of `extentNm` by rejection sampling: no two organelles
// overlap (ER tubules may join one another, as a network does). Throws Cancelled
// when `progress` is cancelled.
Scene generateScene(std::uint64_t seed, const Vec& extentNm, const Progress& progress = {});

} // namespace cisterna::phantom
