#include "core/learning/Augmentation.h"
#include "core/learning/ClassBalancedLoss.h"
#include "core/learning/ComputeDevice.h"
#include "core/learning/ModelFile.h"
#include "core/learning/ModelState.h"
#include "core/learning/PatchSampler.h"
#include "core/learning/TilePredictor.h"
#include "core/learning/Training.h"
#include "core/learning/TrainingData.h"
#include "core/learning/VolumeTensor.h"
#include "core/util/Error.h"
#include "core/util/Stopwatch.h"
#include "core/volume/MemoryBudget.h"

#include <torch/optim/adam.h>
#include <torch/utils.h>

#include <cmath>
#include <deque>
#include <numeric>

namespace cisterna {
namespace {

// ASEM's patch: 204^3 voxels of input.
constexpr std::int64_t kDefaultPatch = 204;

std::int64_t axisOf(const Shape3& s, int a) {
    return a == 0 ? s.z : a == 1 ? s.y : s.x;
}
std::int64_t& axisRef(Shape3& s, int a) {
    return a == 0 ? s.z : a == 1 ? s.y : s.x;
}

// A patch no larger than `wanted` that fits `volume`; throws when even the smallest
// valid input of the network does not fit.
Shape3 fitPatch(const UNetConfig& config, const Shape3& wanted, const Shape3& volume) {
    Shape3 patch;
    for (int a = 0; a < 3; ++a) {
        const std::int64_t n =
            previousValidInputSize(config, a, std::min(axisOf(wanted, a), axisOf(volume, a)));
        if (n < 0) {
            Shape3 smallest;
            for (int b = 0; b < 3; ++b)
                axisRef(smallest, b) = nextValidInputSize(config, b, 1);
            throw InvalidArgument("the training image " + toString(volume) +
                                  " is smaller than the network's smallest input " +
                                  toString(smallest) +
                                  "; use fewer levels, kernel size 1 along thin axes, or a "
                                  "larger image");
        }
        axisRef(patch, a) = n;
    }
    return patch;
}

struct RunSetup {
    std::shared_ptr<ModelState> state;
    std::int64_t startIteration = 0;
    std::int64_t totalIterations = 0;
    std::int64_t baseIterations = 0; // done by the models this one started from
    std::uint64_t seed = 1;
    std::string resumeFrom;
};

std::optional<double> validate(UNet& net, const ComputeDevice& device, const ModelMetadata& meta,
                               const PreparedData& data,
                               const std::shared_ptr<const CancelToken>& cancel) {
    if (!data.validationImage.defined())
        return std::nullopt;
    const int classes = meta.network.classes;
    std::vector<double> tp(static_cast<std::size_t>(classes + 1)), fp(tp), fn(tp);
    const Shape3 shape{data.validationImage.size(0), data.validationImage.size(1),
                       data.validationImage.size(2)};
    // Prediction's tiles, not the training patch: a small patch's tiles are mostly
    // context, and validation would take longer than the iterations between.
    const TilePlan plan = planTiles(meta.network, shape,
                                    defaultPredictionTile(meta.network, meta.trainingInput, shape));
    const auto window = [](const torch::Tensor& t, const Box3& b) {
        return t.narrow(0, b.begin.z, b.size.z)
            .narrow(1, b.begin.y, b.size.y)
            .narrow(2, b.begin.x, b.size.x);
    };
    const TensorSource source = [&](const Box3& box) { return window(data.validationImage, box); };
    const TensorSink sink = [&](const Box3& box, const torch::Tensor& softmax) {
        const torch::Tensor predicted = softmax.argmax(0);
        const torch::Tensor target = window(data.validationTarget, box).to(torch::kLong);
        const torch::Tensor counted = target != kIgnoreTarget;
        for (int c = 1; c <= classes; ++c) {
            const torch::Tensor p = (predicted == c) & counted;
            const torch::Tensor t = (target == c) & counted;
            tp[static_cast<std::size_t>(c)] += (p & t).sum().item<double>();
            fp[static_cast<std::size_t>(c)] += (p & ~t).sum().item<double>();
            fn[static_cast<std::size_t>(c)] += (~p & t).sum().item<double>();
        }
    };
    net->eval();
    predictTiles(net, device, plan, shape, source, sink, Progress(nullptr, cancel));
    net->train();
    double sum = 0;
    int defined = 0;
    for (int c = 1; c <= classes; ++c) {
        const auto i = static_cast<std::size_t>(c);
        const double denominator = 2 * tp[i] + fp[i] + fn[i];
        if (denominator > 0) {
            sum += 2 * tp[i] / denominator;
            ++defined;
        }
    }
    if (defined == 0)
        return std::nullopt;
    return sum / defined;
}

bool cancelled(const TrainOptions& options) {
    return options.cancel && options.cancel->isCancelled();
}

TrainResult runTraining(RunSetup setup, const TrainingData& data, const TrainOptions& options) {
    ModelState& state = *setup.state;
    ModelMetadata& meta = state.metadata;
    const PreparedData prepared =
        prepareTrainingData(data, options.labels, meta.normalisation, meta.organelle);
    const Shape3 volume{prepared.image.size(0), prepared.image.size(1), prepared.image.size(2)};
    for (int a = 0; a < 3; ++a)
        if (axisOf(volume, a) < axisOf(meta.trainingInput, a))
            throw InvalidArgument("the training image " + toString(volume) +
                                  " is smaller than the network's input patch " +
                                  toString(meta.trainingInput));
    const UNetGeometry geometry = unetGeometry(meta.network, meta.trainingInput);
    if (options.batchSize < 1 || options.batchSize > 256)
        throw InvalidArgument("the batch size must be 1 to 256");
    if (!(options.learningRate > 0))
        throw InvalidArgument("the learning rate must be positive");
    meta.trainingData = prepared.summary;
    if (data.image.hasVoxelSize()) {
        meta.voxelSize = data.image.voxelSize();
        meta.hasVoxelSize = true;
    }
    requireMemoryForNetwork(meta.network, true);

    ComputeDevice device = selectComputeDevice(options.device, options.mixedPrecision);
    if (!device.isCuda()) // on a GPU the maps live in its memory, which LibTorch manages
        requireMemory(unetTrainingBytes(meta.network, meta.trainingInput, options.batchSize),
                      "training on patches of " + toString(meta.trainingInput) +
                          " (a smaller patch or fewer features need less)");
    // LibTorch's C++ API has no gradient scaler, so only bf16 trains safely in
    // mixed precision; fp16-only GPUs train in fp32.
    if (device.mixedPrecision && device.autocastType != torch::kBFloat16)
        device.mixedPrecision = false;
    torch::manual_seed(setup.seed + static_cast<std::uint64_t>(setup.startIteration));
    std::mt19937_64 rng(setup.seed * 0x9E3779B97F4A7C15ull +
                        static_cast<std::uint64_t>(setup.startIteration));

    UNet& net = state.net;
    net->to(device.device);
    net->train();
    if (options.freezeEncoder)
        for (auto& p : net->encoderParameters())
            p.set_requires_grad(false);
    std::vector<torch::Tensor> trainable;
    for (const auto& p : net->parameters())
        if (p.requires_grad())
            trainable.push_back(p);
    torch::optim::Adam adam(
        trainable,
        torch::optim::AdamOptions(options.learningRate).weight_decay(options.weightDecay));
    if (!setup.resumeFrom.empty())
        readOptimizerState(setup.resumeFrom, adam, device.device);

    const Vec3d voxel = meta.hasVoxelSize ? meta.voxelSize : Vec3d{1, 1, 1};
    const PatchSampler sampler(
        prepared.image, prepared.target, geometry, options.sampling,
        Augmenter(options.augmentation, voxel,
                  interchangeableAxes(meta.network, meta.trainingInput, voxel)));

    TrainResult result;
    result.device = device.describe();
    meta.device = result.device;
    std::optional<double> f1 = meta.validationF1;
    std::int64_t done = setup.startIteration;
    std::deque<double> recent;
    double secondsPerIteration = 0;

    const auto stamp = [&](ModelMetadata m, bool checkpoint) {
        m.iterations = setup.baseIterations + done;
        m.validationF1 = f1;
        m.cisternaVersion = CISTERNA_VERSION;
        m.createdAt = utcTimestamp();
        m.checkpoint.reset();
        if (checkpoint)
            m.checkpoint = TrainingState{done, setup.totalIterations, setup.seed};
        return m;
    };
    const auto writeCheckpoint = [&] {
        if (options.checkpointPath.empty())
            return false;
        writeModelFile(options.checkpointPath, stamp(meta, true), net, &adam);
        result.checkpointWritten = options.checkpointPath;
        return true;
    };

    // The ETA comes from the wall time per iteration so far, validations and
    // checkpoints included: from the training steps alone it said "4 s left" where a
    // validation of the held-out slab every few iterations took minutes.
    const Stopwatch loopTime;
    const std::int64_t firstIteration = done;
    bool stopped = false;
    try {
        while (done < setup.totalIterations) {
            if (cancelled(options))
                throw Cancelled();
            const Stopwatch iterationTime;
            const PatchBatch batch = sampler.next(options.batchSize, device.device, rng);
            torch::Tensor logits;
            {
                AutocastScope autocast(device);
                logits = net->forward(batch.input);
            }
            const BalancedLoss loss =
                classBalancedCrossEntropy(logits, batch.target, options.clipMin, options.clipMax);
            if (cancelled(options))
                throw Cancelled(); // before the step: the weights stay those of `done`
            adam.zero_grad();
            loss.loss.backward();
            adam.step();
            ++done;
            const double value = loss.loss.item<double>();
            result.losses.push_back(value);
            const double seconds = iterationTime.seconds();
            secondsPerIteration =
                secondsPerIteration == 0 ? seconds : 0.9 * secondsPerIteration + 0.1 * seconds;
            recent.push_back(value);
            if (recent.size() > 20)
                recent.pop_front();

            TrainingProgress progress;
            progress.iteration = done;
            progress.totalIterations = setup.totalIterations;
            progress.loss = value;
            progress.averageLoss =
                std::accumulate(recent.begin(), recent.end(), 0.0) / double(recent.size());
            const bool last = done == setup.totalIterations;
            if ((options.validateEvery > 0 && done % options.validateEvery == 0) || last) {
                const auto v = validate(net, device, meta, prepared, options.cancel);
                if (v) {
                    f1 = v;
                    progress.validatedNow = true;
                }
            }
            if (options.checkpointEvery > 0 && done % options.checkpointEvery == 0 && !last)
                progress.checkpointedNow = writeCheckpoint();
            progress.validationF1 = f1;
            progress.iterationsPerSecond = secondsPerIteration > 0 ? 1.0 / secondsPerIteration : 0;
            const double wallPerIteration = loopTime.seconds() / double(done - firstIteration);
            progress.etaSeconds = double(setup.totalIterations - done) * wallPerIteration;
            if (options.onProgress)
                options.onProgress(progress);
        }
    } catch (const Cancelled&) {
        stopped = true;
        writeCheckpoint();
    }
    net->to(torch::kCPU);
    for (auto& p : net->parameters())
        p.set_requires_grad(true);
    meta = stamp(meta, false);
    result.iterations = done;
    result.validationF1 = f1;
    result.model = Model(setup.state);
    if (stopped)
        throw TrainingStopped(std::make_shared<const TrainResult>(std::move(result)));
    return result;
}

std::string summaryOf(const ModelMetadata& m) {
    std::string s = m.organelle + " model, " + std::to_string(m.iterations) + " iterations";
    if (m.validationF1)
        s += ", validation F1 " + std::to_string(*m.validationF1);
    if (!m.createdAt.empty())
        s += ", " + m.createdAt;
    return s;
}

RunSetup resumeSetup(const TrainOptions& options) {
    RunSetup setup;
    setup.state = readModelFile(options.resumeFrom);
    const auto& checkpoint = setup.state->metadata.checkpoint;
    if (!checkpoint)
        throw FormatError(options.resumeFrom,
                          "is a finished model, not a checkpoint: fine-tune it instead");
    setup.startIteration = checkpoint->iteration;
    setup.totalIterations = checkpoint->totalIterations;
    setup.seed = checkpoint->seed;
    setup.baseIterations = setup.state->metadata.iterations - checkpoint->iteration;
    setup.resumeFrom = options.resumeFrom;
    return setup;
}

} // namespace

Shape3 defaultInputShape(const UNetConfig& network, const Shape3& volumeShape) {
    return fitPatch(network, {kDefaultPatch, kDefaultPatch, kDefaultPatch}, volumeShape);
}

TrainResult trainModel(const TrainingData& data, const TrainOptions& options) {
    if (!options.resumeFrom.empty())
        return runTraining(resumeSetup(options), data, options);
    if (options.iterations < 1)
        throw InvalidArgument("training needs at least one iteration");
    if (data.image.isNull())
        throw InvalidArgument("no training image");
    options.network.validate();
    ModelMetadata meta;
    meta.network = options.network;
    meta.network.classes = options.labels.classCount();
    meta.organelle = options.organelle;
    meta.classNames = options.classNames;
    if (meta.classNames.empty()) {
        if (meta.network.classes == 1)
            meta.classNames = {options.organelle};
        else
            for (int c = 1; c <= meta.network.classes; ++c)
                meta.classNames.push_back("class" + std::to_string(c));
    }
    if (static_cast<int>(meta.classNames.size()) != meta.network.classes)
        throw InvalidArgument("got " + std::to_string(meta.classNames.size()) +
                              " class names for " + std::to_string(meta.network.classes) +
                              " classes");
    const Shape3 wanted = options.inputShape.isEmpty()
                              ? Shape3{kDefaultPatch, kDefaultPatch, kDefaultPatch}
                              : options.inputShape;
    if (!options.inputShape.isEmpty())
        unetGeometry(meta.network, options.inputShape); // says which sizes would work
    meta.trainingInput = fitPatch(meta.network, wanted, data.image.shape());
    if (!options.inputShape.isEmpty() && meta.trainingInput != options.inputShape)
        throw InvalidArgument("the input patch " + toString(options.inputShape) +
                              " is larger than the training image " + toString(data.image.shape()));
    meta.normalisation = normalisationFor(data.image);
    RunSetup setup;
    setup.state = Model::create(meta, options.seed).state();
    setup.totalIterations = options.iterations;
    setup.seed = options.seed;
    return runTraining(setup, data, options);
}

TrainResult finetuneModel(const Model& base, const TrainingData& data,
                          const TrainOptions& options) {
    if (!options.resumeFrom.empty())
        return runTraining(resumeSetup(options), data, options);
    if (base.isNull())
        throw InvalidArgument("no model to fine-tune");
    if (options.iterations < 1)
        throw InvalidArgument("fine-tuning needs at least one iteration");
    if (data.image.isNull())
        throw InvalidArgument("no training image");
    if (options.labels.classCount() != base.metadata().network.classes)
        throw InvalidArgument(
            "the model predicts " + std::to_string(base.metadata().network.classes) +
            " classes but the labels define " + std::to_string(options.labels.classCount()));
    const std::string warning =
        voxelSizeWarning(base.metadata(), data.image.voxelSize(), data.image.hasVoxelSize());
    if (!warning.empty() && options.onWarning)
        options.onWarning(warning);
    RunSetup setup;
    setup.state = base.clone().state();
    ModelMetadata& meta = setup.state->metadata;
    meta.finetunedFrom = summaryOf(base.metadata());
    meta.trainingInput = fitPatch(meta.network, meta.trainingInput, data.image.shape());
    meta.normalisation = normalisationFor(data.image);
    meta.validationF1.reset();
    setup.baseIterations = base.metadata().iterations;
    setup.totalIterations = options.iterations;
    setup.seed = options.seed;
    return runTraining(setup, data, options);
}

} // namespace cisterna
