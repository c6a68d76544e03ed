// bench_graphcut_quality: how right the graph cut's loose labels are, on real SBEM
// data and on every organelle of the phantom, with the energy a user gets.
//
//   bench_graphcut_quality [--sbem DIR] [--phantom-size 256] [--organelles mito,golgi]
//                          [--variants default,auto,learned] [--connectivity 6]
//                          [--polarity 0] [--coarse-voxels 250000] [--weights ...] [--biases ...]
//                          (one --biases value fixes the bias instead of offering a choice)
//                          [--share-ceiling 0.02] [--scales 0.7,1.6,3.5,7] [--smoothing 20]
//                          [--trees 24] [--depth 12]
//                          [--skip-sbem] [--skip-phantom]
//
// Strokes are drawn by the stroke simulator on a few z planes; F1 is measured on the
// voxels of every other plane (the unstroked sections), so a cut is not credited for
// copying its strokes. Variants:
//   default   the energy before automatic choice: histogram term, weight 0.02
//   auto      the default now: model and weight chosen by cross-validation on the strokes
//   learned   the learned term, its weight chosen by cross-validation
//   histogram the histogram term, its weight chosen by cross-validation
// --cancel-at 0.5,2 presses Cancel at those times instead and prints how long the
// automatic cut takes to stop.
// SBEM: training/ with strokes on 3 sections (the stack the defaults were tuned on),
// validation/ with strokes on 2 sections (held out: never tuned on).
#include "AutoCutTimings.h"

#include "core/graphcut/AutoGraphCut.h"
#include "core/graphcut/StrokeSimulator.h"
#include "core/io/VolumeIO.h"
#include "core/metrics/Metrics.h"
#include "core/phantom/Phantom.h"
#include "core/plugin/PluginRegistry.h"
#include "core/util/PeakMemory.h"
#include "core/volume/MemoryBudget.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace cisterna;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at <= text.size()) {
        const std::size_t comma = std::min(text.find(',', at), text.size());
        if (comma > at)
            out.push_back(text.substr(at, comma - at));
        at = comma + 1;
    }
    return out;
}

// 1 on every z plane but the stroked ones.
Volume unstrokedPlanes(const Shape3& shape, const std::vector<StrokePlane>& planes) {
    Volume mask = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label, "mask");
    auto m = mask.view<std::uint8_t>();
    for (std::int64_t z = 0; z < shape.z; ++z) {
        bool stroked = false;
        for (const StrokePlane& p : planes)
            stroked |= p.axis == 0 && p.slice == z;
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x)
                m(z, y, x) = stroked ? 0 : 1;
    }
    return mask;
}

std::vector<double> weightGrid;     // --weights: the grid to choose from, else the default
std::vector<double> cancelTimes;    // --cancel-at: seconds after the start to press Cancel
std::optional<double> polarity;     // --polarity: the boundary term's, else the default
std::optional<double> shareCeiling; // --share-ceiling: AutoTuneOptions::smallShareCeiling
std::vector<double> biasGrid;       // --biases: AutoTuneOptions::learnedBiases, else the default
std::int64_t coarseVoxels = 0;      // --coarse-voxels: size of the cross-validation's copy
std::vector<double> featureScales;  // --scales: VoxelFeatureOptions::scales, else the default
std::optional<double> smoothing;    // --smoothing: VoxelFeatureOptions::largestSmoothing
int trees = 0, depth = 0;           // --trees, --depth: RandomForestOptions, else the default

double objectShareOf(const Volume& truth) {
    std::int64_t object = 0;
    const Volume t = truth.contiguous();
    const auto* p = static_cast<const std::uint8_t*>(t.data());
    for (std::int64_t i = 0; i < t.voxelCount(); ++i)
        object += p[i] != 0;
    return double(object) / double(t.voxelCount());
}

void run(const std::string& label, const Volume& image, const Volume& truth, int planes,
         const std::vector<std::string>& variants, int connectivity) {
    StrokeSimulation sim;
    sim.planes = evenlySpacedPlanes(truth.shape(), 0, planes);
    const StrokeList list = simulateStrokes(truth, sim);
    const Volume strokes = rasterizeStrokes(list);
    const Volume mask = unstrokedPlanes(truth.shape(), sim.planes);
    if (!cancelTimes.empty()) {
        bench::printCancelLatency(image, strokes, cancelTimes);
        return;
    }
    std::string where;
    for (const StrokePlane& p : sim.planes)
        where += (where.empty() ? "z " : ", ") + std::to_string(p.slice);
    std::printf("%s %s: %zu strokes on %s\n", label.c_str(), toString(image.shape()).c_str(),
                list.strokes.size(), where.c_str());
    for (const std::string& variant : variants) {
        AutoGraphCutParams params;
        params.cut.energy.connectivity = connectivity;
        if (polarity)
            params.cut.energy.polarity = *polarity;
        if (coarseVoxels > 0)
            params.tune.coarseVoxelLimit = coarseVoxels;
        params.cut.band = BandMode::Never;
        if (!weightGrid.empty())
            params.tune.weights = weightGrid;
        if (shareCeiling)
            params.tune.smallShareCeiling = *shareCeiling;
        if (!biasGrid.empty())
            params.tune.learnedBiases = biasGrid;
        if (biasGrid.size() == 1) { // one bias: fixed, as the CLI's --log-odds-bias
            params.cut.energy.logOddsBias = biasGrid[0];
            params.fixedBias = true;
        }
        if (!featureScales.empty())
            params.tune.classifier.features.scales = featureScales;
        if (smoothing)
            params.tune.classifier.features.largestSmoothing = *smoothing;
        if (trees > 0)
            params.tune.classifier.forest.trees = trees;
        if (depth > 0)
            params.tune.classifier.forest.maxDepth = depth;
        if (variant == "default") {
            params.tune.enabled = false;
            params.fixedModel = params.fixedWeight = true;
        } else if (variant == "learned") {
            params.fixedModel = true;
            params.cut.energy.regionalModel = RegionalModel::Learned;
        } else if (variant == "histogram") {
            params.fixedModel = true;
        } else if (variant != "auto") {
            std::printf("  unknown variant %s\n", variant.c_str());
            continue;
        }
        try {
            const auto start = std::chrono::steady_clock::now();
            double first = -1;
            params.preview = [&](const Volume&) {
                first =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            };
            const AutoGraphCutResult r = autoGraphCut(image, strokes, params);
            EvaluationOptions eo;
            eo.countObjects = false;
            eo.mask = &mask;
            const Evaluation e = evaluateSegmentation(r.cut.labels, truth, eo);
            const GraphCutStats& s = r.cut.stats;
            std::printf("  %-9s F1 %.3f (P %.3f, R %.3f)  %s\n", variant.c_str(), e.voxels.f1(),
                        e.voxels.precision(), e.voxels.recall(), r.choice.summary().c_str());
            std::printf("            total %.2f s: features %.2f, choice %.2f, classifier %.2f, "
                        "build %.2f, flow %.2f; peak RSS %s\n",
                        s.totalSeconds, r.choice.featureSeconds, r.choice.tuneSeconds,
                        r.choice.classifierSeconds, s.buildSeconds, s.flowSeconds,
                        humanBytesOf(peakResidentBytes()).c_str());
            if (first >= 0)
                std::printf("            first (coarse) result after %.2f s\n", first);
            if (r.choice.objectShare >= 0)
                std::printf("            object share assumed %.4f, true %.4f\n",
                            r.choice.objectShare, objectShareOf(truth));
            for (const CandidateScore& c : r.choice.candidates)
                std::printf("            candidate %-9s weight %-5.3g bias %+-4.3g held-out %.3f "
                            "(object %.3f, background %.3f)\n",
                            toString(c.model), c.regionalWeight, c.logOddsBias, c.score,
                            c.objectRecall, c.backgroundRecall);
            if (!r.cut.warning.empty())
                std::printf("            warning: %s\n", r.cut.warning.c_str());
        } catch (const std::exception& ex) {
            std::printf("  %-9s failed: %s\n", variant.c_str(), ex.what());
        }
        std::fflush(stdout);
    }
}

} // namespace

int main(int argc, char** argv) {
    std::string sbem =
        (fs::path(CISTERNA_SOURCE_DIR) / ".." / "shared" / "data" / "sbem-mito").string();
    if (const char* env = std::getenv("CISTERNA_SHARED_DATA"))
        sbem = (fs::path(env) / "sbem-mito").string();
    std::int64_t phantomSize = 256;
    std::vector<std::string> organelles = {"mito", "golgi", "er", "nucleus", "pore"};
    std::vector<std::string> variants = {"default", "auto", "learned", "histogram"};
    bool skipSbem = false, skipPhantom = false;
    std::vector<std::string> parts = {"training", "validation"};
    int connectivity = 6;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--sbem")
            sbem = next();
        else if (a == "--phantom-size")
            phantomSize = std::stoll(next());
        else if (a == "--organelles")
            organelles = split(next());
        else if (a == "--variants")
            variants = split(next());
        else if (a == "--connectivity")
            connectivity = std::stoi(next());
        else if (a == "--polarity")
            polarity = std::stod(next());
        else if (a == "--share-ceiling")
            shareCeiling = std::stod(next());
        else if (a == "--biases")
            for (const std::string& b : split(next()))
                biasGrid.push_back(std::stod(b));
        else if (a == "--scales")
            for (const std::string& f : split(next()))
                featureScales.push_back(std::stod(f));
        else if (a == "--smoothing")
            smoothing = std::stod(next());
        else if (a == "--trees")
            trees = std::stoi(next());
        else if (a == "--depth")
            depth = std::stoi(next());
        else if (a == "--coarse-voxels")
            coarseVoxels = std::stoll(next());
        else if (a == "--weights")
            for (const std::string& w : split(next()))
                weightGrid.push_back(std::stod(w));
        else if (a == "--cancel-at")
            for (const std::string& t : split(next()))
                cancelTimes.push_back(std::stod(t));
        else if (a == "--parts")
            parts = split(next());
        else if (a == "--skip-sbem")
            skipSbem = true;
        else if (a == "--skip-phantom")
            skipPhantom = true;
        else {
            std::printf("usage: bench_graphcut_quality [--sbem DIR] [--phantom-size N] "
                        "[--organelles mito,golgi,er,nucleus,pore] "
                        "[--variants default,auto,learned,histogram] [--connectivity 6|18|26] "
                        "[--weights 0.03,0.1] [--biases 0,2] [--share-ceiling 0.02] [--parts "
                        "training,validation] [--scales 0.7,1.6,3.5,7] [--smoothing 20] "
                        "[--trees 24] [--depth 12] "
                        "[--cancel-at 0.5,2,5 (cancel latency instead of F1)] "
                        "[--skip-sbem] [--skip-phantom]\n");
            return a == "--help" ? 0 : 2;
        }
    }
    loadDefaultPlugins();
    if (!skipSbem) {
        for (const auto& [part, planes] :
             std::vector<std::pair<std::string, int>>{{"training", 3}, {"validation", 2}}) {
            if (std::find(parts.begin(), parts.end(), part) == parts.end())
                continue;
            const fs::path dir = fs::path(sbem) / part;
            if (!fs::exists(dir)) {
                std::printf("sbem-mito %s: %s not found\n", part.c_str(), dir.string().c_str());
                continue;
            }
            Volume image = readVolume((dir / "images").string());
            image.setVoxelSize({30, 6, 6}); // the sections are about 5x thicker than pixels
            // Labels are 0/255; the simulator and the metrics take non-zero as object.
            const Volume truth = readVolume((dir / "labels").string());
            run("sbem-mito " + part, image, truth, planes, variants, connectivity);
        }
    }
    if (!skipPhantom) {
        PhantomParams params;
        params.shape = {phantomSize, phantomSize, phantomSize};
        const Phantom phantom = generatePhantom(params);
        for (const std::string& name : organelles) {
            const Volume truth = organelleMask(phantom.labels, parseOrganelle(name));
            run("phantom " + name, phantom.image, truth, 3, variants, connectivity);
        }
    }
    return 0;
}
