#include "core/learning/ComputeDevice.h"

#include "core/util/Error.h"

#include <ATen/Context.h>
#include <ATen/autocast_mode.h>
#include <torch/cuda.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <sstream>

// LibTorch 2.4 made autocast per device type; the CUDA-only calls of 1.x remain as
// deprecated wrappers, so newer versions take the new spelling.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define CISTERNA_AUTOCAST_PER_DEVICE 1
#endif

namespace cisterna {
namespace {

bool cudaAutocastEnabled() {
#ifdef CISTERNA_AUTOCAST_PER_DEVICE
    return at::autocast::is_autocast_enabled(at::kCUDA);
#else
    return at::autocast::is_enabled();
#endif
}

torch::ScalarType cudaAutocastType() {
#ifdef CISTERNA_AUTOCAST_PER_DEVICE
    return at::autocast::get_autocast_dtype(at::kCUDA);
#else
    return at::autocast::get_autocast_gpu_dtype();
#endif
}

void setCudaAutocast(bool enabled, torch::ScalarType type) {
#ifdef CISTERNA_AUTOCAST_PER_DEVICE
    at::autocast::set_autocast_dtype(at::kCUDA, type);
    at::autocast::set_autocast_enabled(at::kCUDA, enabled);
#else
    at::autocast::set_autocast_gpu_dtype(type);
    at::autocast::set_enabled(enabled);
#endif
}

// bf16 needs an Ampere or newer GPU; trying a tiny product is the portable check.
bool cudaSupportsBFloat16(const torch::Device& device) {
    try {
        const auto a =
            torch::ones({8, 8}, torch::TensorOptions().device(device).dtype(torch::kBFloat16));
        return a.matmul(a).sum().item<float>() == 512.0f;
    } catch (const std::exception&) {
        return false;
    }
}

} // namespace

std::string ComputeDevice::describe() const {
    std::ostringstream out;
    if (isCuda()) {
        out << "cuda:" << int(device.index() < 0 ? 0 : device.index());
        if (mixedPrecision)
            out << ", " << (autocastType == torch::kBFloat16 ? "bf16" : "fp16") << " autocast";
        else
            out << ", fp32";
    } else {
        out << "cpu (" << torch::get_num_threads() << " threads, fp32)";
    }
    return out.str();
}

ComputeDevice selectComputeDevice(DevicePreference preference, bool allowMixedPrecision) {
    useAllCpuCores();
    const bool cuda = torch::cuda::is_available();
    if (preference == DevicePreference::Cuda && !cuda)
        throw InvalidArgument("a CUDA device was asked for but LibTorch sees none (this build: "
                              "LibTorch " TORCH_VERSION ")");
    ComputeDevice d;
    if (cuda && preference != DevicePreference::Cpu) {
        d.device = torch::Device(torch::kCUDA, 0);
        at::globalContext().setBenchmarkCuDNN(true);
        if (allowMixedPrecision) {
            d.mixedPrecision = true;
            d.autocastType = cudaSupportsBFloat16(d.device) ? torch::kBFloat16 : torch::kHalf;
        }
    }
    return d;
}

AutocastScope::AutocastScope(const ComputeDevice& device) {
    if (!device.isCuda() || !device.mixedPrecision)
        return;
    active_ = true;
    previousEnabled_ = cudaAutocastEnabled();
    previousType_ = cudaAutocastType();
    setCudaAutocast(true, device.autocastType);
}

AutocastScope::~AutocastScope() {
    if (!active_)
        return;
    setCudaAutocast(previousEnabled_, previousType_);
    // Cached low-precision copies of the weights belong to this forward pass only.
    at::autocast::clear_cache();
}

} // namespace cisterna
