#pragma once
// Separable Gaussian blur (the microscope's point spread) on float planes, with
// edges clamped. Each output sums its taps in a fixed order, so results do not
// depend on how the volume is split between threads.
#include <cstdint>
#include <vector>

namespace cisterna::phantom {

// Normalised taps of a Gaussian of `sigma` samples, radius ceil(3 sigma); {1} for
// sigma too small to matter.
std::vector<float> gaussianKernel(double sigma);

// Blurs each of `rows` rows of `width` contiguous samples in place; `temp` is scratch.
void blurRows(float* plane, std::int64_t rows, std::int64_t width, const std::vector<float>& kernel,
              std::vector<float>& temp);

// out[r][x] = sum_k kernel[k] * in[clamp(r + k - radius)][x]: blur across the rows
// of a (rows x width) plane. `in` and `out` must not overlap.
void blurAcrossRows(const float* in, float* out, std::int64_t rows, std::int64_t width,
                    const std::vector<float>& kernel);

} // namespace cisterna::phantom
