// Only with LibTorch: cisterna_learning defines CISTERNA_HAVE_TORCH for its users.
#ifdef CISTERNA_HAVE_TORCH
#include "Command.h"

#include "core/learning/TorchRuntime.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace cisterna::cli {
namespace {

// What the learning worker can run on, for people and for the app's Train dialog.
class DevicesCommand final : public Command {
public:
    void setup(CLI::App& app) override {
        subcommand = app.add_subcommand(
            "devices", "Show the devices training and prediction can use, and why jobs run "
                       "where they run");
        subcommand->add_flag("--json", json_, "Print JSON instead of text");
    }

    void run() override {
        const TorchRuntime r = detectTorchRuntime();
        if (json_) {
            nlohmann::json j;
            j["libtorch"] = r.libtorchVersion;
            j["cuda_built"] = r.cudaBuilt;
            j["cuda_devices"] = r.cudaDeviceCount;
            j["cpu_threads"] = r.cpuThreads;
            j["device"] = r.deviceName;
            j["reason"] = r.reason();
            std::cout << j.dump() << "\n";
            return;
        }
        std::cout << "LibTorch " << r.libtorchVersion << (r.cudaBuilt ? " with" : " without")
                  << " CUDA\n"
                  << "CUDA devices: " << r.cudaDeviceCount << "\n"
                  << "CPU threads: " << r.cpuThreads << "\n"
                  << "jobs run on: " << r.deviceName << "\n"
                  << "because: " << r.reason() << "\n";
    }

private:
    bool json_ = false;
};

} // namespace

std::unique_ptr<Command> makeDevicesCommand() {
    return std::make_unique<DevicesCommand>();
}

} // namespace cisterna::cli

#endif // CISTERNA_HAVE_TORCH
