#pragma once
// Fixed-width numbers at byte offsets in either byte order, and float16. MRC files
// come from little- and big-endian machines alike (the machst stamp says which).
#include "core/volume/HalfFloat.h"

#include <algorithm>
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

// MRC mode 12 is IEEE 754 binary16: core/volume/HalfFloat.h converts it.
using cisterna::halfToFloat;

} // namespace cisterna::mrc
