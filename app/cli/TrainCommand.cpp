// Only with LibTorch: cisterna_learning defines CISTERNA_HAVE_TORCH for its users.
#ifdef CISTERNA_HAVE_TORCH
#include "Command.h"

#include "core/learning/InterruptCancel.h"
#include "core/learning/TorchRuntime.h"
#include "core/learning/Training.h"
#include "core/learning/TrainingText.h"
#include "core/learning/io/TrainingFiles.h"
#include "core/util/Error.h"

#include <iostream>

namespace cisterna::cli {
namespace {

class TrainCommand final : public Command {
public:
    void setup(CLI::App& app) override {
        subcommand = app.add_subcommand(
            "train", "Train a 3D U-Net (ASEM recipe) for one organelle, or several with "
                     "--classes; Ctrl+C stops after the current iteration and keeps a checkpoint");
        auto* s = subcommand;
        s->add_option("--image", files_.image, "Grey image to learn from");
        s->add_option("--labels", files_.labels, "Label volume (loose or exact ground truth)");
        s->add_option("--mask", files_.mask, "Learn only where this volume is non-zero");
        s->add_option("--out", out_, "Model file to write (.cmodel)");
        s->add_option("--crop", files_.crop, "Use only this box of the volumes: z0:z1,y0:y1,x0:x1");
        s->add_option("--organelle", options_.organelle, "Name of what the network learns")
            ->capture_default_str();
        s->add_option("--label-values", labelValues_,
                      "Label values that mean the organelle, e.g. 1 or 1,4 (default: non-zero)");
        s->add_option("--classes", classes_,
                      "Multi-class head instead: name=values per class, e.g. mito=1;er=3");
        s->add_option("--unlabelled", unlabelled_, "Label value meaning 'not annotated'");
        s->add_option("--validation-image", files_.validationImage, "Held-out image");
        s->add_option("--validation-labels", files_.validationLabels, "Its labels");
        s->add_option("--validation-mask", files_.validationMask, "Its mask");
        s->add_option("--validation-region", files_.validationRegion,
                      "Hold out this box of the training volumes instead: z0:z1,y0:y1,x0:x1");
        s->add_option("--validate-every", options_.validateEvery,
                      "Validation F1 every N iterations (0: at the end)")
            ->capture_default_str();
        s->add_option("--iterations", options_.iterations, "Iterations (ASEM: 100000-200000)")
            ->capture_default_str();
        s->add_option("--batch", options_.batchSize, "Patches per iteration")
            ->capture_default_str();
        s->add_option("--lr", options_.learningRate, "Adam learning rate")->capture_default_str();
        s->add_option("--weight-decay", options_.weightDecay, "Adam weight decay")
            ->capture_default_str();
        s->add_option("--seed", options_.seed, "Random seed")->capture_default_str();
        s->add_option("--features", options_.network.baseFeatures, "Feature maps at the top level")
            ->capture_default_str();
        s->add_option("--feature-factor", options_.network.featureFactor,
                      "Feature maps grow by this per level")
            ->capture_default_str();
        s->add_option("--levels", levels_, "Downsampling levels")->capture_default_str();
        s->add_option("--factors", factors_,
                      "Downsampling factors: 2, or z,y,x for all levels (1,2,2 for anisotropic "
                      "data), or z,y,x;z,y,x;... per level")
            ->capture_default_str();
        s->add_option("--kernels", kernels_,
                      "Convolution kernels per level and bottom, e.g. 1,3,3;1,3,3;3,3,3;3,3,3 "
                      "(default 3x3x3)");
        s->add_option("--upsampling", upsampling_, "nearest or transposed")->capture_default_str();
        s->add_option("--head-kernel", options_.network.headKernel,
                      "1 (1x1x1 head) or 3 (ASEM's final 3x3x3 pass: 204 -> 110)")
            ->capture_default_str();
        s->add_option("--input-size", inputSize_,
                      "Patch input size: n or z,y,x (default: up to 204 that fits)");
        s->add_flag("--sizes", sizes_, "Print the network's valid input/output sizes and exit");
        s->add_flag("--no-mirror", noMirror_, "No mirror augmentation");
        s->add_flag("--no-transpose", noTranspose_, "No axis transposes");
        s->add_flag("--elastic", options_.augmentation.elastic, "Elastic deformation");
        s->add_option("--noise", options_.augmentation.noiseSigma,
                      "Gaussian noise sigma up to (fraction of the grey range)")
            ->capture_default_str();
        s->add_option("--intensity", intensity_,
                      "Intensity scale and shift up to +- this (fraction of the grey range)")
            ->capture_default_str();
        s->add_option("--checkpoint", options_.checkpointPath,
                      "Checkpoint file (default: <out>.checkpoint)");
        s->add_option("--checkpoint-every", options_.checkpointEvery,
                      "Checkpoint every N iterations (0: only when stopped)")
            ->capture_default_str();
        s->add_option("--resume", options_.resumeFrom, "Continue from this checkpoint");
        s->add_option("--device", device_, "auto, cpu or cuda")->capture_default_str();
        s->add_flag("--no-mixed-precision", noMixed_, "Train in fp32 on CUDA too");
        s->add_option("--report-every", reportEvery_, "Print progress every N iterations")
            ->check(CLI::PositiveNumber)
            ->capture_default_str();
    }

    void run() override {
        options_.network.downFactors = parseLevelTriples(factors_, levels_);
        if (!kernels_.empty())
            options_.network.kernelSizes = parseLevelTriples(
                kernels_, static_cast<int>(options_.network.downFactors.size()) + 1);
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
        if (!classes_.empty()) {
            const ClassSpec spec = parseClassSpec(classes_);
            options_.labels = spec.labels;
            options_.classNames = spec.names;
        } else {
            options_.labels = parseLabelValues(labelValues_);
        }
        options_.labels.unlabelledValue = unlabelled_;
        options_.augmentation.mirror = !noMirror_;
        options_.augmentation.transpose = !noTranspose_;
        options_.augmentation.intensityScale = intensity_;
        options_.augmentation.intensityShift = intensity_;
        options_.device = parseDevicePreference(device_);
        options_.mixedPrecision = !noMixed_;
        if (options_.checkpointPath.empty())
            options_.checkpointPath = out_ + ".checkpoint";

        const TrainingData data = loadTrainingData(files_);
        std::cout << detectTorchRuntime().describe() << "\n";
        if (options_.resumeFrom.empty()) {
            const Shape3 patch = options_.inputShape.isEmpty()
                                     ? defaultInputShape(options_.network, data.image.shape())
                                     : options_.inputShape;
            std::cout << describeNetworkSizes(options_.network, patch);
        } else {
            std::cout << "resuming " << options_.resumeFrom << "\n";
        }
        auto cancel = std::make_shared<CancelToken>();
        InterruptCancel interrupt(cancel);
        options_.cancel = cancel;
        options_.onWarning = [](const std::string& w) { std::cerr << "warning: " << w << "\n"; };
        options_.onProgress = [this](const TrainingProgress& p) {
            if (p.iteration % reportEvery_ == 0 || p.iteration == p.totalIterations ||
                p.validatedNow)
                std::cout << formatTrainingProgress(p) << std::endl;
        };
        const TrainResult result = trainModel(data, options_);
        finish(result);
    }

private:
    void finish(const TrainResult& result) {
        if (result.cancelled) {
            std::cout << "stopped at iteration " << result.iterations;
            if (!result.checkpointWritten.empty())
                std::cout << "; checkpoint " << result.checkpointWritten
                          << " (continue with --resume " << result.checkpointWritten << ")";
            std::cout << "\n";
            throw Cancelled();
        }
        result.model.save(out_);
        std::cout << "trained " << result.iterations << " iterations on " << result.device;
        if (result.validationF1)
            std::cout << ", validation F1 " << *result.validationF1;
        std::cout << "\nwrote " << out_ << "\n";
    }

    TrainingFiles files_;
    TrainOptions options_;
    std::string out_, labelValues_, classes_, factors_ = "2", kernels_, upsampling_ = "nearest";
    std::string inputSize_, device_ = "auto";
    std::optional<std::int64_t> unlabelled_;
    int levels_ = 3;
    double intensity_ = 0.1;
    bool sizes_ = false, noMirror_ = false, noTranspose_ = false, noMixed_ = false;
    std::int64_t reportEvery_ = 10;
};

} // namespace

std::unique_ptr<Command> makeTrainCommand() {
    return std::make_unique<TrainCommand>();
}

} // namespace cisterna::cli

#endif // CISTERNA_HAVE_TORCH
