#include "core/learning/TorchRuntime.h"

#include <torch/cuda.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <sstream>

namespace cisterna {

TorchRuntime detectTorchRuntime() {
    TorchRuntime runtime;
    runtime.libtorchVersion = TORCH_VERSION;
    runtime.cudaAvailable = torch::cuda::is_available();
    runtime.cudaDeviceCount =
        runtime.cudaAvailable ? static_cast<int>(torch::cuda::device_count()) : 0;
    runtime.cpuThreads = torch::get_num_threads();
    runtime.deviceName = runtime.cudaAvailable ? "cuda:0" : "cpu";
    return runtime;
}

std::string TorchRuntime::describe() const {
    std::ostringstream out;
    out << "LibTorch " << libtorchVersion << ", device " << deviceName;
    if (cudaAvailable)
        out << " (" << cudaDeviceCount << " CUDA device" << (cudaDeviceCount == 1 ? "" : "s")
            << ")";
    else
        out << " (" << cpuThreads << " threads; no CUDA device)";
    return out.str();
}

} // namespace cisterna
