#include "core/io/itk/ItkUnits.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace cisterna::itkio {
namespace {

constexpr int kMillimetresToNanometresDecades = 6;

// The shortest "d.ddde±XX" text that reads back as the same float32.
std::string shortestFloatText(float value) {
    char text[64];
    for (int digits = 1; digits <= 9; ++digits) {
        std::snprintf(text, sizeof text, "%.*e", digits - 1, static_cast<double>(value));
        if (std::strtof(text, nullptr) == value)
            break;
    }
    return text;
}

} // namespace

double nanometresToNiftiMillimetres(double nm) {
    return nm * 1e-6;
}

double niftiMillimetresToNanometres(double mm) {
    const float stored = static_cast<float>(mm);
    if (stored == 0.0f || !std::isfinite(stored))
        return mm * 1e6;
    // Shift the decimal exponent rather than multiplying, so no binary rounding
    // creeps in: "8e-06" becomes "8e+00".
    const std::string text = shortestFloatText(stored);
    const auto e = text.find('e');
    const int exponent = std::atoi(text.c_str() + e + 1) + kMillimetresToNanometresDecades;
    const std::string shifted = text.substr(0, e) + "e" + std::to_string(exponent);
    return std::strtod(shifted.c_str(), nullptr);
}

} // namespace cisterna::itkio
