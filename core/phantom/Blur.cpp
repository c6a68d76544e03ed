#include "core/phantom/FloatDeterminism.h" // first: see there

#include "core/phantom/Blur.h"

#include "core/phantom/DetMath.h"

#include <algorithm>
#include <cmath>

namespace cisterna::phantom {

std::vector<float> gaussianKernel(double sigma) {
    if (!(sigma > 0.05))
        return {1.0f};
    const auto radius = static_cast<std::int64_t>(std::ceil(3.0 * sigma));
    std::vector<double> taps(static_cast<std::size_t>(2 * radius + 1));
    double sum = 0;
    for (std::int64_t i = -radius; i <= radius; ++i) {
        const double t = static_cast<double>(i) / sigma;
        taps[static_cast<std::size_t>(i + radius)] = detExp(-0.5 * t * t);
        sum += taps[static_cast<std::size_t>(i + radius)];
    }
    std::vector<float> kernel;
    for (double t : taps)
        kernel.push_back(static_cast<float>(t / sum));
    return kernel;
}

void blurRows(float* plane, std::int64_t rows, std::int64_t width, const std::vector<float>& kernel,
              std::vector<float>& temp) {
    if (kernel.size() == 1)
        return;
    const auto radius = static_cast<std::int64_t>(kernel.size() / 2);
    // Padded copy of the row: the clamped edge samples are written once, so the inner
    // loop has no branches.
    temp.resize(static_cast<std::size_t>(width + 2 * radius));
    for (std::int64_t r = 0; r < rows; ++r) {
        float* row = plane + r * width;
        for (std::int64_t i = 0; i < width + 2 * radius; ++i)
            temp[static_cast<std::size_t>(i)] =
                row[std::clamp<std::int64_t>(i - radius, 0, width - 1)];
        for (std::int64_t x = 0; x < width; ++x) {
            float sum = 0;
            for (std::size_t k = 0; k < kernel.size(); ++k)
                sum += kernel[k] * temp[static_cast<std::size_t>(x) + k];
            row[x] = sum;
        }
    }
}

void blurAcrossRows(const float* in, float* out, std::int64_t rows, std::int64_t width,
                    const std::vector<float>& kernel) {
    const auto radius = static_cast<std::int64_t>(kernel.size() / 2);
    for (std::int64_t r = 0; r < rows; ++r) {
        float* target = out + r * width;
        std::fill(target, target + width, 0.0f);
        for (std::size_t k = 0; k < kernel.size(); ++k) {
            const std::int64_t source =
                std::clamp<std::int64_t>(r + static_cast<std::int64_t>(k) - radius, 0, rows - 1);
            const float weight = kernel[k];
            const float* src = in + source * width;
            for (std::int64_t x = 0; x < width; ++x)
                target[x] += weight * src[x];
        }
    }
}

} // namespace cisterna::phantom
