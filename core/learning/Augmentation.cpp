#include "core/learning/Augmentation.h"

#include <torch/nn/functional/upsampling.h>
#include <torch/nn/functional/vision.h>

#include <algorithm>
#include <cmath>

namespace cisterna {
namespace {

double uniform(std::mt19937_64& rng, double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
}

std::int64_t axisOf(const Shape3& s, int a) {
    return a == 0 ? s.z : a == 1 ? s.y : s.x;
}
std::int64_t axisOf(const Index3& s, int a) {
    return a == 0 ? s.z : a == 1 ? s.y : s.x;
}
double axisOf(const Vec3d& s, int a) {
    return a == 0 ? s.z : a == 1 ? s.y : s.x;
}

torch::Tensor centreCrop(const torch::Tensor& t, const Shape3& shape) {
    return t.narrow(0, (t.size(0) - shape.z) / 2, shape.z)
        .narrow(1, (t.size(1) - shape.y) / 2, shape.y)
        .narrow(2, (t.size(2) - shape.x) / 2, shape.x);
}

} // namespace

std::vector<std::vector<int>> interchangeableAxes(const UNetConfig& config, const Shape3& input,
                                                  const Vec3d& voxelSize) {
    const auto same = [&](int a, int b) {
        if (axisOf(input, a) != axisOf(input, b))
            return false;
        const double va = axisOf(voxelSize, a), vb = axisOf(voxelSize, b);
        if (std::abs(va - vb) > 0.1 * std::max(va, vb))
            return false;
        for (const Index3& f : config.downFactors)
            if (axisOf(f, a) != axisOf(f, b))
                return false;
        for (int l = 0; l <= config.levels(); ++l)
            if (axisOf(config.kernelSize(l), a) != axisOf(config.kernelSize(l), b))
                return false;
        return true;
    };
    std::vector<std::vector<int>> groups;
    std::vector<bool> used(3, false);
    for (int a = 0; a < 3; ++a) {
        if (used[static_cast<std::size_t>(a)])
            continue;
        std::vector<int> group{a};
        for (int b = a + 1; b < 3; ++b)
            if (!used[static_cast<std::size_t>(b)] && same(a, b)) {
                group.push_back(b);
                used[static_cast<std::size_t>(b)] = true;
            }
        if (group.size() > 1)
            groups.push_back(group);
    }
    return groups;
}

Augmenter::Augmenter(const AugmentationOptions& options, const Vec3d& voxelSize,
                     std::vector<std::vector<int>> interchangeable)
    : options_(options), voxelSize_(voxelSize), interchangeable_(std::move(interchangeable)) {}

std::pair<torch::Tensor, torch::Tensor> Augmenter::deform(const torch::Tensor& image,
                                                          const torch::Tensor& target,
                                                          std::mt19937_64& rng) const {
    // Random displacements on a coarse grid of control points, smoothly interpolated:
    // spacing and jitter are in voxels of the finest axis, scaled for coarser axes.
    const double finest = std::min({voxelSize_.z, voxelSize_.y, voxelSize_.x});
    std::vector<std::int64_t> sizes{image.size(0), image.size(1), image.size(2)};
    std::vector<std::int64_t> points(3);
    std::vector<double> sigma(3);
    for (int a = 0; a < 3; ++a) {
        const double scale = finest / axisOf(voxelSize_, a);
        const double spacing = std::max(1.0, options_.elasticSpacing * scale);
        points[static_cast<std::size_t>(a)] =
            std::max<std::int64_t>(2, static_cast<std::int64_t>(std::ceil(
                                          double(sizes[static_cast<std::size_t>(a)]) / spacing)) +
                                          1);
        sigma[static_cast<std::size_t>(a)] = options_.elasticSigma * scale;
    }
    const auto cpu = torch::TensorOptions().dtype(torch::kFloat);
    torch::Tensor control = torch::empty({1, 3, points[0], points[1], points[2]}, cpu);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    float* c = control.data_ptr<float>();
    const std::int64_t perAxis = points[0] * points[1] * points[2];
    for (int a = 0; a < 3; ++a)
        for (std::int64_t i = 0; i < perAxis; ++i)
            c[a * perAxis + i] =
                normal(rng) * static_cast<float>(sigma[static_cast<std::size_t>(a)]);
    namespace F = torch::nn::functional;
    const torch::Tensor displacement =
        F::interpolate(
            control.to(image.device()),
            F::InterpolateFuncOptions().size(sizes).mode(torch::kTrilinear).align_corners(true))
            .squeeze(0); // (3, z, y, x) in voxels

    // grid_sample wants (x, y, z) positions normalised to [-1, 1] (align_corners).
    std::vector<torch::Tensor> normalised(3);
    for (int a = 0; a < 3; ++a) {
        const std::int64_t n = sizes[static_cast<std::size_t>(a)];
        std::vector<std::int64_t> shape{1, 1, 1};
        shape[static_cast<std::size_t>(a)] = n;
        const torch::Tensor base =
            torch::arange(n, image.options()).view(shape).expand({sizes[0], sizes[1], sizes[2]});
        normalised[static_cast<std::size_t>(a)] =
            (base + displacement[a]) * (n > 1 ? 2.0 / double(n - 1) : 0.0) - 1.0;
    }
    const torch::Tensor grid = torch::stack({normalised[2], normalised[1], normalised[0]}, -1)
                                   .unsqueeze(0); // (1, z, y, x, 3)
    const auto sample = [&](const torch::Tensor& t, bool nearest) {
        using Mode = F::GridSampleFuncOptions::mode_t;
        const Mode mode = nearest ? Mode(torch::kNearest) : Mode(torch::kBilinear);
        return F::grid_sample(t.to(torch::kFloat).unsqueeze(0).unsqueeze(0), grid,
                              F::GridSampleFuncOptions()
                                  .mode(mode)
                                  .padding_mode(torch::kBorder)
                                  .align_corners(true))
            .squeeze(0)
            .squeeze(0);
    };
    return {sample(image, false), sample(target, true).round().to(torch::kUInt8)};
}

std::pair<torch::Tensor, torch::Tensor> Augmenter::apply(torch::Tensor image, torch::Tensor target,
                                                         const Shape3& output,
                                                         std::mt19937_64& rng) const {
    if (options_.elastic) {
        std::tie(image, target) = deform(image, target, rng);
        target = centreCrop(target, output);
    }
    if (options_.mirror)
        for (int a = 0; a < 3; ++a)
            if (uniform(rng, 0, 1) < 0.5) {
                image = image.flip({a});
                target = target.flip({a});
            }
    if (options_.transpose)
        for (const auto& group : interchangeable_) {
            std::vector<int> order = group;
            std::shuffle(order.begin(), order.end(), rng);
            std::vector<std::int64_t> perm{0, 1, 2};
            for (std::size_t i = 0; i < group.size(); ++i)
                perm[static_cast<std::size_t>(group[i])] = order[i];
            image = image.permute(perm);
            target = target.permute(perm);
        }
    // Intensities are in [-1, 1], twice the [0, 1] range the options are given in.
    if (options_.intensityScale > 0 || options_.intensityShift > 0) {
        const double scale = 1 + uniform(rng, -options_.intensityScale, options_.intensityScale);
        const double shift = 2 * uniform(rng, -options_.intensityShift, options_.intensityShift);
        image = image * scale + shift;
    }
    if (options_.noiseSigma > 0) {
        const double sigma = 2 * uniform(rng, 0, options_.noiseSigma);
        // LibTorch's generator (seeded when training starts) on the patch's device.
        image = image + torch::randn(image.sizes(), image.options()) * sigma;
    }
    return {image.contiguous(), target.contiguous()};
}

} // namespace cisterna
