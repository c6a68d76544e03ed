#include "core/learning/TorchRuntime.h"

#include "core/util/Error.h"
#include "core/util/Text.h"

#include <ATen/Version.h>
#include <torch/cuda.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <cstdlib>
#include <sstream>
#include <thread>

namespace cisterna {

TorchRuntime detectTorchRuntime() {
    useAllCpuCores();
    TorchRuntime runtime;
    runtime.libtorchVersion = TORCH_VERSION;
    runtime.cudaAvailable = torch::cuda::is_available();
    runtime.cudaDeviceCount =
        runtime.cudaAvailable ? static_cast<int>(torch::cuda::device_count()) : 0;
    runtime.cpuThreads = torch::get_num_threads();
    runtime.deviceName = runtime.cudaAvailable ? "cuda:0" : "cpu";
    // The build settings are the one place LibTorch says whether it has CUDA at all,
    // which is_available() (false without a GPU too) cannot tell apart.
    runtime.cudaBuilt =
        runtime.cudaAvailable || at::show_config().find("USE_CUDA=ON") != std::string::npos;
    return runtime;
}

std::string TorchRuntime::reason() const {
    if (cudaAvailable)
        return std::to_string(cudaDeviceCount) + " CUDA GPU" + (cudaDeviceCount == 1 ? "" : "s") +
               " visible; jobs use the first";
    if (!cudaBuilt)
        return "this build's LibTorch " + libtorchVersion +
               " has no CUDA: Debian's is CPU-only, the README says how to build for a GPU";
    return "LibTorch " + libtorchVersion +
           " has CUDA but sees no GPU: no NVIDIA driver, or CUDA_VISIBLE_DEVICES hides it";
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

DevicePreference parseDevicePreference(const std::string& text) {
    const std::string t = toLower(text);
    if (t == "auto" || t.empty())
        return DevicePreference::Auto;
    if (t == "cpu")
        return DevicePreference::Cpu;
    if (t == "cuda" || t == "gpu" || t == "cuda:0")
        return DevicePreference::Cuda;
    throw InvalidArgument("unknown device '" + text + "' (auto, cpu or cuda)");
}

void useAllCpuCores() {
    int threads = static_cast<int>(std::thread::hardware_concurrency());
    if (const char* env = std::getenv("CISTERNA_THREADS")) {
        const int requested = std::atoi(env);
        if (requested > 0)
            threads = requested;
    }
    if (threads > 0 && torch::get_num_threads() != threads)
        torch::set_num_threads(threads);
}

} // namespace cisterna
