#pragma once
// Internal: the torch device a job runs on and its precision. On CUDA, mixed precision
// runs the convolutions in bf16 (fp16 on GPUs without bf16) under autocast; on the CPU
// everything stays fp32.
#include "core/learning/TorchRuntime.h"

#include <torch/types.h>

#include <string>

namespace cisterna {

struct ComputeDevice {
    torch::Device device{torch::kCPU};
    bool mixedPrecision = false;
    torch::ScalarType autocastType = torch::kFloat;
    bool isCuda() const { return device.is_cuda(); }
    std::string describe() const; // "cpu (2 threads)", "cuda:0, bf16 autocast"
};

// Throws InvalidArgument when CUDA is asked for but not present. Also sets the CPU
// thread count and, on CUDA, cuDNN's benchmark mode.
ComputeDevice selectComputeDevice(DevicePreference preference, bool allowMixedPrecision);

// Autocast on for the lifetime of the scope when the device uses mixed precision.
// Compiled against both LibTorch 1.13 and 2.x APIs; only ever active on CUDA.
class AutocastScope {
public:
    explicit AutocastScope(const ComputeDevice& device);
    ~AutocastScope();
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool active_ = false;
    bool previousEnabled_ = false;
    torch::ScalarType previousType_ = torch::kFloat;
};

} // namespace cisterna
