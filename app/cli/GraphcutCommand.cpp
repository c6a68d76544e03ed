#include "Command.h"

#include "core/graphcut/AutoGraphCut.h"
#include "core/graphcut/CutRegion.h"
#include "core/graphcut/GraphCut.h"
#include "core/graphcut/Strokes.h"
#include "core/io/VolumeIO.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>

namespace cisterna::cli {
namespace {

// A probability map as P x 255 bytes: uint8 maps are taken as they are, float maps
// (0..1) are scaled; anything else is refused.
Volume probabilityMap(const Volume& map, const Shape3& shape, const std::string& path) {
    if (map.shape() != shape)
        throw InvalidArgument(path + ": the prediction's shape " + toString(map.shape()) +
                              " is not the image's " + toString(shape));
    if (map.dataType() == DataType::UInt8)
        return map;
    if (map.dataType() != DataType::Float32)
        throw InvalidArgument(path + ": a prediction must be uint8 (P x 255) or float32 (0..1)");
    Volume out = Volume::allocate(DataType::UInt8, shape, VolumeRole::Image, "prediction prior");
    const auto src = map.view<float>();
    auto dst = out.view<std::uint8_t>();
    forEachRow(src, [&](std::int64_t z, std::int64_t y, const float* row) {
        for (std::int64_t x = 0; x < shape.x; ++x) {
            const float p = row[x * src.strides().x];
            dst(z, y, x) = std::uint8_t(p >= 1.0f ? 255 : p > 0.0f ? std::lround(p * 255.0f) : 0);
        }
    });
    return out;
}

// Labels to keep as 0/1 uint8: any non-zero voxel is object.
Volume binaryLabels(const Volume& labels) {
    Volume out =
        Volume::allocate(DataType::UInt8, labels.shape(), VolumeRole::Label, "kept labels");
    auto dst = out.view<std::uint8_t>();
    dispatchDataType(labels.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const auto src = labels.view<T>();
        for (std::int64_t z = 0; z < labels.shape().z; ++z)
            for (std::int64_t y = 0; y < labels.shape().y; ++y)
                for (std::int64_t x = 0; x < labels.shape().x; ++x)
                    dst(z, y, x) = src(z, y, x) != T(0) ? 1 : 0;
    });
    return out;
}

class GraphcutCommand final : public Command {
public:
    void setup(CLI::App& app) override {
        subcommand = app.add_subcommand(
            "graphcut", "Segment one object class of a whole volume from brush strokes with a 3D "
                        "graph cut (Boykov-Kolmogorov max-flow)");
        subcommand->add_option("--image", image_, "Image volume")->required();
        subcommand
            ->add_option("--strokes", strokes_,
                         "Strokes: a stroke list (.json) or a label volume of the image's shape "
                         "(0 none, 1 object, 2 background)")
            ->required();
        subcommand->add_option("--out", out_, "Label volume to write (1 object, 0 background)")
            ->required();
        subcommand->add_option("--lambda", params_.energy.lambda, "Weight of the boundary term")
            ->capture_default_str();
        subcommand->add_flag("--no-auto", noAuto_,
                             "Do not choose the regional model and weight by cross-validation "
                             "on the strokes (then: histogram, weight 0.02 unless given)");
        subcommand->add_option("--prior", prior_,
                               "A prediction's probability map (uint8 P x 255 or float 0..1) as "
                               "the regional term: a Refine cut that corrects the network");
        subcommand->add_option("--save-probability", saveProbability_,
                               "Write the learned term's P(object) x 255 here (when it is used)");
        subcommand->add_option("--sigma", sigma_,
                               "Intensity scale of the boundary term (default: estimated from "
                               "the image)");
        subcommand
            ->add_option("--polarity", params_.energy.polarity,
                         "Boundary polarity -1..1: > 0 prefers boundaries that get lighter "
                         "going out of the object (the outer face of a stained membrane)")
            ->check(CLI::Range(-1.0, 1.0))
            ->capture_default_str();
        subcommand->add_option("--connectivity", params_.energy.connectivity, "6, 18 or 26")
            ->check(CLI::IsMember({6, 18, 26}))
            ->capture_default_str();
        weightOption_ = subcommand->add_option(
            "--regional-weight", params_.energy.regionalWeight,
            "Weight of the regional term (0: strokes only; default: chosen from the strokes)");
        biasOption_ = subcommand->add_option(
            "--log-odds-bias", params_.energy.logOddsBias,
            "Added to the learned term's (or prior's) log-odds: > 0 widens thin objects "
            "(default: chosen from the strokes, 0 or 2)");
        modelOption_ = subcommand->add_option(
            "--regional-model", model_,
            "learned, histogram, gmm or none (default: learned or histogram, chosen from the "
            "strokes)");
        subcommand->add_flag("--banded", banded_,
                             "Coarse-to-fine banded cut (default: only beyond 512^3 voxels)");
        subcommand->add_flag("--exact", exact_, "Exact full-resolution cut, whatever the size");
        subcommand
            ->add_option("--coarse-factor", params_.coarseFactor,
                         "Banded cut: downsampling factor 2, 4 or 8 (0: automatic)")
            ->capture_default_str();
        subcommand
            ->add_option("--band-radius", params_.bandRadius,
                         "Banded cut: half-width of the band in coarse voxels")
            ->capture_default_str();
        subcommand->add_flag("--quiet", quiet_, "No progress on stderr");
        subcommand->add_option(
            "--region", region_,
            "Cut only this box: 'strokes' (the box the strokes span, grown by --margin) or "
            "z0:z1,y0:y1,x0:x1; elsewhere the output is --keep's labels, or 0");
        subcommand
            ->add_option("--margin", margin_,
                         "With --region strokes: margin around the strokes, in units of the "
                         "smallest voxel side (pixels in-plane)")
            ->check(CLI::NonNegativeNumber);
        subcommand->add_option("--keep", keep_,
                               "With --region: labels kept outside the region (0/1, the image's "
                               "shape), e.g. the last cut's output");
    }

    void run() override {
        if (banded_ && exact_)
            throw InvalidArgument("--banded and --exact exclude each other");
        params_.band = banded_ ? BandMode::Always : exact_ ? BandMode::Never : BandMode::Auto;
        params_.energy.regionalModel = parseRegionalModel(model_);
        if (params_.energy.regionalModel == RegionalModel::Prior && prior_.empty())
            throw InvalidArgument("--regional-model prior needs --prior");
        if (sigma_)
            params_.energy.sigma = *sigma_;
        const Volume image = readVolume(image_);
        const Volume strokes = loadStrokeVolume(strokes_, image.shape());
        if (region_.empty() && !keep_.empty())
            throw InvalidArgument("--keep needs --region");
        std::optional<Box3> region;
        if (region_ == "strokes")
            region = strokeRegion(strokes, margin_);
        else if (!region_.empty())
            region = parseBox(region_, image.shape());
        Volume keep;
        if (!keep_.empty()) {
            keep = readVolume(keep_);
            if (keep.shape() != image.shape())
                throw InvalidArgument(keep_ + ": the labels to keep have the shape " +
                                      toString(keep.shape()) + ", not the image's " +
                                      toString(image.shape()));
            keep = binaryLabels(keep);
        }
        AutoGraphCutParams autoParams;
        autoParams.tune.enabled = !noAuto_;
        autoParams.fixedWeight = weightOption_->count() > 0 || noAuto_;
        autoParams.fixedModel = modelOption_->count() > 0 || noAuto_;
        autoParams.fixedBias = biasOption_->count() > 0 || noAuto_;
        if (!prior_.empty())
            autoParams.prior = probabilityMap(readVolume(prior_), image.shape(), prior_);
        int lastPercent = -1;
        const Progress progress([&](double fraction, const std::string& message) {
            const int percent = int(fraction * 100);
            if (quiet_ || percent == lastPercent)
                return;
            lastPercent = percent;
            std::cerr << "\r" << percent << "% " << message << "          " << std::flush;
        });
        // Ends the progress line, also when the cut throws.
        struct EndLine {
            const int& percent;
            ~EndLine() {
                if (percent >= 0)
                    std::cerr << "\n";
            }
        };
        GraphCutResult r;
        EnergyChoice choice;
        {
            const EndLine end{lastPercent};
            autoParams.cut = params_;
            AutoGraphCutResult a =
                region ? autoGraphCutInRegion(image, strokes, autoParams, *region, keep, progress)
                       : autoGraphCut(image, strokes, autoParams, progress);
            r = std::move(a.cut);
            choice = std::move(a.choice);
            if (!saveProbability_.empty() && !a.probability.isNull())
                writeVolume(saveProbability_, a.probability);
        }
        writeVolume(out_, r.labels);
        const GraphCutStats& s = r.stats;
        char line[256];
        std::cout << "wrote " << out_ << " (" << toString(r.labels.shape()) << ")\n";
        if (region)
            std::cout << "region " << toString(*region) << ": " << region->size.voxelCount()
                      << " voxels, "
                      << int(std::lround(100.0 * double(region->size.voxelCount()) /
                                         double(image.voxelCount())))
                      << "% of the volume (the counts below are the region's)\n";
        std::snprintf(line, sizeof line, "energy %.6g (%lld quanta of %.3g)\n", s.energy,
                      (long long)s.energyQuanta, s.unit);
        std::cout << line;
        std::snprintf(line, sizeof line, "object voxels %lld of %lld (%.2f%%)\n",
                      (long long)s.objectVoxels, (long long)s.voxels,
                      100.0 * double(s.objectVoxels) / double(s.voxels));
        std::cout << line;
        std::cout << "energy: " << choice.summary() << "\n";
        for (const CandidateScore& c : choice.candidates) {
            std::snprintf(line, sizeof line,
                          "  candidate %-9s weight %-6.3g bias %+-4.3g held-out %.3f (object "
                          "%.3f, background %.3f)\n",
                          toString(c.model), c.regionalWeight, c.logOddsBias, c.score,
                          c.objectRecall, c.backgroundRecall);
            std::cout << line;
        }
        if (choice.classifierAccuracy >= 0) {
            std::snprintf(line, sizeof line, "voxel classifier: out-of-bag accuracy %.3f\n",
                          choice.classifierAccuracy);
            std::cout << line;
        }
        std::snprintf(line, sizeof line,
                      "sigma z %.4g, y %.4g, x %.4g, %d-connectivity; choice %.2f s (features "
                      "%.2f, cross-validation %.2f, classifier %.2f)\n",
                      choice.axisSigma.z, choice.axisSigma.y, choice.axisSigma.x, s.connectivity,
                      s.fitSeconds, choice.featureSeconds, choice.tuneSeconds,
                      choice.classifierSeconds);
        std::cout << line;
        if (s.banded) {
            std::snprintf(line, sizeof line,
                          "banded: coarse factor %d, band %lld voxels (%.2f%%)\n", s.coarseFactor,
                          (long long)s.bandVoxels, 100.0 * double(s.bandVoxels) / double(s.voxels));
            std::cout << line;
        } else {
            std::cout << "exact full-resolution cut\n";
        }
        std::snprintf(line, sizeof line,
                      "graph %lld voxels, solver memory %s; time %.2f s (fit %.2f, build %.2f, "
                      "flow %.2f)\n",
                      (long long)s.graphVoxels, humanBytesOf(s.solverBytes).c_str(), s.totalSeconds,
                      s.fitSeconds, s.buildSeconds, s.flowSeconds);
        std::cout << line;
        if (!r.warning.empty())
            std::cerr << "warning: " << r.warning << "\n";
    }

private:
    GraphCutParams params_;
    std::string image_, strokes_, out_;
    std::optional<double> sigma_;
    std::string model_ = "histogram";
    std::string prior_, saveProbability_;
    std::string region_, keep_;
    double margin_ = 32;
    CLI::Option* weightOption_ = nullptr;
    CLI::Option* biasOption_ = nullptr;
    CLI::Option* modelOption_ = nullptr;
    bool noAuto_ = false, banded_ = false, exact_ = false, quiet_ = false;
};

} // namespace

std::unique_ptr<Command> makeGraphcutCommand() {
    return std::make_unique<GraphcutCommand>();
}

} // namespace cisterna::cli
