#pragma once
// Smooth value noise (random values on a lattice, quintic interpolation between
// them): the phantom's textures. Lattice values are hashes of the lattice point, so
// any part of the field can be computed alone and in any order.
#include "core/phantom/Shapes.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cisterna::phantom {

struct Octave {
    double cell = 100; // lattice spacing, nm
    double amplitude = 1;
};

// The salt of octave `index` of a field seeded with `seed` (the same in RowNoise and
// in point evaluations, so both see one field).
std::uint64_t octaveSalt(std::uint64_t seed, std::size_t index);

// Value in [-1, 1] of one octave at lattice point (iz, iy, ix).
double latticeValue(std::uint64_t salt, std::int64_t iz, std::int64_t iy, std::int64_t ix);

// One octave at any point.
double valueNoise(std::uint64_t salt, double cell, const Vec& p);

// A sum of octaves evaluated along x-rows of a fixed set of x positions: the lattice
// lookups are shared by all voxels of a row, so a voxel costs a few multiply-adds.
class RowNoise {
public:
    RowNoise(std::uint64_t seed, std::vector<Octave> octaves, const std::vector<double>& xNm);

    // out[i] = field at (z, y, xNm[i]); `scratch` is reused between calls.
    void evaluate(double zNm, double yNm, float* out, std::vector<double>& scratch) const;

private:
    struct Layer {
        Octave octave;
        std::uint64_t salt = 0;
        std::int64_t firstCell = 0, cellCount = 0;
        std::vector<std::int32_t> cellOfX; // lattice cell of each x, from firstCell
        std::vector<double> weightOfX;     // smoothed position inside that cell
    };
    std::vector<Layer> layers_;
    std::size_t width_ = 0;
};

} // namespace cisterna::phantom
