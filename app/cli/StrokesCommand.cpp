#include "Command.h"

#include "core/graphcut/StrokeSimulator.h"
#include "core/graphcut/Strokes.h"
#include "core/io/VolumeIO.h"
#include "core/phantom/Phantom.h"
#include "core/util/Error.h"

#include <iostream>

namespace cisterna::cli {
namespace {

class StrokesCommand final : public Command {
public:
    void setup(CLI::App& app) override {
        subcommand = app.add_subcommand(
            "strokes", "Simulate the brush strokes a person would draw on a few planes of a "
                       "ground truth (for tests and benchmarks of the graph cut)");
        subcommand->add_option("--from-truth", truth_, "Ground-truth label volume")->required();
        subcommand->add_option("--organelle", organelle_,
                               "Object = this phantom organelle (mito, golgi, er, nucleus, pore); "
                               "default: every non-zero voxel");
        auto* planes =
            subcommand->add_option("--planes", planes_, "Planes as axis:slice, e.g. z:40,y:64");
        auto* count = subcommand->add_option("--count", count_,
                                             "Number of evenly spaced planes along --axis");
        planes->excludes(count);
        count->excludes(planes);
        subcommand->add_option("--axis", axis_, "Axis of the --count planes: z, y or x")
            ->capture_default_str();
        subcommand
            ->add_option("--out", out_,
                         "Strokes to write: a stroke list (.json) or a label volume "
                         "(0 none, 1 object, 2 background) in any writable format")
            ->required();
        subcommand->add_option("--seed", simulation_.seed, "Random seed")->capture_default_str();
        subcommand->add_option("--radius", simulation_.radius, "Brush radius in voxels")
            ->capture_default_str();
    }

    void run() override {
        if (planes_.empty() && count_ <= 0)
            throw InvalidArgument("give the planes to stroke: --planes z:40,y:64 or --count K");
        const Volume labels = readVolume(truth_);
        const Volume truth =
            organelle_.empty() ? labels : organelleMask(labels, parseOrganelle(organelle_));
        simulation_.planes = planes_.empty()
                                 ? evenlySpacedPlanes(truth.shape(), parseAxis(axis_), count_)
                                 : parsePlanes(planes_, truth.shape());
        const StrokeList list = simulateStrokes(truth, simulation_);
        if (isStrokeListPath(out_))
            writeStrokes(out_, list);
        else
            writeVolume(out_, rasterizeStrokes(list));
        std::size_t object = 0;
        for (const Stroke& s : list.strokes)
            object += s.label == kStrokeObject;
        std::cout << "wrote " << out_ << ": " << list.strokes.size() << " strokes (" << object
                  << " object, " << list.strokes.size() - object << " background) on "
                  << simulation_.planes.size() << " planes:";
        for (const StrokePlane& p : simulation_.planes)
            std::cout << " " << axisName(p.axis) << ":" << p.slice;
        std::cout << "\n";
        if (object == 0 || object == list.strokes.size())
            std::cerr << "cisterna-cli: warning: no " << (object == 0 ? "object" : "background")
                      << " strokes: the planes do not show any; a graph cut needs both\n";
    }

private:
    std::string truth_, organelle_, planes_, out_;
    std::string axis_ = "z";
    int count_ = 0;
    StrokeSimulation simulation_;
};

} // namespace

std::unique_ptr<Command> makeStrokesCommand() {
    return std::make_unique<StrokesCommand>();
}

} // namespace cisterna::cli
