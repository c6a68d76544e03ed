#include "core/volume/HalfFloat.h"

#include <cmath>
#include <cstring>

namespace cisterna {

std::uint16_t floatToHalf(float value) {
    std::uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    const std::uint32_t sign = (bits >> 16) & 0x8000u;
    const std::uint32_t magnitude = bits & 0x7fffffffu;
    if (magnitude >= 0x7f800000u) { // infinity, or NaN (kept quiet, payload truncated)
        const std::uint32_t nan =
            magnitude > 0x7f800000u ? 0x200u | ((magnitude >> 13) & 0x3ffu) : 0u;
        return static_cast<std::uint16_t>(sign | 0x7c00u | nan);
    }
    // 65520 is halfway between the largest half (65504) and 2^16; ties go to the even
    // neighbour, which is infinity.
    if (magnitude >= 0x477ff000u)
        return static_cast<std::uint16_t>(sign | 0x7c00u);
    if (magnitude < 0x38800000u) {
        // Below the smallest normal half (2^-14): a multiple of 2^-24. Scaling by a
        // power of two is exact, and nearbyint rounds ties to even.
        float scaled;
        std::memcpy(&scaled, &magnitude, sizeof scaled);
        scaled = std::nearbyint(scaled * 16777216.0f);
        return static_cast<std::uint16_t>(sign | static_cast<std::uint32_t>(scaled));
    }
    const std::uint32_t exponent = ((magnitude >> 23) - 127u + 15u) << 10;
    std::uint32_t half = exponent | ((magnitude & 0x7fffffu) >> 13);
    const std::uint32_t dropped = magnitude & 0x1fffu;
    // A carry out of the mantissa bumps the exponent, which is the right result.
    if (dropped > 0x1000u || (dropped == 0x1000u && (half & 1u)))
        ++half;
    return static_cast<std::uint16_t>(sign | half);
}

float halfToFloat(std::uint16_t bits) {
    const std::uint32_t sign = (static_cast<std::uint32_t>(bits) & 0x8000u) << 16;
    const std::uint32_t exponent = (bits >> 10) & 0x1fu;
    const std::uint32_t mantissa = bits & 0x3ffu;
    std::uint32_t out;
    if (exponent == 0) {
        const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
        std::memcpy(&out, &magnitude, sizeof out);
        out |= sign;
    } else if (exponent == 31) {
        out = sign | 0x7f800000u | (mantissa << 13);
    } else {
        out = sign | ((exponent - 15u + 127u) << 23) | (mantissa << 13);
    }
    float value;
    std::memcpy(&value, &out, sizeof value);
    return value;
}

void narrowToHalf(const float* in, std::uint16_t* out, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i)
        out[i] = floatToHalf(in[i]);
}

void widenFromHalf(const std::uint16_t* in, float* out, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i)
        out[i] = halfToFloat(in[i]);
}

void narrowToHalfInPlace(unsigned char* bytes, std::size_t count) {
    // Half i lands at byte 2i, float i was read from byte 4i >= 2i + 2 (i > 0):
    // walking forwards, nothing is overwritten before it is read.
    for (std::size_t i = 0; i < count; ++i) {
        float value;
        std::memcpy(&value, bytes + 4 * i, sizeof value);
        const std::uint16_t half = floatToHalf(value);
        std::memcpy(bytes + 2 * i, &half, sizeof half);
    }
}

void widenFromHalfInPlace(unsigned char* bytes, std::size_t count) {
    // Walking backwards, float i (bytes 4i..4i+3) covers only halves already read.
    for (std::size_t i = count; i-- > 0;) {
        std::uint16_t half;
        std::memcpy(&half, bytes + 2 * i, sizeof half);
        const float value = halfToFloat(half);
        std::memcpy(bytes + 4 * i, &value, sizeof value);
    }
}

} // namespace cisterna
