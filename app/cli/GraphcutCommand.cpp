#include "Command.h"

#include "core/graphcut/AutoGraphCut.h"
#include "core/graphcut/CutRegion.h"
#include "core/graphcut/GraphCut.h"
#include "core/graphcut/Strokes.h"
#include "core/io/BlockWriter.h"
#include "core/io/VolumeIO.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
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
        if (region_.empty() && !keep_.empty())
            throw InvalidArgument("--keep needs --region");
        // With --region only the region's voxels are read (of the image, the strokes, the
        // prior and the labels to keep), so that a part of a volume larger than memory
        // can be cut: the whole-volume output is written block by block.
        const VolumeInfo info = readVolumeInfo(image_);
        const Vec3d voxelSize = info.hasVoxelSize ? info.voxelSize : Vec3d{1, 1, 1};
        const Box3 box = region_.empty()        ? Box3{{0, 0, 0}, info.shape}
                         : region_ == "strokes" ? growRegion(strokeBoundsOf(strokes_, info.shape),
                                                             info.shape, voxelSize, margin_)
                                                : parseBox(region_, info.shape);
        const bool whole = box.size == info.shape;
        ReadOptions part;
        if (!whole)
            part.region = box;
        Volume image;
        try {
            image = readVolume(image_, part);
        } catch (const MemoryBudgetError& e) {
            throw MemoryBudgetError(std::string(e.what()) +
                                    " Cut a part of it with --region (a box, or 'strokes').");
        }
        const Volume strokes =
            loadStrokeVolume(strokes_, info.shape, whole ? std::nullopt : part.region);
        if (!keep_.empty() && readVolumeInfo(keep_).shape != info.shape)
            throw InvalidArgument(keep_ + ": the labels to keep have the shape " +
                                  toString(readVolumeInfo(keep_).shape) + ", not the image's " +
                                  toString(info.shape));
        AutoGraphCutParams autoParams;
        autoParams.tune.enabled = !noAuto_;
        autoParams.fixedWeight = weightOption_->count() > 0 || noAuto_;
        autoParams.fixedModel = modelOption_->count() > 0 || noAuto_;
        autoParams.fixedBias = biasOption_->count() > 0 || noAuto_;
        if (!prior_.empty()) {
            const Shape3 priorShape = readVolumeInfo(prior_).shape;
            if (priorShape != info.shape)
                throw InvalidArgument(prior_ + ": the prediction's shape " + toString(priorShape) +
                                      " is not the image's " + toString(info.shape));
            autoParams.prior = probabilityMap(readVolume(prior_, part), box.size, prior_);
        }
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
            AutoGraphCutResult a = autoGraphCut(image, strokes, autoParams, progress);
            r = std::move(a.cut);
            choice = std::move(a.choice);
            if (!saveProbability_.empty() && !a.probability.isNull())
                writeVolume(saveProbability_, a.probability);
        }
        if (whole)
            writeVolume(out_, r.labels);
        else
            writeRegionLabels(info, box, r.labels);
        const GraphCutStats& s = r.stats;
        char line[256];
        std::cout << "wrote " << out_ << " (" << toString(info.shape) << ")\n";
        if (!region_.empty()) {
            // Two significant digits: a region of a large volume is well under 1 %.
            const double percent =
                100.0 * double(box.size.voxelCount()) / double(info.shape.voxelCount());
            std::snprintf(line, sizeof line, percent >= 10 ? "%.0f" : "%.2g", percent);
            std::cout << "region " << toString(box) << ": " << box.size.voxelCount() << " voxels, "
                      << line << "% of the volume (the counts below are the region's)\n";
        }
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
    // The box the strokes span: read from a stroke list without painting the volume.
    static Box3 strokeBoundsOf(const std::string& path, const Shape3& shape) {
        if (isStrokeListPath(path)) {
            const StrokeList list = readStrokesFor(path, shape);
            try {
                return strokeBounds(list);
            } catch (const InvalidArgument& e) {
                throw FormatError(path, e.what());
            }
        }
        return strokeRegion(loadStrokeVolume(path, shape), 0);
    }

    // The image-shaped output of a region's cut: --keep's labels (or 0) with the cut
    // in `box`. Chunked outputs are written a slab at a time and hold only what the
    // blocks put there; other formats are gathered in memory (refused up front when
    // they cannot fit).
    void writeRegionLabels(const VolumeInfo& info, const Box3& box, const Volume& cut) const {
        BlockWriterSpec spec;
        spec.dataType = DataType::UInt8;
        spec.shape = info.shape;
        spec.voxelSize = info.voxelSize;
        spec.hasVoxelSize = info.hasVoxelSize;
        spec.origin = info.origin;
        const std::unique_ptr<BlockWriter> writer = createBlockWriter(out_, spec);
        if (keep_.empty()) {
            writer->writeBlock(box, cut);
            writer->commit();
            return;
        }
        const Shape3 shape = info.shape;
        // Slabs of about 64 MiB, less under a small budget (a slab is read, then written).
        const std::uint64_t slabBytes =
            std::min<std::uint64_t>(std::uint64_t(64) << 20, availableMemoryBytes() / 8);
        const std::int64_t planes = std::clamp<std::int64_t>(
            std::int64_t(slabBytes / std::uint64_t(std::max<std::int64_t>(1, shape.y * shape.x))),
            1, shape.z);
        const Volume region = cut.contiguous();
        const auto from = region.view<std::uint8_t>();
        for (std::int64_t z0 = 0; z0 < shape.z; z0 += planes) {
            ReadOptions slabRead;
            slabRead.region = Box3{{z0, 0, 0}, {std::min(planes, shape.z - z0), shape.y, shape.x}};
            Volume slab = binaryLabels(readVolume(keep_, slabRead));
            const auto to = slab.view<std::uint8_t>();
            const std::int64_t first = std::max(z0, box.begin.z);
            const std::int64_t last = std::min(z0 + slab.shape().z, box.begin.z + box.size.z);
            for (std::int64_t z = first; z < last; ++z)
                for (std::int64_t y = 0; y < box.size.y; ++y)
                    std::memcpy(to.row(z - z0, box.begin.y + y) + box.begin.x,
                                from.row(z - box.begin.z, y), std::size_t(box.size.x));
            writer->writeBlock(*slabRead.region, slab);
        }
        writer->commit();
    }

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
