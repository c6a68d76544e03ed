#include "core/learning/UNet.h"

#include "core/util/Error.h"

#include <torch/nn/functional/upsampling.h>
#include <torch/nn/modules/activation.h>
#include <torch/utils.h>

namespace cisterna {
namespace {

torch::ExpandingArray<3> triple(const Index3& v) {
    return torch::ExpandingArray<3>({v.z, v.y, v.x});
}

torch::nn::Sequential convPass(std::int64_t in, std::int64_t out, const Index3& kernel) {
    using namespace torch::nn;
    return Sequential(
        Conv3d(Conv3dOptions(in, out, triple(kernel))), ReLU(ReLUOptions().inplace(true)),
        Conv3d(Conv3dOptions(out, out, triple(kernel))), ReLU(ReLUOptions().inplace(true)));
}

// Centre crop of the spatial dimensions to `shape` (z, y, x).
torch::Tensor centreCrop(const torch::Tensor& x, std::int64_t z, std::int64_t y, std::int64_t x_) {
    const std::int64_t dz = (x.size(2) - z) / 2, dy = (x.size(3) - y) / 2,
                       dx = (x.size(4) - x_) / 2;
    return x.narrow(2, dz, z).narrow(3, dy, y).narrow(4, dx, x_);
}

} // namespace

UNetImpl::UNetImpl(const UNetConfig& config) : config_(config) {
    config_.validate();
    const int levels = config_.levels();
    for (int l = 0; l <= levels; ++l) {
        const std::int64_t in = l == 0 ? 1 : config_.featuresAt(l - 1);
        down_.push_back(
            register_module("down" + std::to_string(l),
                            convPass(in, config_.featuresAt(l), config_.kernelSize(l))));
    }
    up_.resize(static_cast<std::size_t>(levels), torch::nn::Sequential(nullptr));
    for (int l = levels - 1; l >= 0; --l) {
        const std::int64_t below = config_.featuresAt(l + 1);
        if (config_.upsampling == Upsampling::TransposedConv) {
            const Index3 f = config_.downFactors[static_cast<std::size_t>(l)];
            upsamplers_.insert(
                upsamplers_.begin(),
                register_module("upsample" + std::to_string(l),
                                torch::nn::ConvTranspose3d(
                                    torch::nn::ConvTranspose3dOptions(below, below, triple(f))
                                        .stride(triple(f)))));
        }
        up_[static_cast<std::size_t>(l)] = register_module(
            "up" + std::to_string(l),
            convPass(below + config_.featuresAt(l), config_.featuresAt(l), config_.kernelSize(l)));
    }
    const int h = config_.headKernel;
    head_ = register_module("head", torch::nn::Conv3d(torch::nn::Conv3dOptions(
                                        config_.baseFeatures, config_.outputChannels(),
                                        torch::ExpandingArray<3>({h, h, h}))));
}

torch::Tensor UNetImpl::upsample(const torch::Tensor& x, int level) {
    if (config_.upsampling == Upsampling::TransposedConv)
        return upsamplers_[static_cast<std::size_t>(level)]->forward(x);
    const Index3 f = config_.downFactors[static_cast<std::size_t>(level)];
    namespace F = torch::nn::functional;
    return F::interpolate(
        x, F::InterpolateFuncOptions()
               .size(std::vector<std::int64_t>{x.size(2) * f.z, x.size(3) * f.y, x.size(4) * f.x})
               .mode(torch::kNearest));
}

torch::Tensor UNetImpl::forward(const torch::Tensor& input) {
    if (input.dim() != 5 || input.size(1) != 1)
        throw InvalidArgument("the U-Net takes (batch, 1, z, y, x) tensors");
    // Throws with the nearest valid sizes when the spatial size does not fit.
    unetGeometry(config_, {input.size(2), input.size(3), input.size(4)});
    const int levels = config_.levels();
    std::vector<torch::Tensor> skips;
    torch::Tensor x = input;
    for (int l = 0; l < levels; ++l) {
        x = down_[static_cast<std::size_t>(l)]->forward(x);
        skips.push_back(x);
        x = torch::max_pool3d(x, triple(config_.downFactors[static_cast<std::size_t>(l)]),
                              triple(config_.downFactors[static_cast<std::size_t>(l)]));
    }
    x = down_[static_cast<std::size_t>(levels)]->forward(x);
    for (int l = levels - 1; l >= 0; --l) {
        x = upsample(x, l);
        // crop_to_factor: keep a multiple of the factors below (plus what the next
        // convolutions take), so outputs of shifted tiles line up.
        Index3 factor{1, 1, 1};
        for (int j = l; j < levels; ++j) {
            const Index3& f = config_.downFactors[static_cast<std::size_t>(j)];
            factor = {factor.z * f.z, factor.y * f.y, factor.x * f.x};
        }
        const Index3 k = config_.kernelSize(l);
        const auto target = [](std::int64_t s, std::int64_t f, std::int64_t kernel) {
            const std::int64_t conv = 2 * (kernel - 1);
            return ((s - conv) / f) * f + conv;
        };
        const std::int64_t tz = target(x.size(2), factor.z, k.z);
        const std::int64_t ty = target(x.size(3), factor.y, k.y);
        const std::int64_t tx = target(x.size(4), factor.x, k.x);
        x = centreCrop(x, tz, ty, tx);
        const torch::Tensor skip = centreCrop(skips[static_cast<std::size_t>(l)], tz, ty, tx);
        x = up_[static_cast<std::size_t>(l)]->forward(torch::cat({skip, x}, 1));
    }
    return head_->forward(x);
}

std::vector<torch::Tensor> UNetImpl::encoderParameters() {
    std::vector<torch::Tensor> params;
    for (auto& level : down_)
        for (const auto& p : level->parameters())
            params.push_back(p);
    return params;
}

UNet makeUNet(const UNetConfig& config, std::uint64_t seed) {
    torch::manual_seed(seed);
    return UNet(config);
}

std::int64_t countParameters(torch::nn::Module& module) {
    std::int64_t n = 0;
    for (const auto& p : module.parameters())
        n += p.numel();
    return n;
}

} // namespace cisterna
