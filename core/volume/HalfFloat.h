#pragma once
// IEEE 754 binary16 ("float16", "half") as a storage encoding. Cisterna keeps no
// half-float volumes in memory: float16 files widen to float32 on read, and float32
// volumes may be narrowed on write (probability maps need ~3 significant digits, and
// half the bytes of float32 matter for whole-volume predictions).
#include <cstddef>
#include <cstdint>

namespace cisterna {

// Round to nearest, ties to even, as IEEE conversions do; beyond +-65504 gives
// infinity, NaN stays NaN, tiny values become half subnormals or zero.
std::uint16_t floatToHalf(float value);
// Exact: every half value is a float.
float halfToFloat(std::uint16_t bits);

void narrowToHalf(const float* in, std::uint16_t* out, std::size_t count);
void widenFromHalf(const std::uint16_t* in, float* out, std::size_t count);

// The same within one byte buffer, so chunk codecs need no second buffer: `bytes`
// holds `count` floats and ends up with `count` halves at its start, or holds
// `count` halves at its start and ends up with `count` floats (it must have room
// for them). Byte order is the host's.
void narrowToHalfInPlace(unsigned char* bytes, std::size_t count);
void widenFromHalfInPlace(unsigned char* bytes, std::size_t count);

} // namespace cisterna
