// Only with LibTorch: cisterna_learning defines CISTERNA_HAVE_TORCH for its users.
#ifdef CISTERNA_HAVE_TORCH
#include "TrainingCommand.h"

#include "core/learning/TorchRuntime.h"
#include "core/learning/TrainingText.h"

#include <iostream>

namespace cisterna::cli {
namespace {

class FinetuneCommand final : public TrainingCommand {
public:
    FinetuneCommand() { options_.iterations = 5000; }

    void setup(CLI::App& app) override {
        subcommand = app.add_subcommand(
            "finetune", "Continue training a saved model on new data (ASEM: 5000-10000 "
                        "iterations); Ctrl+C stops after the current iteration with a checkpoint");
        auto* s = subcommand;
        s->add_option("--model", model_, "Model to start from (.cmodel)")->required();
        addDataOptions(*s, true);
        addTrainingOptions(*s, "Iterations (ASEM: 5000-10000)");
        s->add_flag("--freeze-encoder", options_.freezeEncoder,
                    "Train only the decoder and the head");
        s->add_option("--input-size", inputSize_,
                      "Patch input size: n or z,y,x (default: up to 204 that fits)");
        addRunOptions(*s);
    }

    void run() override {
        const Model base = Model::load(model_);
        applyOptions(false); // the classes are the loaded model's
        if (!inputSize_.empty())
            options_.inputShape = parseShape3(inputSize_);
        TrainingData data = loadTrainingData(files_);
        chooseValidationSlab(data, base.metadata().network);
        std::cout << detectTorchRuntime().describe() << "\n"
                  << "fine-tuning " << model_ << ":\n"
                  << base.metadata().describe() << "\n";
        runAndSave([&] { return finetuneModel(base, data, options_); }, "fine-tuned");
    }

private:
    std::string model_, inputSize_;
};

} // namespace

std::unique_ptr<Command> makeFinetuneCommand() {
    return std::make_unique<FinetuneCommand>();
}

} // namespace cisterna::cli

#endif // CISTERNA_HAVE_TORCH
