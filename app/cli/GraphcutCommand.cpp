#include "Command.h"

#include "core/graphcut/GraphCut.h"
#include "core/graphcut/Strokes.h"
#include "core/io/VolumeIO.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <cstdio>
#include <iostream>
#include <optional>

namespace cisterna::cli {
namespace {

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
        subcommand->add_option("--sigma", sigma_,
                               "Intensity scale of the boundary term (default: estimated from "
                               "the image)");
        subcommand->add_option("--connectivity", params_.energy.connectivity, "6, 18 or 26")
            ->check(CLI::IsMember({6, 18, 26}))
            ->capture_default_str();
        subcommand
            ->add_option("--regional-weight", params_.energy.regionalWeight,
                         "Weight of the intensity model of the strokes (0: strokes only)")
            ->capture_default_str();
        subcommand->add_option("--regional-model", model_, "histogram, gmm or none")
            ->capture_default_str();
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
    }

    void run() override {
        if (banded_ && exact_)
            throw InvalidArgument("--banded and --exact exclude each other");
        params_.band = banded_ ? BandMode::Always : exact_ ? BandMode::Never : BandMode::Auto;
        params_.energy.regionalModel = parseRegionalModel(model_);
        if (sigma_)
            params_.energy.sigma = *sigma_;
        const Volume image = readVolume(image_);
        const Volume strokes = loadStrokeVolume(strokes_, image.shape());
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
        {
            const EndLine end{lastPercent};
            r = graphCut(image, strokes, params_, progress);
        }
        writeVolume(out_, r.labels);
        const GraphCutStats& s = r.stats;
        char line[256];
        std::cout << "wrote " << out_ << " (" << toString(r.labels.shape()) << ")\n";
        std::snprintf(line, sizeof line, "energy %.6g (%lld quanta of %.3g)\n", s.energy,
                      (long long)s.energyQuanta, s.unit);
        std::cout << line;
        std::snprintf(line, sizeof line, "object voxels %lld of %lld (%.2f%%)\n",
                      (long long)s.objectVoxels, (long long)s.voxels,
                      100.0 * double(s.objectVoxels) / double(s.voxels));
        std::cout << line;
        std::snprintf(line, sizeof line,
                      "sigma %.4g, lambda %.4g, regional weight %.4g (%s), "
                      "%d-connectivity\n",
                      s.sigma, params_.energy.lambda, params_.energy.regionalWeight,
                      toString(params_.energy.regionalModel), s.connectivity);
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
    }

private:
    GraphCutParams params_;
    std::string image_, strokes_, out_;
    std::optional<double> sigma_;
    std::string model_ = "histogram";
    bool banded_ = false, exact_ = false, quiet_ = false;
};

} // namespace

std::unique_ptr<Command> makeGraphcutCommand() {
    return std::make_unique<GraphcutCommand>();
}

} // namespace cisterna::cli
