#include "Command.h"

#include "core/io/VolumeIO.h"
#include "core/metrics/Metrics.h"
#include "core/phantom/Phantom.h"
#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <type_traits>
#include <vector>

namespace cisterna::cli {
namespace {

nlohmann::json number(double v) {
    return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v);
}

std::string cell(double v) {
    if (std::isnan(v))
        return "n/a";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.4f", v);
    return buffer;
}

// Distinct non-zero values of an integer volume (at most `enough`, then it stops).
int distinctNonZeroValues(const Volume& v, int enough) {
    std::vector<bool> seen(65536);
    int count = 0;
    bool done = false;
    dispatchDataType(v.dataType(), [&](auto tag) {
        using T = decltype(tag);
        if constexpr (!std::is_same_v<T, float>) {
            const auto view = v.view<T>();
            const Shape3 s = v.shape();
            for (std::int64_t z = 0; z < s.z && !done; ++z)
                for (std::int64_t y = 0; y < s.y && !done; ++y)
                    for (std::int64_t x = 0; x < s.x; ++x) {
                        const T value = view(z, y, x);
                        if (value != 0 && !seen[value]) {
                            seen[value] = true;
                            if (++count >= enough) {
                                done = true;
                                break;
                            }
                        }
                    }
        }
    });
    return count;
}

class EvaluateCommand final : public Command {
public:
    void setup(CLI::App& app) override {
        subcommand = app.add_subcommand("evaluate", "Precision, recall, F1 = TP/(TP+(FP+FN)/2) and "
                                                    "IoU of a prediction against a ground truth");
        subcommand->add_option("--pred", pred_, "Prediction: labels or a probability map")
            ->required();
        subcommand->add_option("--truth", truth_, "Ground-truth label volume")->required();
        subcommand->add_option("--mask", mask_, "Evaluate only where this volume is non-zero");
        subcommand
            ->add_option("--band", band_, "Exclude voxels within N voxels of the truth boundary")
            ->capture_default_str();
        subcommand->add_option("--pred-label", predLabel_, "Prediction foreground is this value");
        subcommand->add_option(
            "--pred-threshold", predThreshold_,
            "Prediction foreground is above this (0.5 for float, 127 for uint8 maps)");
        subcommand->add_option("--truth-label", truthLabel_,
                               "Ground-truth foreground is this value");
        subcommand->add_option(
            "--organelle", organelle_,
            "Shorthand for --truth-label with the phantom's organelle numbers (mito, golgi, ...)");
        subcommand->add_option("--connectivity", connectivity_, "Object connectivity: 6, 18 or 26")
            ->check(CLI::IsMember({6, 18, 26}))
            ->capture_default_str();
        subcommand->add_flag("--no-objects", noObjects_, "Skip the per-object counts");
        subcommand->add_option("--json", json_, "Also write the scores to this JSON file");
    }

    void run() override {
        const Volume pred = readVolume(pred_);
        const Volume truth = readVolume(truth_);
        Volume mask;
        EvaluationOptions o;
        if (!mask_.empty()) {
            mask = readVolume(mask_);
            o.mask = &mask;
        }
        o.exclusionBand = band_;
        if (predLabel_)
            o.predictionLabel = *predLabel_;
        if (predThreshold_)
            o.predictionThreshold = *predThreshold_;
        else if (pred.dataType() == DataType::Float32)
            o.predictionThreshold = 0.5;
        else if (!predLabel_ && distinctNonZeroValues(pred, 3) >= 3)
            // A uint8 probability map and a label volume look alike; counting every
            // non-zero voxel of a map scores a very different (and poor) F1.
            std::cerr << "warning: " << pred_
                      << " holds several non-zero values, and every non-zero voxel counts as "
                         "foreground: for a uint8 probability map pass --pred-threshold 127 "
                         "(p > 0.5), for a label volume --pred-label N\n";
        if (!organelle_.empty())
            o.truthLabel = double(static_cast<int>(parseOrganelle(organelle_)));
        if (truthLabel_)
            o.truthLabel = *truthLabel_;
        o.connectivity = static_cast<Connectivity>(connectivity_);
        o.countObjects = !noObjects_;
        const Evaluation e = evaluateSegmentation(pred, truth, o);
        printTable(e);
        if (!json_.empty())
            writeFileAtomically(json_, toJson(e).dump(2) + "\n");
    }

private:
    void printTable(const Evaluation& e) const {
        const VoxelScores& v = e.voxels;
        std::cout << "prediction:   " << pred_ << "\n"
                  << "ground truth: " << truth_ << "\n"
                  << "voxels evaluated " << v.evaluatedVoxels << ", excluded " << v.excludedVoxels
                  << "\n\n"
                  << "level    precision  recall     F1         IoU\n"
                  << "voxels   " << pad(cell(v.precision())) << pad(cell(v.recall()))
                  << pad(cell(v.f1())) << cell(v.iou()) << "\n";
        if (e.objects)
            std::cout << "objects  " << pad(cell(e.objects->precision()))
                      << pad(cell(e.objects->recall())) << pad(cell(e.objects->f1())) << "-\n";
        std::cout << "\nTP " << v.truePositives << "  FP " << v.falsePositives << "  FN "
                  << v.falseNegatives << "  TN " << v.trueNegatives << "\n";
        if (e.objects)
            std::cout << "objects: truth " << e.objects->truthObjects << ", predicted "
                      << e.objects->predictedObjects << ", matched (IoU >= 0.5) "
                      << e.objects->matchedObjects << "\n";
    }

    static std::string pad(const std::string& s) {
        return s + std::string(s.size() < 11 ? 11 - s.size() : 1, ' ');
    }

    nlohmann::json toJson(const Evaluation& e) const {
        const VoxelScores& v = e.voxels;
        nlohmann::json j;
        j["prediction"] = pred_;
        j["truth"] = truth_;
        j["exclusion_band"] = band_;
        j["voxels"] = {{"precision", number(v.precision())},
                       {"recall", number(v.recall())},
                       {"f1", number(v.f1())},
                       {"iou", number(v.iou())},
                       {"tp", v.truePositives},
                       {"fp", v.falsePositives},
                       {"fn", v.falseNegatives},
                       {"tn", v.trueNegatives},
                       {"evaluated", v.evaluatedVoxels},
                       {"excluded", v.excludedVoxels}};
        if (e.objects)
            j["objects"] = {{"precision", number(e.objects->precision())},
                            {"recall", number(e.objects->recall())},
                            {"f1", number(e.objects->f1())},
                            {"truth", e.objects->truthObjects},
                            {"predicted", e.objects->predictedObjects},
                            {"matched", e.objects->matchedObjects}};
        return j;
    }

    std::string pred_, truth_, mask_, organelle_, json_;
    double band_ = 0;
    std::optional<double> predLabel_, predThreshold_, truthLabel_;
    int connectivity_ = 6;
    bool noObjects_ = false;
};

} // namespace

std::unique_ptr<Command> makeEvaluateCommand() {
    return std::make_unique<EvaluateCommand>();
}

} // namespace cisterna::cli
