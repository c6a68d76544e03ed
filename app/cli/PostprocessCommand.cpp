// Only with LibTorch: cisterna_learning defines CISTERNA_HAVE_TORCH for its users.
#ifdef CISTERNA_HAVE_TORCH
#include "Command.h"
#include "WorkerMode.h"

#include "core/io/VolumeIO.h"
#include "core/learning/PostProcess.h"
#include "core/util/Error.h"
#include "core/util/Text.h"

#include <iostream>
#include <sstream>

namespace cisterna::cli {
namespace {

class PostprocessCommand final : public Command {
public:
    void setup(CLI::App& app) override {
        subcommand = app.add_subcommand(
            "postprocess", "Probability maps to a segmentation: threshold, removal of small "
                           "components, at most one organelle per voxel");
        auto* s = subcommand;
        s->add_option("--prob", probs_,
                      "Probability map(s) (uint8 0..255 or float32 0..1); several for several "
                      "organelles, in priority order for --rule priority")
            ->required();
        s->add_option("--names", names_, "Organelle names of the maps, comma-separated");
        s->add_option("--label-values", labels_,
                      "Label value of each map in the output, comma-separated (default 1, 2, ...)");
        s->add_option("--out", out_,
                      "Label volume to write; with {name} in it, one 0/1 mask per map instead "
                      "(named by --names, else 1, 2, ...)")
            ->required();
        s->add_option("--threshold", threshold_,
                      "Foreground where p > threshold: one value, or one per map "
                      "comma-separated (each organelle's own)")
            ->capture_default_str();
        s->add_option("--min-size", options_.minComponentVoxels,
                      "Remove connected components smaller than this many voxels")
            ->capture_default_str();
        s->add_option("--connectivity", connectivity_, "6, 18 or 26")
            ->check(CLI::IsMember({6, 18, 26}))
            ->capture_default_str();
        s->add_option("--rule", rule_,
                      "Where organelles overlap: highest (probability), priority (map order), "
                      "or independent (each map on its own, overlaps kept; needs {name} in "
                      "--out)")
            ->capture_default_str();
        addProgressOption(*s, progress_);
    }

    void run() override {
        const std::vector<std::string> names =
            names_.empty() ? std::vector<std::string>{} : split(names_, ',');
        const std::vector<std::string> labels =
            labels_.empty() ? std::vector<std::string>{} : split(labels_, ',');
        if (!names.empty() && names.size() != probs_.size())
            throw InvalidArgument("--names gives " + std::to_string(names.size()) + " names for " +
                                  std::to_string(probs_.size()) + " maps");
        const std::vector<std::string> thresholds = split(threshold_, ',');
        if (thresholds.size() != 1 && thresholds.size() != probs_.size())
            throw InvalidArgument("--threshold gives " + std::to_string(thresholds.size()) +
                                  " values for " + std::to_string(probs_.size()) + " maps");
        if (!labels.empty() && labels.size() != probs_.size())
            throw InvalidArgument("--label-values gives " + std::to_string(labels.size()) +
                                  " values for " + std::to_string(probs_.size()) + " maps");
        std::vector<OrganelleMap> maps;
        for (std::size_t i = 0; i < probs_.size(); ++i) {
            OrganelleMap m;
            m.name = names.empty() ? probs_[i] : names[i];
            int value = static_cast<int>(i + 1);
            if (!labels.empty()) {
                try {
                    value = std::stoi(labels[i]);
                } catch (const std::exception&) {
                    value = -1;
                }
            }
            if (value < 1 || value > 65535)
                throw InvalidArgument("label values must be 1 to 65535");
            m.label = static_cast<std::uint16_t>(value);
            const std::string& t = thresholds[thresholds.size() == 1 ? 0 : i];
            try {
                std::size_t used = 0;
                m.threshold = std::stod(t, &used);
                if (used != t.size())
                    throw InvalidArgument("");
            } catch (const std::exception&) {
                throw InvalidArgument("--threshold: '" + t + "' is not a number");
            }
            if (!(*m.threshold >= 0 && *m.threshold <= 1))
                throw InvalidArgument("--threshold: " + t + " is not between 0 and 1");
            m.probabilities = readVolume(probs_[i]);
            maps.push_back(std::move(m));
        }
        options_.connectivity = static_cast<Connectivity>(connectivity_);
        const auto at = out_.find("{name}");
        if (rule_ == "independent" && at == std::string::npos)
            throw InvalidArgument("--rule independent writes one mask per map: put {name} in "
                                  "--out, e.g. seg_{name}.zarr");
        const auto maskPath = [&](std::size_t i) {
            std::string path = out_;
            path.replace(at, 6, names.empty() ? std::to_string(i + 1) : names[i]);
            return path;
        };
        std::vector<std::string> written;
        if (rule_ == "independent") {
            for (std::size_t i = 0; i < maps.size(); ++i) {
                PostProcessOptions one = options_;
                one.threshold = *maps[i].threshold;
                written.push_back(maskPath(i));
                writeVolume(written.back(), postProcess(maps[i].probabilities, one));
            }
        } else {
            const Volume segmentation = combineOrganelles(maps, parseOverlapRule(rule_), options_);
            if (at == std::string::npos) {
                written.push_back(out_);
                writeVolume(out_, segmentation);
            } else {
                for (std::size_t i = 0; i < maps.size(); ++i) {
                    written.push_back(maskPath(i));
                    writeVolume(written.back(), labelMask(segmentation, maps[i].label));
                }
            }
        }
        std::ostringstream said;
        said << maps.size() << (maps.size() == 1 ? " organelle" : " organelles") << " segmented ("
             << toString(maps.front().probabilities.shape()) << ")";
        for (const std::string& path : written)
            std::cout << "wrote " << path << "\n";
        std::cout << said.str() << "\n";
        emitWorkerResult(said.str(), written);
    }

private:
    std::vector<std::string> probs_;
    // 0/1 where `segmentation` holds `label`.
    static Volume labelMask(const Volume& segmentation, std::uint16_t label) {
        const Volume c = segmentation.contiguous();
        Volume mask =
            Volume::allocate(DataType::UInt8, c.shape(), VolumeRole::Label, "segmentation");
        auto* out = static_cast<std::uint8_t*>(mask.data());
        const std::int64_t n = c.voxelCount();
        dispatchDataType(c.dataType(), [&](auto tag) {
            using T = decltype(tag);
            const T* in = static_cast<const T*>(c.data());
            for (std::int64_t i = 0; i < n; ++i)
                out[i] = in[i] == T(label);
        });
        mask.setVoxelSize(c.voxelSize());
        mask.setOrigin(c.origin());
        return mask;
    }

    std::string names_, labels_, out_, rule_ = "highest", threshold_ = "0.5", progress_ = "text";
    PostProcessOptions options_;
    int connectivity_ = 6;
};

} // namespace

std::unique_ptr<Command> makePostprocessCommand() {
    return std::make_unique<PostprocessCommand>();
}

} // namespace cisterna::cli

#endif // CISTERNA_HAVE_TORCH
