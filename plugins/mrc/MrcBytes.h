#pragma once
// Fixed-width numbers at byte offsets in either byte order, and float16. MRC files
// come from little- and big-endian machines alike (the machst stamp says which).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace cisterna::mrc {

constexpr bool kHostIsBigEndian = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;

template <class T> T loadScalar(const unsigned char* bytes, bool bigEndian) {
    unsigned char copy[sizeof(T)];
    std::memcpy(copy, bytes, sizeof(T));
    if (bigEndian != kHostIsBigEndian)
        std::reverse(copy, copy + sizeof(T));
    T value;
    std::memcpy(&value, copy, sizeof(T));
    return value;
}

template <class T> void storeLittleEndian(unsigned char* bytes, T value) {
    std::memcpy(bytes, &value, sizeof(T));
    if (kHostIsBigEndian)
        std::reverse(bytes, bytes + sizeof(T));
}

// Reverses each `width`-byte word of `count` words in place.
inline void swapWords(unsigned char* data, std::size_t count, std::size_t width) {
    if (width < 2)
        return;
    for (std::size_t i = 0; i < count; ++i)
        std::reverse(data + i * width, data + (i + 1) * width);
}

// IEEE 754 binary16 (MRC mode 12) to float32, subnormals, infinities and NaN included.
inline float halfToFloat(std::uint16_t half) {
    const int sign = (half >> 15) & 1;
    const int exponent = (half >> 10) & 0x1F;
    const int mantissa = half & 0x3FF;
    float magnitude;
    if (exponent == 0)
        magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    else if (exponent == 31)
        magnitude = mantissa == 0 ? INFINITY : NAN;
    else
        magnitude = std::ldexp(static_cast<float>(mantissa + 1024), exponent - 25);
    return sign ? -magnitude : magnitude;
}

} // namespace cisterna::mrc
