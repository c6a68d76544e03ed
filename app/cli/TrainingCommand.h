#pragma once
// What `train` and `finetune` share: the data, optimiser, augmentation and run
// options, turning them into TrainOptions, progress printing with Ctrl+C as cancel,
// and saving the result or pointing at the checkpoint.
#ifdef CISTERNA_HAVE_TORCH
#include "Command.h"

#include "core/learning/Training.h"
#include "core/learning/io/TrainingFiles.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace cisterna::cli {

class TrainingCommand : public Command {
protected:
    // `required`: --image, --labels and --out must be given (train checks them itself,
    // since --sizes needs none of them). `iterationsHelp` says what is usual.
    void addDataOptions(CLI::App& s, bool required);
    void addTrainingOptions(CLI::App& s, const std::string& iterationsHelp);
    void addRunOptions(CLI::App& s);
    // Applies the parsed options to options_ (class names only where `withClassNames`).
    void applyOptions(bool withClassNames);
    // Runs `train` with Ctrl+C as cancel and progress on stdout, then saves the model;
    // when stopped, says where the checkpoint is and throws Cancelled.
    // `verb` words the result: "trained", "fine-tuned".
    void runAndSave(const std::function<TrainResult()>& train, const char* verb);
    // `--validation-region auto`: the slab the app holds out (TrainingSetup.h), or none.
    void chooseValidationSlab(TrainingData& data, const UNetConfig& network) const;

    TrainingFiles files_;
    TrainOptions options_;
    std::string out_;

private:
    std::string labelValues_, classes_, device_ = "auto", progress_ = "text";
    std::optional<std::int64_t> unlabelled_;
    bool noMirror_ = false, noTranspose_ = false, noMixed_ = false;
    std::int64_t reportEvery_ = 10;
};

} // namespace cisterna::cli
#endif // CISTERNA_HAVE_TORCH
