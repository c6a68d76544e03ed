#include "LearningTestSupport.h"

#include "core/learning/ModelState.h"
#include "core/learning/Prediction.h"
#include "core/learning/Training.h"
#include "core/metrics/Metrics.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <numeric>

using namespace cisterna;

namespace {

// No augmentation: the overfitting and equality tests want the bare recipe.
TrainOptions plainOptions(std::int64_t iterations) {
    TrainOptions o;
    o.network = test::tinyNetwork();
    o.inputShape = {36, 36, 36};
    o.organelle = "mito";
    o.labels.classValues = {{1}};
    o.iterations = iterations;
    o.learningRate = 3e-3;
    o.augmentation.mirror = false;
    o.augmentation.transpose = false;
    o.augmentation.intensityScale = 0;
    o.augmentation.intensityShift = 0;
    o.augmentation.noiseSigma = 0;
    o.device = DevicePreference::Cpu;
    return o;
}

// A noise image with a bright ball labelled 1 in it: something learnable in seconds.
TrainingData ballData(const Shape3& shape) {
    TrainingData d;
    d.image = test::noiseVolume(shape, 1);
    d.labels = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    auto image = d.image.view<std::uint8_t>();
    auto labels = d.labels.view<std::uint8_t>();
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x) {
                const double dz = z - shape.z / 2.0, dy = y - shape.y / 2.0, dx = x - shape.x / 2.0;
                if (dz * dz + dy * dy + dx * dx < 12 * 12) {
                    labels(z, y, x) = 1;
                    image(z, y, x) = static_cast<std::uint8_t>(128 + image(z, y, x) / 2);
                } else {
                    image(z, y, x) = static_cast<std::uint8_t>(image(z, y, x) / 2);
                }
            }
    return d;
}

std::string errorOf(const TrainingData& d, const TrainOptions& o) {
    try {
        trainModel(d, o);
    } catch (const InvalidArgument& e) {
        return e.what();
    }
    FAIL("training did not fail");
    return {};
}

double mean(const std::vector<double>& v, std::size_t from, std::size_t count) {
    return std::accumulate(v.begin() + static_cast<std::ptrdiff_t>(from),
                           v.begin() + static_cast<std::ptrdiff_t>(from + count), 0.0) /
           double(count);
}

PredictOptions floatOutput() {
    PredictOptions o;
    o.outputType = DataType::Float32;
    o.device = DevicePreference::Cpu;
    return o;
}

} // namespace

TEST_CASE("a small U-Net overfits a phantom crop to F1 >= 0.9 and its loss decreases",
          "[learning][train]") {
    const Phantom& phantom = test::phantomOf(64, 3);
    const Box3 crop{{12, 12, 12}, {40, 40, 40}};
    TrainingData d;
    d.image = phantom.image.crop(crop);
    d.labels = phantom.labels.crop(crop);
    const Volume truth = organelleMask(d.labels.clone(), PhantomOrganelle::Mitochondrion);

    TrainOptions o = plainOptions(120);
    o.network = test::tinyNetwork(8);
    o.learningRate = 1e-3;
    const TrainResult r = trainModel(d, o);
    REQUIRE(r.losses.size() == 120);
    CHECK(mean(r.losses, 100, 20) < 0.5 * mean(r.losses, 0, 20));

    // The voxels the training patches' outputs covered (36 -> 20 voxels: 8 of context
    // on each side); the rim of the crop was only ever context.
    const Box3 seen{{8, 8, 8}, {24, 24, 24}};
    const Volume p = predictVolume(r.model, d.image, floatOutput())[0].crop(seen).clone();
    const Volume t = truth.crop(seen).clone();
    EvaluationOptions eval;
    eval.predictionThreshold = 0.5;
    eval.countObjects = false;
    REQUIRE(evaluateSegmentation(t, t).voxels.truePositives > 200); // ~300 mito voxels
    const double f1 = evaluateSegmentation(p, t, eval).voxels.f1();
    INFO("F1 on the training crop: " << f1);
    CHECK(f1 >= 0.9);
    CHECK(r.model.metadata().iterations == 120);
    CHECK(r.model.metadata().organelle == "mito");
}

TEST_CASE("labels where the mask is zero change nothing", "[learning][train]") {
    TrainingData a = ballData({40, 40, 40});
    a.mask = Volume::allocate(DataType::UInt8, a.image.shape(), VolumeRole::Label);
    auto mask = a.mask.view<std::uint8_t>();
    for (std::int64_t z = 0; z < 40; ++z)
        for (std::int64_t y = 0; y < 40; ++y)
            for (std::int64_t x = 0; x < 25; ++x)
                mask(z, y, x) = 1;
    // b: the same except nonsense labels outside the mask; c: nonsense inside it.
    TrainingData b = a, c = a;
    b.labels = a.labels.clone();
    c.labels = a.labels.clone();
    auto bl = b.labels.view<std::uint8_t>();
    auto cl = c.labels.view<std::uint8_t>();
    for (std::int64_t z = 0; z < 40; ++z)
        for (std::int64_t y = 0; y < 40; ++y) {
            for (std::int64_t x = 25; x < 40; ++x)
                bl(z, y, x) = static_cast<std::uint8_t>((x + y + z) % 2);
            for (std::int64_t x = 5; x < 15; ++x)
                cl(z, y, x) = static_cast<std::uint8_t>((x + y + z) % 2);
        }
    const TrainOptions o = plainOptions(3);
    const Volume pa = predictVolume(trainModel(a, o).model, a.image, floatOutput())[0];
    const Volume pb = predictVolume(trainModel(b, o).model, a.image, floatOutput())[0];
    const Volume pc = predictVolume(trainModel(c, o).model, a.image, floatOutput())[0];
    CHECK(test::maxAbsDifference(pa, pb) == 0.0);
    CHECK(test::maxAbsDifference(pa, pc) > 1e-4);
}

TEST_CASE("unusable training data gives clear errors", "[learning][train]") {
    const TrainOptions o = plainOptions(2);
    TrainingData d = ballData({40, 40, 40});
    TrainingData wrong = d;
    wrong.labels = Volume::allocate(DataType::UInt8, {40, 40, 39}, VolumeRole::Label);
    CHECK_THAT(errorOf(wrong, o), Catch::Contains("does not match the image"));

    TrainingData empty = d;
    empty.labels = Volume::allocate(DataType::UInt8, {40, 40, 40}, VolumeRole::Label);
    CHECK_THAT(errorOf(empty, o), Catch::Contains("contain no mito voxel"));

    TrainingData masked = d;
    masked.mask = Volume::allocate(DataType::UInt8, {40, 40, 40}, VolumeRole::Label);
    CHECK_THAT(errorOf(masked, o), Catch::Contains("no voxel of the training data is labelled"));

    TrainingData tiny = ballData({12, 40, 40});
    TrainOptions automatic = o;
    automatic.inputShape = {0, 0, 0};
    CHECK_THAT(errorOf(tiny, automatic),
               Catch::Contains("smaller than the network's smallest input 18 x 18 x 18"));
    CHECK_THAT(errorOf(ballData({30, 40, 40}), o),
               Catch::Contains("input patch 36 x 36 x 36 (z, y, x) is larger than the training "
                               "image 30 x 40 x 40"));

    TrainOptions badPatch = o;
    badPatch.inputShape = {35, 36, 36};
    CHECK_THAT(errorOf(d, badPatch), Catch::Contains("nearest valid sizes: 34 36"));

    TrainingData floatLabels = d;
    floatLabels.labels = Volume::allocate(DataType::Float32, {40, 40, 40}, VolumeRole::Image);
    CHECK_THAT(errorOf(floatLabels, o), Catch::Contains("integer"));

    TrainingData region = d;
    region.validationRegion = Box3{{30, 0, 0}, {20, 40, 40}};
    CHECK_THAT(errorOf(region, o), Catch::Contains("not inside the training image"));
}

TEST_CASE("cancelling leaves a checkpoint that loads, predicts and resumes",
          "[learning][train][checkpoint]") {
    test::Scratch dir("cancel");
    const TrainingData d = ballData({40, 40, 40});
    TrainOptions o = plainOptions(8);
    o.checkpointPath = dir.file("run.checkpoint.cmodel");
    o.checkpointEvery = 2;
    auto cancel = std::make_shared<CancelToken>();
    o.cancel = cancel;
    std::vector<std::int64_t> checkpointed;
    o.onProgress = [&](const TrainingProgress& p) {
        CHECK(p.totalIterations == 8);
        CHECK(p.iterationsPerSecond > 0);
        if (p.checkpointedNow)
            checkpointed.push_back(p.iteration);
        if (p.iteration == 3)
            cancel->cancel();
    };
    std::shared_ptr<const TrainResult> stopped;
    try {
        trainModel(d, o);
    } catch (const TrainingStopped& e) {
        stopped = std::make_shared<const TrainResult>(e.result());
    }
    REQUIRE(stopped); // cancelling throws, as every engine does
    const TrainResult& r = *stopped;
    CHECK(r.iterations == 3);
    CHECK(checkpointed == std::vector<std::int64_t>{2});
    CHECK(r.checkpointWritten == o.checkpointPath);

    const Model checkpoint = Model::load(o.checkpointPath);
    REQUIRE(checkpoint.metadata().checkpoint);
    CHECK(checkpoint.metadata().checkpoint->iteration == 3);
    CHECK(checkpoint.metadata().checkpoint->totalIterations == 8);
    // The checkpoint holds the weights of iteration 3: the same predictions.
    const Volume fromRun = predictVolume(r.model, d.image, floatOutput())[0];
    const Volume fromFile = predictVolume(checkpoint, d.image, floatOutput())[0];
    CHECK(test::maxAbsDifference(fromRun, fromFile) == 0.0);

    TrainOptions resume = plainOptions(1);
    resume.resumeFrom = o.checkpointPath;
    std::vector<std::int64_t> seen;
    resume.onProgress = [&](const TrainingProgress& p) { seen.push_back(p.iteration); };
    const TrainResult finished = trainModel(d, resume);
    CHECK(seen == std::vector<std::int64_t>{4, 5, 6, 7, 8});
    CHECK(finished.model.metadata().iterations == 8);
    CHECK(!finished.model.metadata().checkpoint);

    // A finished model is not a checkpoint.
    finished.model.save(dir.file("final.cmodel"));
    resume.resumeFrom = dir.file("final.cmodel");
    CHECK_THROWS_WITH(trainModel(d, resume), Catch::Contains("not a checkpoint"));
}

TEST_CASE("fine-tuning starts from the loaded weights", "[learning][train][finetune]") {
    test::Scratch dir("finetune");
    const TrainingData d = ballData({40, 40, 40});
    const TrainResult base = trainModel(d, plainOptions(20));
    base.model.save(dir.file("base.cmodel"));
    const Model loaded = Model::load(dir.file("base.cmodel"));
    const Volume before = predictVolume(loaded, d.image, floatOutput())[0];

    // One step with a negligible learning rate: the predictions are still the base's.
    TrainOptions still = plainOptions(1);
    still.learningRate = 1e-12;
    const TrainResult tuned = finetuneModel(loaded, d, still);
    const Volume after = predictVolume(tuned.model, d.image, floatOutput())[0];
    CHECK(test::maxAbsDifference(before, after) < 1e-5);
    CHECK(tuned.model.metadata().iterations == 21);
    CHECK_THAT(tuned.model.metadata().finetunedFrom, Catch::Contains("mito model, 20 iterations"));
    // A network trained from scratch the same way is nowhere near.
    const Volume scratch = predictVolume(trainModel(d, still).model, d.image, floatOutput())[0];
    CHECK(test::maxAbsDifference(before, scratch) > 0.05);
    // The base model itself was not touched.
    CHECK(test::maxAbsDifference(before, predictVolume(loaded, d.image, floatOutput())[0]) == 0);

    // Frozen encoder: its weights stay, the decoder's move.
    TrainOptions frozen = plainOptions(3);
    frozen.freezeEncoder = true;
    const TrainResult partial = finetuneModel(loaded, d, frozen);
    auto baseParams = loaded.state()->net->named_parameters();
    for (const auto& p : partial.model.state()->net->named_parameters()) {
        const bool encoder = p.key().rfind("down", 0) == 0;
        INFO(p.key());
        CHECK(torch::equal(p.value(), baseParams[p.key()]) == encoder);
    }
}

TEST_CASE("validation F1 is reported on a held-out region", "[learning][train]") {
    TrainingData d = ballData({40, 40, 64});
    d.validationRegion = Box3{{0, 0, 40}, {40, 40, 24}};
    // The ball is centred at x = 32: the held-out part holds some of it.
    TrainOptions o = plainOptions(4);
    o.validateEvery = 2;
    std::vector<std::int64_t> validated;
    o.onProgress = [&](const TrainingProgress& p) {
        if (p.validatedNow) {
            validated.push_back(p.iteration);
            REQUIRE(p.validationF1);
            CHECK(*p.validationF1 >= 0.0);
            CHECK(*p.validationF1 <= 1.0);
        }
    };
    const TrainResult r = trainModel(d, o);
    CHECK(validated == std::vector<std::int64_t>{2, 4});
    REQUIRE(r.validationF1);
    CHECK(r.model.metadata().validationF1 == r.validationF1);
}

TEST_CASE("a multi-class head trains and predicts one map per class", "[learning][train]") {
    TrainingData d = ballData({40, 40, 40});
    auto labels = d.labels.view<std::uint8_t>();
    for (std::int64_t z = 0; z < 40; ++z)
        for (std::int64_t y = 0; y < 6; ++y)
            for (std::int64_t x = 0; x < 40; ++x)
                labels(z, y, x) = 3;
    TrainOptions o = plainOptions(2);
    o.labels.classValues = {{1}, {3}};
    o.classNames = {"mito", "er"};
    const TrainResult r = trainModel(d, o);
    CHECK(r.model.metadata().network.classes == 2);
    CHECK(r.model.metadata().classNames == std::vector<std::string>{"mito", "er"});
    CHECK(predictVolume(r.model, d.image, floatOutput()).size() == 2);
}

TEST_CASE("augmentations keep image and labels aligned", "[learning][train]") {
    // Every augmentation on: training must still run and the loss stay finite.
    TrainingData d = ballData({40, 40, 40});
    d.image.setVoxelSize({8, 8, 8});
    TrainOptions o = plainOptions(3);
    o.augmentation = AugmentationOptions();
    o.augmentation.elastic = true;
    o.augmentation.elasticSpacing = 8;
    const TrainResult r = trainModel(d, o);
    for (double l : r.losses)
        CHECK(std::isfinite(l));
    CHECK(r.model.metadata().voxelSize == Vec3d{8, 8, 8});
}

TEST_CASE("jobs whose feature maps would not fit in memory are refused before they start",
          "[learning][train][memory]") {
    const UNetConfig tiny = test::tinyNetwork();
    const std::uint64_t training = unetTrainingBytes(tiny, {36, 36, 36}, 1);
    const std::uint64_t inference = unetInferenceBytes(tiny, {36, 36, 36});
    CHECK(unetTrainingBytes(tiny, {36, 36, 36}, 4) == 4 * training);
    CHECK(inference < training);
    // The ASEM patch needs gigabytes to train on: the figure a user is told.
    CHECK(unetTrainingBytes(UNetConfig(), {204, 204, 204}, 1) > (std::uint64_t(4) << 30));

    const TrainingData d = ballData({40, 40, 40});
    const TrainOptions o = plainOptions(1);
    const Model model = trainModel(d, o).model;
    struct Restore {
        ~Restore() { setMemoryLimitOverride(std::nullopt); }
    } restore;
    setMemoryLimitOverride(training / 2);
    CHECK_THROWS_WITH(trainModel(d, o), Catch::Contains("training on patches of 36 x 36 x 36"));
    setMemoryLimitOverride(inference / 2);
    PredictOptions p = floatOutput();
    p.tileInput = {36, 36, 36};
    CHECK_THROWS_AS(predictVolume(model, d.image, p), MemoryBudgetError);
}
