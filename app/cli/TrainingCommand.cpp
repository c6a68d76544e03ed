// Only with LibTorch: cisterna_learning defines CISTERNA_HAVE_TORCH for its users.
#ifdef CISTERNA_HAVE_TORCH
#include "TrainingCommand.h"
#include "WorkerMode.h"

#include "core/learning/InterruptCancel.h"
#include "core/learning/TrainingSetup.h"
#include "core/learning/TrainingText.h"
#include "core/util/Error.h"

#include <algorithm>
#include <iostream>
#include <sstream>

namespace cisterna::cli {

void TrainingCommand::addDataOptions(CLI::App& s, bool required) {
    const auto need = [required](CLI::Option* o) { return required ? o->required() : o; };
    need(s.add_option("--image", files_.image, "Grey image to learn from"));
    need(s.add_option("--labels", files_.labels, "Label volume (loose or exact ground truth)"));
    s.add_option("--mask", files_.mask, "Learn only where this volume is non-zero");
    need(s.add_option("--out", out_, "Model file to write (.cmodel)"));
    s.add_option("--crop", files_.crop, "Use only this box of the volumes: z0:z1,y0:y1,x0:x1");
    s.add_option("--label-values", labelValues_,
                 "Label values that mean the organelle, e.g. 1 or 1,4 (default: non-zero)");
    s.add_option("--classes", classes_,
                 "Multi-class head: name=values per class, e.g. mito=1;er=3");
    s.add_option("--unlabelled", unlabelled_, "Label value meaning 'not annotated'");
    s.add_option("--validation-image", files_.validationImage, "Held-out image");
    s.add_option("--validation-labels", files_.validationLabels, "Its labels");
    s.add_option("--validation-mask", files_.validationMask, "Its mask");
    s.add_option("--validation-region", files_.validationRegion,
                 "Hold out this box of the training volumes instead: z0:z1,y0:y1,x0:x1, or "
                 "auto: the quarter slab at one end with the most labels, as the app does");
    s.add_option("--validate-every", options_.validateEvery,
                 "Validation F1 every N iterations (0: at the end)")
        ->capture_default_str();
}

void TrainingCommand::addTrainingOptions(CLI::App& s, const std::string& iterationsHelp) {
    s.add_option("--iterations", options_.iterations, iterationsHelp)->capture_default_str();
    s.add_option("--batch", options_.batchSize, "Patches per iteration")->capture_default_str();
    s.add_option("--lr", options_.learningRate, "Adam learning rate")->capture_default_str();
    s.add_option("--weight-decay", options_.weightDecay, "Adam weight decay")
        ->capture_default_str();
    s.add_option("--seed", options_.seed, "Random seed")->capture_default_str();
    s.add_flag("--no-mirror", noMirror_, "No mirror augmentation");
    s.add_flag("--no-transpose", noTranspose_, "No axis transposes");
    s.add_flag("--elastic", options_.augmentation.elastic, "Elastic deformation");
}

void TrainingCommand::addRunOptions(CLI::App& s) {
    s.add_option("--checkpoint", options_.checkpointPath,
                 "Checkpoint file (default: <out>.checkpoint)");
    s.add_option("--checkpoint-every", options_.checkpointEvery,
                 "Checkpoint every N iterations (0: only when stopped)")
        ->capture_default_str();
    s.add_option("--resume", options_.resumeFrom, "Continue from this checkpoint");
    s.add_option("--device", device_, "auto, cpu or cuda")->capture_default_str();
    s.add_flag("--no-mixed-precision", noMixed_, "Train in fp32 on CUDA too");
    s.add_option("--report-every", reportEvery_, "Print progress every N iterations")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    addProgressOption(s, progress_);
}

void TrainingCommand::applyOptions(bool withClassNames) {
    if (!classes_.empty()) {
        const ClassSpec spec = parseClassSpec(classes_);
        options_.labels = spec.labels;
        if (withClassNames)
            options_.classNames = spec.names;
    } else {
        options_.labels = parseLabelValues(labelValues_);
    }
    options_.labels.unlabelledValue = unlabelled_;
    options_.augmentation.mirror = !noMirror_;
    options_.augmentation.transpose = !noTranspose_;
    options_.device = parseDevicePreference(device_);
    options_.mixedPrecision = !noMixed_;
    if (options_.checkpointPath.empty())
        options_.checkpointPath = out_ + ".checkpoint";
}

void TrainingCommand::chooseValidationSlab(TrainingData& data, const UNetConfig& network) const {
    if (files_.validationRegion != "auto")
        return;
    data.validationRegion = validationSlabWithMostLabels(network, data.labels);
    if (data.validationRegion)
        std::cout << "validation slab: " << toString(*data.validationRegion) << "\n";
    else
        std::cout << "no slab of the labels can be held out: training without validation\n";
}

void TrainingCommand::runAndSave(const std::function<TrainResult()>& train, const char* verb) {
    const auto cancel = commandCancelToken();
    const InterruptCancel interrupt(cancel);
    options_.cancel = cancel;
    options_.onWarning = [](const std::string& w) {
        std::cerr << "warning: " << w << "\n";
        emitWorkerWarning(w);
    };
    options_.onProgress = [this](const TrainingProgress& p) {
        if (p.iteration % reportEvery_ == 0 || p.iteration == p.totalIterations || p.validatedNow)
            std::cout << formatTrainingProgress(p) << std::endl;
        // The app plots every iteration's loss, so every iteration is an event.
        WorkerEvent event;
        event.kind = WorkerEvent::Kind::Training;
        event.iteration = p.iteration;
        event.total = p.totalIterations;
        event.fraction = double(p.iteration) / double(std::max<std::int64_t>(1, p.totalIterations));
        event.loss = p.loss;
        if (p.validatedNow)
            event.f1 = p.validationF1;
        event.etaSeconds = p.etaSeconds;
        event.message = formatTrainingProgress(p);
        emitWorkerEvent(event);
    };
    TrainResult result;
    try {
        result = train();
    } catch (const TrainingStopped& stopped) {
        const TrainResult& r = stopped.result();
        std::ostringstream said;
        said << "stopped at iteration " << r.iterations;
        if (!r.checkpointWritten.empty())
            said << "; checkpoint " << r.checkpointWritten << " (continue with --resume "
                 << r.checkpointWritten << ")";
        std::cout << said.str() << "\n";
        emitWorkerWarning(said.str());
        throw;
    }
    result.model.save(out_);
    std::ostringstream said;
    said << verb << " " << result.iterations << " iterations on " << result.device;
    said.precision(3);
    if (result.validationF1)
        said << ", validation F1 " << *result.validationF1;
    std::cout << said.str() << "\nwrote " << out_ << "\n";
    emitWorkerResult(said.str(), {out_});
}

} // namespace cisterna::cli
#endif // CISTERNA_HAVE_TORCH
