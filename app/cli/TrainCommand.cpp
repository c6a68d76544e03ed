// Only with LibTorch: cisterna_learning defines CISTERNA_HAVE_TORCH for its users.
#ifdef CISTERNA_HAVE_TORCH
#include "TrainingCommand.h"

#include "core/learning/TorchRuntime.h"
#include "core/learning/TrainingSetup.h"
#include "core/learning/TrainingText.h"
#include "core/util/Error.h"

#include <iostream>

namespace cisterna::cli {
namespace {

class TrainCommand final : public TrainingCommand {
public:
    void setup(CLI::App& app) override {
        subcommand = app.add_subcommand(
            "train", "Train a 3D U-Net (ASEM recipe) for one organelle, or several with "
                     "--classes; Ctrl+C stops after the current iteration and keeps a checkpoint");
        auto* s = subcommand;
        addDataOptions(*s, false);
        s->add_option("--organelle", options_.organelle, "Name of what the network learns")
            ->capture_default_str();
        addTrainingOptions(*s, "Iterations (ASEM: 100000-200000)");
        s->add_option("--features", options_.network.baseFeatures, "Feature maps at the top level")
            ->capture_default_str();
        s->add_option("--feature-factor", options_.network.featureFactor,
                      "Feature maps grow by this per level")
            ->capture_default_str();
        s->add_option("--levels", levels_, "Downsampling levels")->capture_default_str();
        s->add_option("--factors", factors_,
                      "Downsampling factors: auto (1,2,2 where z voxels are 1.5 times y and x or "
                      "more, else 2), 2, z,y,x for all levels, or z,y,x;z,y,x;... per level")
            ->capture_default_str();
        s->add_option("--kernels", kernels_,
                      "Convolution kernels per level and bottom, e.g. 1,3,3;1,3,3;3,3,3;3,3,3 "
                      "(default 3x3x3; with --factors auto, 1 along an axis thinner than the "
                      "network's smallest input)");
        s->add_option("--upsampling", upsampling_, "nearest or transposed")->capture_default_str();
        s->add_option("--head-kernel", options_.network.headKernel,
                      "1 (1x1x1 head) or 3 (ASEM's final 3x3x3 pass: 204 -> 110)")
            ->capture_default_str();
        s->add_option("--input-size", inputSize_,
                      "Patch input size: n or z,y,x (default: up to 204 that fits)");
        s->add_flag("--sizes", sizes_, "Print the network's valid input/output sizes and exit");
        s->add_option("--noise", options_.augmentation.noiseSigma,
                      "Gaussian noise sigma up to (fraction of the grey range)")
            ->capture_default_str();
        s->add_option("--intensity", intensity_,
                      "Intensity scale and shift up to +- this (fraction of the grey range)")
            ->capture_default_str();
        addRunOptions(*s);
    }

    void run() override {
        // With auto the factors follow the image's voxel size once it is read; until then
        // (and for --sizes) the isotropic ones.
        const bool autoFactors = factors_ == "auto";
        options_.network.downFactors = parseLevelTriples(autoFactors ? "2" : factors_, levels_);
        applyKernels();
        options_.network.upsampling = parseUpsampling(upsampling_);
        if (!inputSize_.empty())
            options_.inputShape = parseShape3(inputSize_);
        if (sizes_) {
            const Shape3 input =
                options_.inputShape.isEmpty() ? Shape3{204, 204, 204} : options_.inputShape;
            std::cout << describeNetworkSizes(options_.network, input);
            return;
        }
        if (files_.image.empty() || files_.labels.empty() || out_.empty())
            throw InvalidArgument("train needs --image, --labels and --out");
        applyOptions(true);
        options_.augmentation.intensityScale = intensity_;
        options_.augmentation.intensityShift = intensity_;

        TrainingData data = loadTrainingData(files_);
        if (autoFactors && options_.resumeFrom.empty()) {
            // The app's rule for thick sections and thin stacks (TrainingSetup.h).
            options_.network = networkForVolume(options_.network, levels_, data.image.voxelSize(),
                                                data.image.shape());
            applyKernels(); // given kernels win over the thin-stack ones
        }
        chooseValidationSlab(data, options_.network);
        std::cout << detectTorchRuntime().describe() << "\n";
        if (options_.resumeFrom.empty()) {
            const Shape3 patch = options_.inputShape.isEmpty()
                                     ? defaultInputShape(options_.network, data.image.shape())
                                     : options_.inputShape;
            std::cout << describeNetworkSizes(options_.network, patch);
        } else {
            std::cout << "resuming " << options_.resumeFrom << "\n";
        }
        runAndSave([&] { return trainModel(data, options_); }, "trained");
    }

private:
    void applyKernels() {
        if (!kernels_.empty())
            options_.network.kernelSizes = parseLevelTriples(
                kernels_, static_cast<int>(options_.network.downFactors.size()) + 1);
    }

    std::string factors_ = "auto", kernels_, upsampling_ = "nearest", inputSize_;
    int levels_ = 3;
    double intensity_ = 0.1;
    bool sizes_ = false;
};

} // namespace

std::unique_ptr<Command> makeTrainCommand() {
    return std::make_unique<TrainCommand>();
}

} // namespace cisterna::cli

#endif // CISTERNA_HAVE_TORCH
