#pragma once
// Bit-reproducible random numbers and elementary functions for the phantom.
// std:: distributions and libm's sin/log/exp may differ between standard libraries
// and CPUs, which would change the phantom's bytes; everything here uses only
// +, -, *, / and sqrt (exactly rounded by IEEE 754) in a fixed order.
#include <cmath>
#include <cstdint>

namespace cisterna::phantom {

// SplitMix64's finaliser: a strong 64-bit mixer, used as a hash.
inline std::uint64_t mix64(std::uint64_t h) {
    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBull;
    h ^= h >> 31;
    return h;
}

// Hash of a seed and up to three integer coordinates (lattice points, voxel indices).
inline std::uint64_t hashCoords(std::uint64_t seed, std::int64_t a, std::int64_t b = 0,
                                std::int64_t c = 0) {
    std::uint64_t h = mix64(seed ^ (static_cast<std::uint64_t>(a) * 0x9E3779B97F4A7C15ull));
    h = mix64(h ^ (static_cast<std::uint64_t>(b) * 0xC2B2AE3D27D4EB4Full));
    return mix64(h ^ (static_cast<std::uint64_t>(c) * 0x165667B19E3779F9ull));
}

// Uniform in [0, 1) from the top 53 bits.
inline double unitFromBits(std::uint64_t h) {
    return static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
}

// xoshiro256** seeded through SplitMix64, for the scene layout.
class Rng {
public:
    explicit Rng(std::uint64_t seed) {
        std::uint64_t x = seed;
        for (auto& word : s_) {
            x += 0x9E3779B97F4A7C15ull;
            word = mix64(x);
        }
    }
    std::uint64_t next() {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    double uniform() { return unitFromBits(next()); }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // Integer in [lo, hi], both included.
    int integer(int lo, int hi) {
        return lo + static_cast<int>(next() % static_cast<std::uint64_t>(hi - lo + 1));
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4];
};

constexpr double kPi = 3.14159265358979323846;
constexpr double kLn2 = 0.69314718055994530942;

// Natural logarithm of x > 0: x = m * 2^e with m near 1, then the atanh series.
inline double detLog(double x) {
    int e = 0;
    double m = std::frexp(x, &e); // exact
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        e -= 1;
    }
    const double s = (m - 1.0) / (m + 1.0);
    const double s2 = s * s;
    double series = 1.0 / 19.0;
    for (int k = 17; k >= 1; k -= 2)
        series = 1.0 / k + s2 * series;
    return 2.0 * s * series + e * kLn2;
}

// e^x via x = k ln2 + r, |r| <= ln2 / 2, and a Taylor polynomial.
inline double detExp(double x) {
    if (x < -700.0)
        return 0.0;
    const double k = std::floor(x / kLn2 + 0.5);
    const double r = x - k * kLn2;
    double poly = 1.0;
    for (int n = 16; n >= 1; --n)
        poly = 1.0 + r * poly / n;
    return std::ldexp(poly, static_cast<int>(k)); // exact scaling
}

// sin and cos of 2*pi*turns: reduction to the nearest quarter turn, then Taylor
// polynomials on [-pi/4, pi/4].
inline void detSinCosTurns(double turns, double& sine, double& cosine) {
    const double quarters = (turns - std::floor(turns)) * 4.0;
    const double q = std::floor(quarters + 0.5);
    const double a = (quarters - q) * (kPi / 2.0);
    const double a2 = a * a;
    double s = 1.0, c = 1.0;
    for (int n = 16; n >= 2; n -= 2) {
        s = 1.0 - a2 * s / ((n + 1) * n);
        c = 1.0 - a2 * c / (n * (n - 1));
    }
    s *= a;
    switch (static_cast<int>(q) & 3) {
    case 0:
        sine = s, cosine = c;
        break;
    case 1:
        sine = c, cosine = -s;
        break;
    case 2:
        sine = -s, cosine = -c;
        break;
    default:
        sine = -c, cosine = s;
        break;
    }
}

inline void detSinCos(double radians, double& sine, double& cosine) {
    detSinCosTurns(radians / (2.0 * kPi), sine, cosine);
}

// Two independent standard normal values from one 64-bit hash (Box-Muller).
inline void gaussianPair(std::uint64_t h, double& first, double& second) {
    const double u1 = (static_cast<double>(h >> 11) + 1.0) * (1.0 / 9007199254740992.0); // (0, 1]
    const double u2 = unitFromBits(mix64(h ^ 0xD1B54A32D192ED03ull));
    const double radius = std::sqrt(-2.0 * detLog(u1));
    double s = 0, c = 0;
    detSinCosTurns(u2, s, c);
    first = radius * c;
    second = radius * s;
}

} // namespace cisterna::phantom
