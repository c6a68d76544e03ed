// bench_unet_e2e [options]
// End to end: loose labels from a graph cut of simulated strokes on one phantom, train
// on them, predict a phantom of another seed, F1 per organelle against its exact truth;
// then (full build) train on sbem-mito/training, predict sbem-mito/validation, F1.
//   --phantom-size N       phantom edge in voxels (default 256)
//   --iterations N         training iterations per phantom organelle (default 300)
//   --organelles a,b       which organelles (default mito,golgi,er,nucleus,pore)
//   --features N           base feature maps of the networks (default 16)
//   --stroke-planes N      z planes the simulated annotator strokes (default 3)
//   --exact-labels         train on the phantom's exact truth instead of the graph cut
//   --sbem DIR             sbem-mito folder (default ../shared/data/sbem-mito)
//   --sbem-iterations N    (default 300)
//   --skip-phantom, --skip-sbem
//   --save DIR             keep models and probability maps there
// The graph cut needs core/graphcut: the learning-only build trains on exact truth.
#include "core/learning/Prediction.h"
#include "core/learning/TorchRuntime.h"
#include "core/learning/Training.h"
#include "core/learning/TrainingText.h"
#include "core/metrics/Metrics.h"
#include "core/phantom/Phantom.h"
#include "core/util/Error.h"
#include "core/util/Text.h"
#ifdef CISTERNA_BENCH_WITH_IO
#include "core/graphcut/GraphCut.h"
#include "core/graphcut/StrokeSimulator.h"
#include "core/io/VolumeIO.h"
#endif

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

using namespace cisterna;

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Args {
    std::int64_t phantomSize = 256;
    std::int64_t iterations = 300;
    std::string organelles = "mito,golgi,er,nucleus,pore";
    int features = 16;
    std::string sbem = "../shared/data/sbem-mito";
    std::int64_t sbemIterations = 300;
    int strokePlanes = 3;
    bool exactLabels = false;
    bool skipPhantom = false, skipSbem = false;
    std::string save;
};

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        const auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (k == "--phantom-size")
            a.phantomSize = std::stoll(next());
        else if (k == "--iterations")
            a.iterations = std::stoll(next());
        else if (k == "--organelles")
            a.organelles = next();
        else if (k == "--features")
            a.features = std::stoi(next());
        else if (k == "--sbem")
            a.sbem = next();
        else if (k == "--sbem-iterations")
            a.sbemIterations = std::stoll(next());
        else if (k == "--stroke-planes")
            a.strokePlanes = std::stoi(next());
        else if (k == "--exact-labels")
            a.exactLabels = true;
        else if (k == "--skip-phantom")
            a.skipPhantom = true;
        else if (k == "--skip-sbem")
            a.skipSbem = true;
        else if (k == "--save")
            a.save = next();
    }
    return a;
}

TrainOptions baseOptions(const UNetConfig& network, std::int64_t iterations) {
    TrainOptions o;
    o.network = network;
    o.iterations = iterations;
    o.learningRate = 1e-3;
    o.validateEvery = std::max<std::int64_t>(50, iterations / 4);
    std::int64_t report = std::max<std::int64_t>(1, iterations / 10);
    o.onProgress = [report](const TrainingProgress& p) {
        if (p.iteration % report == 0 || p.validatedNow)
            std::printf("    %s\n", formatTrainingProgress(p).c_str());
        std::fflush(stdout);
    };
    return o;
}

// F1 of a probability map (uint8 p * 255 or float p, thresholded at 0.5) or, with
// binary = true, of a 0/1 segmentation.
double f1Of(const Volume& probabilities, const Volume& truth, double* precision = nullptr,
            double* recall = nullptr, bool binary = false) {
    EvaluationOptions e;
    e.predictionThreshold = binary ? 0.5 : probabilities.dataType() == DataType::UInt8 ? 127 : 0.5;
    e.countObjects = false;
    const Evaluation r = evaluateSegmentation(probabilities, truth, e);
    if (precision)
        *precision = r.voxels.precision();
    if (recall)
        *recall = r.voxels.recall();
    return r.voxels.f1();
}

// What the user would train on: the graph cut of a simulated annotator's strokes on a
// few z planes (the "loose ground truth"), or the exact truth. Prints how loose.
Volume trainingLabels(const Args& a, const Phantom& phantom, PhantomOrganelle organelle) {
    const Volume truth = organelleMask(phantom.labels, organelle);
#ifdef CISTERNA_BENCH_WITH_IO
    if (!a.exactLabels) {
        const auto t = Clock::now();
        StrokeSimulation sim;
        sim.planes = evenlySpacedPlanes(truth.shape(), 0, a.strokePlanes);
        const StrokeList strokes = simulateStrokes(truth, sim);
        const GraphCutResult cut = graphCut(phantom.image, rasterizeStrokes(strokes));
        double precision = 0, recall = 0;
        const double f1 = f1Of(cut.labels, truth, &precision, &recall, true);
        std::printf("    graph cut of %zu strokes on %d z planes: %.1f s, F1 %.3f against the "
                    "truth (precision %.3f, recall %.3f)\n",
                    strokes.strokes.size(), a.strokePlanes, since(t), f1, precision, recall);
        std::fflush(stdout);
        return cut.labels;
    }
#else
    (void)a;
#endif
    return truth;
}

void phantomBench(const Args& a) {
    PhantomParams params;
    params.shape = {a.phantomSize, a.phantomSize, a.phantomSize};
    params.seed = 1;
    auto t = Clock::now();
    const Phantom train = generatePhantom(params);
    params.seed = 2;
    const Phantom test = generatePhantom(params);
    std::printf("phantoms %s, seeds 1 (train) and 2 (test): %.1f s\n",
                toString(params.shape).c_str(), since(t));

    UNetConfig network;
    network.baseFeatures = a.features;
    network.downFactors = {{2, 2, 2}, {2, 2, 2}};
    std::printf("network: %s, %lld parameters\n", network.describe().c_str(),
                static_cast<long long>(unetParameterCount(network)));
    std::printf("\n%-8s %10s %10s %9s %9s %9s %8s\n", "organelle", "train s", "predict s", "F1",
                "precision", "recall", "val F1");
    std::vector<std::string> rows;
    for (const std::string& name : split(a.organelles, ',')) {
        const PhantomOrganelle organelle = parseOrganelle(name);
        std::printf("  %s\n", organelleName(organelle));
        TrainingData data;
        data.image = train.image;
        try {
            data.labels = trainingLabels(a, train, organelle);
        } catch (const Error& e) {
            // e.g. objects too small for any stroke: nothing a user could train on.
            std::printf("    no training labels: %s\n", e.what());
            continue;
        }
        // The last 48 slices are held out for validation F1 during training.
        data.validationRegion =
            Box3{{a.phantomSize - 48, 0, 0}, {48, a.phantomSize, a.phantomSize}};
        TrainOptions o = baseOptions(network, a.iterations);
        o.organelle = organelleName(organelle);
        o.inputShape = {84, 84, 84};
        t = Clock::now();
        const TrainResult r = trainModel(data, o);
        const double trainSeconds = since(t);
        t = Clock::now();
        PredictOptions p;
        p.tileInput = {132, 132, 132};
        const Volume prob = predictVolume(r.model, test.image, p)[0];
        const double predictSeconds = since(t);
        double precision = 0, recall = 0;
        const double f1 = f1Of(prob, organelleMask(test.labels, organelle), &precision, &recall);
        char row[200];
        std::snprintf(row, sizeof row, "%-8s %10.0f %10.1f %9.3f %9.3f %9.3f %8.3f",
                      o.organelle.c_str(), trainSeconds, predictSeconds, f1, precision, recall,
                      r.validationF1 ? *r.validationF1 : -1.0);
        rows.push_back(row);
        std::printf("%s\n", row);
        std::fflush(stdout);
        if (!a.save.empty()) {
            std::filesystem::create_directories(a.save);
            r.model.save(a.save + "/phantom_" + o.organelle + ".cmodel");
        }
    }
    std::printf("\nphantom summary (%lld iterations each, labels: %s, test phantom seed 2):\n",
                static_cast<long long>(a.iterations),
                a.exactLabels ? "exact truth" : "graph cut of simulated strokes");
    for (const auto& row : rows)
        std::printf("%s\n", row.c_str());
}

#ifdef CISTERNA_BENCH_WITH_IO
void sbemBench(const Args& a) {
    const std::string root = a.sbem;
    auto t = Clock::now();
    TrainingData data;
    data.image = readVolume(root + "/training/images");
    data.labels = readVolume(root + "/training/labels");
    const Volume testImage = readVolume(root + "/validation/images");
    const Volume testLabels = readVolume(root + "/validation/labels");
    std::printf("\nsbem-mito: training %s, validation %s, read in %.1f s\n",
                toString(data.image.shape()).c_str(), toString(testImage.shape()).c_str(),
                since(t));
    // SBEM: thin sections. 3 levels of (1,2,2) with in-plane kernels at the top two
    // levels: a 20-slice patch gives 8 output slices.
    UNetConfig network;
    network.baseFeatures = a.features;
    network.downFactors = {{1, 2, 2}, {1, 2, 2}, {1, 2, 2}};
    network.kernelSizes = {{1, 3, 3}, {1, 3, 3}, {3, 3, 3}, {3, 3, 3}};
    TrainOptions o = baseOptions(network, a.sbemIterations);
    o.organelle = "mito";
    o.inputShape = {20, 132, 132};
    std::printf("network: %s, %lld parameters, patch %s -> %s\n", network.describe().c_str(),
                static_cast<long long>(unetParameterCount(network)), toString(o.inputShape).c_str(),
                toString(unetGeometry(network, o.inputShape).output).c_str());
    data.validationImage = testImage;
    data.validationLabels = testLabels;
    t = Clock::now();
    const TrainResult r = trainModel(data, o);
    const double trainSeconds = since(t);
    t = Clock::now();
    PredictOptions p;
    p.tileInput = {20, 260, 260};
    const Volume prob = predictVolume(r.model, testImage, p)[0];
    const double predictSeconds = since(t);
    double precision = 0, recall = 0;
    const double f1 = f1Of(prob, testLabels, &precision, &recall);
    std::printf("\nsbem-mito: %lld iterations in %.0f s (%s), predicted validation in %.1f s\n"
                "           F1 %.3f (precision %.3f, recall %.3f)\n",
                static_cast<long long>(r.iterations), trainSeconds, r.device.c_str(),
                predictSeconds, f1, precision, recall);
    if (!a.save.empty()) {
        std::filesystem::create_directories(a.save);
        r.model.save(a.save + "/sbem_mito.cmodel");
        writeVolume(a.save + "/sbem_validation_prob.tif", prob);
    }
}
#endif

} // namespace

int main(int argc, char** argv) {
    const Args a = parse(argc, argv);
    std::printf("bench_unet_e2e: %s\n", detectTorchRuntime().describe().c_str());
    if (!a.skipPhantom)
        phantomBench(a);
#ifdef CISTERNA_BENCH_WITH_IO
    if (!a.skipSbem)
        sbemBench(a);
#else
    if (!a.skipSbem)
        std::printf("sbem-mito skipped: the learning-only build cannot read files\n");
#endif
    return 0;
}
