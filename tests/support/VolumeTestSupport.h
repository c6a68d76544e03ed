#pragma once
// What the format tests share: a volume whose every voxel is known, a voxel-by-voxel
// comparison, the message of the FormatError a call must throw, and raw file bytes
// for crafting damaged files.
#include "core/util/Error.h"
#include "core/volume/Volume.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <exception>
#include <filesystem>
#include <string>

namespace cisterna::test {

// Voxel values follow (z, y, x) with distinct steps per axis, so a transposed, shifted
// or mirrored read differs; floats have a fractional part and negative values.
Volume patternVolume(DataType type, const Shape3& shape);

// A uint8 image of value(z, y, x, noise), with deterministic noise in [0, 2^noiseBits)
// drawn per voxel from a linear congruential generator seeded with `seed`.
template <class F>
Volume noisyImage(const Shape3& shape, std::uint64_t seed, int noiseBits, F value) {
    Volume image = Volume::allocate(DataType::UInt8, shape);
    auto v = image.view<std::uint8_t>();
    std::uint64_t h = seed;
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x) {
                h = h * 6364136223846793005ull + 1442695040888963407ull;
                v(z, y, x) = std::uint8_t(value(z, y, x, int(h >> (64 - noiseBits))));
            }
    return image;
}

// Same type, shape and every voxel (views of any strides compared).
void requireSameVoxels(const Volume& a, const Volume& b);

// The message of the FormatError that f() throws; fails the test for any other outcome.
template <class F> std::string formatErrorOf(F&& f) {
    try {
        f();
    } catch (const FormatError& e) {
        return e.what();
    } catch (const std::exception& e) {
        FAIL("expected a FormatError, got: " << e.what());
    }
    FAIL("expected a FormatError, got none");
    return {};
}

// Pretends the machine has `bytes` of memory while it lives (MemoryBudget.h).
struct MemoryLimit {
    explicit MemoryLimit(std::uint64_t bytes);
    ~MemoryLimit();
    MemoryLimit(const MemoryLimit&) = delete;
    MemoryLimit& operator=(const MemoryLimit&) = delete;
};

// Overwrites a file with exactly these bytes (not atomically: tests craft damage).
void writeFileBytes(const std::filesystem::path& path, const std::string& bytes);

} // namespace cisterna::test
