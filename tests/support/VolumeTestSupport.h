#pragma once
// What the format tests share: a volume whose every voxel is known, a voxel-by-voxel
// comparison, the message of the FormatError a call must throw, and raw file bytes
// for crafting damaged files.
#include "core/util/Error.h"
#include "core/volume/Volume.h"

#include <catch2/catch.hpp>

#include <exception>
#include <filesystem>
#include <string>

namespace cisterna::test {

// Voxel values follow (z, y, x) with distinct steps per axis, so a transposed, shifted
// or mirrored read differs; floats have a fractional part and negative values.
Volume patternVolume(DataType type, const Shape3& shape);

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

// Overwrites a file with exactly these bytes (not atomically: tests craft damage).
void writeFileBytes(const std::filesystem::path& path, const std::string& bytes);

} // namespace cisterna::test
