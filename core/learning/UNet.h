#pragma once
// Internal: the 3D U-Net of ASEM / funlib as a LibTorch module. Valid convolutions,
// max-pooling, nearest or transposed-convolution upsampling, skip connections cropped
// to the upsampled maps (after funlib's crop_to_factor), and a head producing
// classes + 1 logits (background first).
#include "core/learning/UNetConfig.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include <vector>

namespace cisterna {

class UNetImpl : public torch::nn::Module {
public:
    explicit UNetImpl(const UNetConfig& config);

    // x: (batch, 1, z, y, x) with a valid spatial size (see unetGeometry); returns
    // (batch, classes + 1, output z, y, x) logits.
    torch::Tensor forward(const torch::Tensor& x);

    const UNetConfig& config() const { return config_; }
    // The contracting path and the bottom: what "freeze the encoder" holds fixed.
    std::vector<torch::Tensor> encoderParameters();

private:
    torch::Tensor upsample(const torch::Tensor& x, int level);

    UNetConfig config_;
    std::vector<torch::nn::Sequential> down_;            // levels + 1 (last: bottom)
    std::vector<torch::nn::Sequential> up_;              // index = level
    std::vector<torch::nn::ConvTranspose3d> upsamplers_; // transposed mode only
    torch::nn::Conv3d head_{nullptr};
};
TORCH_MODULE(UNet);

// Builds the network with PyTorch's default initialisation, seeded for reproducibility.
UNet makeUNet(const UNetConfig& config, std::uint64_t seed);

std::int64_t countParameters(torch::nn::Module& module);

} // namespace cisterna
