#pragma once
// What the learning engine runs on: LibTorch's version and the device picked at run
// time (CUDA when a GPU is visible, else the CPU with all its cores).
#include <string>

namespace cisterna {

struct TorchRuntime {
    std::string libtorchVersion; // "1.13.1"
    bool cudaAvailable = false;
    int cudaDeviceCount = 0;
    int cpuThreads = 0;
    std::string deviceName;       // "cuda:0" or "cpu"
    bool cudaBuilt = false;       // this LibTorch was compiled with CUDA
    std::string describe() const; // one line for --version and logs
    // Why jobs run where they run, in one sentence for the Train dialog: no CUDA in
    // this build's LibTorch, a CUDA build that sees no GPU, or the GPUs found.
    std::string reason() const;
};

TorchRuntime detectTorchRuntime();

// Which device a job asks for; Auto takes CUDA when present, else the CPU.
enum class DevicePreference { Auto, Cpu, Cuda };
DevicePreference parseDevicePreference(const std::string& text); // "auto", "cpu", "cuda"

// LibTorch uses all hardware threads of the machine (or CISTERNA_THREADS when set)
// for its CPU kernels. Called by every training and prediction job.
void useAllCpuCores();

} // namespace cisterna
