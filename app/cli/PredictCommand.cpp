// Only with LibTorch: cisterna_learning defines CISTERNA_HAVE_TORCH for its users.
#ifdef CISTERNA_HAVE_TORCH
#include "Command.h"
#include "WorkerMode.h"

#include "core/io/VolumeIO.h"
#include "core/learning/InterruptCancel.h"
#include "core/learning/Prediction.h"
#include "core/learning/TorchRuntime.h"
#include "core/learning/TrainingText.h"
#include "core/learning/io/FilePrediction.h"
#include "core/util/Error.h"
#include "core/util/Stopwatch.h"

#include <cstdio>
#include <iostream>

namespace cisterna::cli {
namespace {

class PredictCommand final : public Command {
public:
    void setup(CLI::App& app) override {
        subcommand = app.add_subcommand(
            "predict", "Probability maps of a trained model over a whole volume, block by block "
                       "(every voxel, borders mirrored); Zarr/N5/HDF5 outputs are written as "
                       "they are computed");
        auto* s = subcommand;
        s->add_option("--model", model_, "Trained model (.cmodel)")->required();
        s->add_option("--image", image_, "Image to predict");
        s->add_option("--out", out_,
                      "Probability map to write; for several classes put {class} in the path");
        s->add_option("--format", format_,
                      "uint8 (p * 255), float16 (HDF5 and Zarr outputs; half of float32's "
                      "bytes, read back as float32) or float32")
            ->check(CLI::IsMember({"uint8", "float16", "float32"}))
            ->capture_default_str();
        s->add_option(
            "--tile", tile_,
            "Tile input size: n or z,y,x (default: output up to 128 per axis within 2 GiB)");
        s->add_option("--device", device_, "auto, cpu or cuda")->capture_default_str();
        s->add_flag("--no-mixed-precision", noMixed_, "Predict in fp32 on CUDA too");
        s->add_flag("--info", info_, "Print what the model file says and exit");
        addProgressOption(*s, progress_);
    }

    void run() override {
        const Model model = Model::load(model_);
        if (info_) {
            std::cout << model.metadata().describe() << "\n";
            return;
        }
        if (image_.empty() || out_.empty())
            throw InvalidArgument("predict needs --image and --out (or --info)");
        const auto& names = model.metadata().classNames;
        std::vector<std::string> outputs;
        const auto at = out_.find("{class}");
        if (names.size() > 1 && at == std::string::npos)
            throw InvalidArgument("the model predicts " + std::to_string(names.size()) +
                                  " classes: put {class} in --out, e.g. prob_{class}.zarr");
        for (const std::string& name : names) {
            std::string path = out_;
            if (at != std::string::npos)
                path.replace(at, 7, name);
            outputs.push_back(path);
        }
        PredictOptions options;
        options.outputType = format_ == "uint8" ? DataType::UInt8 : DataType::Float32;
        WriteOptions writeOptions;
        writeOptions.float16 = format_ == "float16";
        if (!tile_.empty())
            options.tileInput = parseShape3(tile_);
        options.device = parseDevicePreference(device_);
        options.mixedPrecision = !noMixed_;
        options.onWarning = [](const std::string& w) {
            std::cerr << "warning: " << w << "\n";
            WorkerEvent event;
            event.kind = WorkerEvent::Kind::Warning;
            event.message = w;
            emitWorkerEvent(event);
        };
        const auto cancel = commandCancelToken();
        InterruptCancel interrupt(cancel);
        const Stopwatch elapsed;
        int lastPercent = -1;
        options.progress = Progress(
            [&](double fraction, const std::string& message) {
                const int percent = static_cast<int>(fraction * 100);
                if (percent / 10 != lastPercent / 10) {
                    lastPercent = percent;
                    std::cout << percent << " % (" << message << ")" << std::endl;
                }
                WorkerEvent event;
                event.fraction = fraction;
                event.message = message;
                emitWorkerEvent(event);
            },
            cancel);

        const VolumeInfo info = readVolumeInfo(image_);
        const TilePlan plan = planPrediction(model, info.shape, options);
        std::cout << detectTorchRuntime().describe() << "\n"
                  << "image " << toString(info.shape) << ", " << plan.tileCount()
                  << " tiles of input " << toString(plan.tile.input) << " -> output "
                  << toString(plan.tile.output) << "\n";
        predictFile(model, image_, outputs, options, writeOptions);
        const double seconds = elapsed.seconds();
        char rate[64];
        std::snprintf(rate, sizeof rate, "%.2f", double(info.shape.voxelCount()) / 1e6 / seconds);
        std::cout << "predicted " << info.shape.voxelCount() << " voxels in "
                  << formatDuration(seconds) << " (" << rate << " Mvoxel/s)\n";
        for (const std::string& path : outputs)
            std::cout << "wrote " << path << "\n";
        WorkerEvent event;
        event.kind = WorkerEvent::Kind::Result;
        event.fraction = 1;
        event.message = "predicted " + std::to_string(info.shape.voxelCount()) + " voxels in " +
                        formatDuration(seconds);
        event.outputs = outputs;
        emitWorkerEvent(event);
    }

private:
    std::string model_, image_, out_, format_ = "uint8", tile_, device_ = "auto",
                                      progress_ = "text";
    bool noMixed_ = false, info_ = false;
};

} // namespace

std::unique_ptr<Command> makePredictCommand() {
    return std::make_unique<PredictCommand>();
}

} // namespace cisterna::cli

#endif // CISTERNA_HAVE_TORCH
