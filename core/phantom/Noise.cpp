#include "core/phantom/FloatDeterminism.h" // first: see there

#include "core/phantom/Noise.h"

#include "core/phantom/DetMath.h"

#include <algorithm>
#include <cmath>

namespace cisterna::phantom {
namespace {

// Quintic fade: continuous second derivative, so the texture has no lattice creases.
double fade(double t) {
    return t * t * t * (t * (t * 6.0 - 15.0) + 10.0);
}

double lerp(double a, double b, double t) {
    return a + (b - a) * t;
}

} // namespace

std::uint64_t octaveSalt(std::uint64_t seed, std::size_t index) {
    return hashCoords(seed ^ 0x632BE59BD9B4E019ull, static_cast<std::int64_t>(index));
}

double latticeValue(std::uint64_t salt, std::int64_t iz, std::int64_t iy, std::int64_t ix) {
    return unitFromBits(hashCoords(salt, iz, iy, ix)) * 2.0 - 1.0;
}

double valueNoise(std::uint64_t salt, double cell, const Vec& p) {
    const double fz = p.z / cell, fy = p.y / cell, fx = p.x / cell;
    const double cz = std::floor(fz), cy = std::floor(fy), cx = std::floor(fx);
    const auto iz = static_cast<std::int64_t>(cz), iy = static_cast<std::int64_t>(cy),
               ix = static_cast<std::int64_t>(cx);
    const double tz = fade(fz - cz), ty = fade(fy - cy), tx = fade(fx - cx);
    double plane[2];
    for (int dz = 0; dz < 2; ++dz) {
        const double y0 =
            lerp(latticeValue(salt, iz + dz, iy, ix), latticeValue(salt, iz + dz, iy, ix + 1), tx);
        const double y1 = lerp(latticeValue(salt, iz + dz, iy + 1, ix),
                               latticeValue(salt, iz + dz, iy + 1, ix + 1), tx);
        plane[dz] = lerp(y0, y1, ty);
    }
    return lerp(plane[0], plane[1], tz);
}

RowNoise::RowNoise(std::uint64_t seed, std::vector<Octave> octaves, const std::vector<double>& xNm)
    : width_(xNm.size()) {
    for (std::size_t index = 0; index < octaves.size(); ++index) {
        const Octave& octave = octaves[index];
        Layer layer;
        layer.octave = octave;
        layer.salt = octaveSalt(seed, index);
        if (!xNm.empty()) {
            layer.firstCell = static_cast<std::int64_t>(std::floor(xNm.front() / octave.cell));
            const auto lastCell = static_cast<std::int64_t>(std::floor(xNm.back() / octave.cell));
            layer.cellCount = lastCell - layer.firstCell + 2; // + the right corner of the last
        }
        layer.cellOfX.resize(width_);
        layer.weightOfX.resize(width_);
        for (std::size_t i = 0; i < width_; ++i) {
            const double f = xNm[i] / octave.cell;
            const double c = std::floor(f);
            layer.cellOfX[i] =
                static_cast<std::int32_t>(static_cast<std::int64_t>(c) - layer.firstCell);
            layer.weightOfX[i] = fade(f - c);
        }
        layers_.push_back(std::move(layer));
    }
}

void RowNoise::evaluate(double zNm, double yNm, float* out, std::vector<double>& scratch) const {
    std::fill(out, out + width_, 0.0f);
    for (const Layer& layer : layers_) {
        const double cell = layer.octave.cell;
        const double fz = zNm / cell, fy = yNm / cell;
        const double cz = std::floor(fz), cy = std::floor(fy);
        const auto iz = static_cast<std::int64_t>(cz), iy = static_cast<std::int64_t>(cy);
        const double tz = fade(fz - cz), ty = fade(fy - cy);
        // The field on the row's x lattice line, interpolated in z and y once.
        scratch.resize(static_cast<std::size_t>(layer.cellCount));
        for (std::int64_t c = 0; c < layer.cellCount; ++c) {
            const std::int64_t ix = layer.firstCell + c;
            const double a = lerp(latticeValue(layer.salt, iz, iy, ix),
                                  latticeValue(layer.salt, iz, iy + 1, ix), ty);
            const double b = lerp(latticeValue(layer.salt, iz + 1, iy, ix),
                                  latticeValue(layer.salt, iz + 1, iy + 1, ix), ty);
            scratch[static_cast<std::size_t>(c)] = lerp(a, b, tz);
        }
        const double amplitude = layer.octave.amplitude;
        for (std::size_t i = 0; i < width_; ++i) {
            const std::size_t c = static_cast<std::size_t>(layer.cellOfX[i]);
            out[i] += static_cast<float>(amplitude *
                                         lerp(scratch[c], scratch[c + 1], layer.weightOfX[i]));
        }
    }
}

} // namespace cisterna::phantom
