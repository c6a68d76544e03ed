// Only with LibTorch: cisterna_learning defines CISTERNA_HAVE_TORCH for its users.
#ifdef CISTERNA_HAVE_TORCH
#include "Command.h"
#include "SlurmArray.h"
#include "WorkerMode.h"

#include "core/io/VolumeIO.h"
#include "core/io/VolumePath.h"
#include "core/learning/InterruptCancel.h"
#include "core/learning/Prediction.h"
#include "core/learning/TorchRuntime.h"
#include "core/learning/TrainingText.h"
#include "core/learning/io/ClusterPrediction.h"
#include "core/learning/io/FilePrediction.h"
#include "core/util/Error.h"
#include "core/util/Stopwatch.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

namespace cisterna::cli {
namespace {

class PredictCommand final : public Command {
public:
    void setup(CLI::App& app) override {
        subcommand = app.add_subcommand(
            "predict", "Probability maps of a trained model over a whole volume, block by block "
                       "(every voxel, borders mirrored); Zarr/N5/HDF5 outputs are written as "
                       "they are computed");
        auto* s = subcommand;
        s->add_option("--model", model_, "Trained model (.cmodel)")->required();
        s->add_option("--image", image_, "Image to predict");
        s->add_option("--out", out_,
                      "Probability map to write; for several classes put {class} in the path");
        s->add_option("--format", format_,
                      "uint8 (p * 255), float16 (HDF5 and Zarr outputs; half of float32's "
                      "bytes, read back as float32) or float32")
            ->check(CLI::IsMember({"uint8", "float16", "float32"}))
            ->capture_default_str();
        s->add_option(
            "--tile", tile_,
            "Tile input size: n or z,y,x (default: output up to 128 per axis within 2 GiB)");
        s->add_option("--region", region_,
                      "Predict only the tiles whose output reaches this box, z0:z1,y0:y1,x0:x1 "
                      "(a part of a volume larger than memory): their voxels get the whole "
                      "volume's values, the rest of the maps stays 0 (not with --tasks)");
        s->add_option("--device", device_, "auto, cpu or cuda")->capture_default_str();
        s->add_flag("--no-mixed-precision", noMixed_, "Predict in fp32 on CUDA too");
        s->add_flag("--info", info_, "Print what the model file says and exit");
        s->add_option("--tasks", tasks_,
                      "Share the volume among this many tasks (a Slurm array, or runs one "
                      "after another): each predicts its tiles into the same Zarr output and "
                      "skips the ones already done")
            ->check(CLI::Range(1, 100000));
        s->add_option("--task", task_,
                      "Which task this is, 0 to tasks-1 (default: $SLURM_ARRAY_TASK_ID)");
        s->add_flag("--slurm", slurm_,
                    "With --tasks: write <out>.sbatch, an array job running each task, and "
                    "submit it with sbatch (again after a failure: only what is missing runs)");
        s->add_flag("--wait", wait_, "With --slurm: return when every task has ended");
        s->add_option("--sbatch-option", sbatchOptions_,
                      "With --slurm: an #SBATCH line for the script, e.g. --partition=gpu "
                      "(repeatable)");
        addProgressOption(*s, progress_);
    }

    void run() override {
        const Model model = Model::load(model_);
        if (info_) {
            std::cout << model.metadata().describe() << "\n";
            return;
        }
        if (image_.empty() || out_.empty())
            throw InvalidArgument("predict needs --image and --out (or --info)");
        const auto& names = model.metadata().classNames;
        std::vector<std::string> outputs;
        const auto at = out_.find("{class}");
        if (names.size() > 1 && at == std::string::npos)
            throw InvalidArgument("the model predicts " + std::to_string(names.size()) +
                                  " classes: put {class} in --out, e.g. prob_{class}.zarr");
        for (const std::string& name : names) {
            std::string path = out_;
            if (at != std::string::npos)
                path.replace(at, 7, fileNamePart(name));
            outputs.push_back(path);
        }
        if (slurm_) {
            submit(outputs);
            return;
        }
        PredictOptions options;
        options.outputType = format_ == "uint8" ? DataType::UInt8 : DataType::Float32;
        WriteOptions writeOptions;
        writeOptions.float16 = format_ == "float16";
        if (!tile_.empty())
            options.tileInput = parseShape3(tile_);
        options.device = parseDevicePreference(device_);
        options.mixedPrecision = !noMixed_;
        options.onWarning = [](const std::string& w) {
            std::cerr << "warning: " << w << "\n";
            emitWorkerWarning(w);
        };
        const auto cancel = commandCancelToken();
        InterruptCancel interrupt(cancel);
        const Stopwatch elapsed;
        int lastPercent = -1;
        options.progress = Progress(
            [&](double fraction, const std::string& message) {
                const int percent = static_cast<int>(fraction * 100);
                if (percent / 10 != lastPercent / 10) {
                    lastPercent = percent;
                    std::cout << percent << " % (" << message << ")" << std::endl;
                }
                WorkerEvent event;
                event.fraction = fraction;
                event.message = message;
                emitWorkerEvent(event);
            },
            cancel);

        const VolumeInfo info = readVolumeInfo(image_);
        const TilePlan plan = planPrediction(model, info.shape, options);
        std::int64_t tiles = plan.tileCount(), voxels = info.shape.voxelCount();
        if (!region_.empty()) {
            if (tasks_ > 0)
                throw InvalidArgument("--region and --tasks exclude each other");
            const Box3 box = parseBox(region_, info.shape);
            options.includeTile = [plan, box, shape = info.shape](const Index3& t) {
                return intersect(plan.outputBox(t, shape), box).size.voxelCount() > 0;
            };
            tiles = voxels = 0;
            for (std::int64_t z = 0; z < plan.counts.z; ++z)
                for (std::int64_t y = 0; y < plan.counts.y; ++y)
                    for (std::int64_t x = 0; x < plan.counts.x; ++x)
                        if (options.includeTile({z, y, x})) {
                            ++tiles;
                            voxels += plan.outputBox({z, y, x}, info.shape).size.voxelCount();
                        }
        }
        std::cout << detectTorchRuntime().describe() << "\n"
                  << "image " << toString(info.shape) << ", " << tiles << " tiles of input "
                  << toString(plan.tile.input) << " -> output " << toString(plan.tile.output)
                  << "\n";
        if (tasks_ > 0) {
            predictShare(model, outputs, options, writeOptions.float16, elapsed);
            return;
        }
        predictFile(model, image_, outputs, options, writeOptions);
        const double seconds = elapsed.seconds();
        char rate[64];
        std::snprintf(rate, sizeof rate, "%.2f", double(voxels) / 1e6 / seconds);
        std::cout << "predicted " << voxels << " voxels in " << formatDuration(seconds) << " ("
                  << rate << " Mvoxel/s)\n";
        for (const std::string& path : outputs)
            std::cout << "wrote " << path << "\n";
        emitWorkerResult("predicted " + std::to_string(voxels) + " voxels in " +
                             formatDuration(seconds),
                         outputs);
    }

private:
    // A class name as part of a file name: "ER/SR" must not become a folder.
    static std::string fileNamePart(std::string name) {
        for (char& c : name)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
                c = '_';
        return name.empty() ? std::string("class") : name;
    }

    // One task's share of the volume (ClusterPrediction.h).
    void predictShare(const Model& model, const std::vector<std::string>& outputs,
                      const PredictOptions& options, bool float16, const Stopwatch& elapsed) {
        PredictionShare share;
        share.tasks = tasks_;
        share.float16 = float16;
        if (task_) {
            share.task = *task_;
        } else if (const char* id = std::getenv("SLURM_ARRAY_TASK_ID")) {
            share.task = std::atoi(id);
        } else {
            throw InvalidArgument("--tasks needs --task (or a Slurm array task's "
                                  "SLURM_ARRAY_TASK_ID)");
        }
        const ShareOutcome o =
            predictFileShare(model, image_, outputs, options, share, identity(outputs));
        std::ostringstream said;
        said << "task " << share.task << " of " << share.tasks << ": predicted " << o.predicted
             << " of its " << o.mine << " tiles";
        if (o.skipped > 0)
            said << " (" << o.skipped << " were done before)";
        said << " in " << formatDuration(elapsed.seconds()) << "; " << o.doneNow << " of "
             << o.tiles << " tiles of the volume are done";
        std::cout << said.str() << "\n";
        emitWorkerResult(said.str(), outputs);
    }

    // What the outputs are filled with: a re-run with another model, image or format
    // must not add its tiles to them.
    std::string identity(const std::vector<std::string>& outputs) const {
        namespace fs = std::filesystem;
        std::error_code error;
        const fs::path model = fs::absolute(model_);
        const auto bytes = fs::file_size(model, error);
        const auto time = fs::last_write_time(model, error).time_since_epoch().count();
        std::ostringstream s;
        s << "model " << model.string() << " (" << bytes << " bytes, modified " << time
          << "); image " << fs::absolute(image_).string() << "; format " << format_ << "; "
          << outputs.size() << " classes";
        return s.str();
    }

    // --slurm: the same command, once per task of an array job.
    void submit(const std::vector<std::string>& outputs) {
        if (tasks_ <= 0)
            throw InvalidArgument("--slurm needs --tasks: how many array tasks share the volume");
        for (const std::string& path : outputs) {
            const std::string ext = parseVolumePath(path).extension();
            if (ext != ".zarr" && ext != ".ome.zarr")
                throw InvalidArgument("--slurm writes Zarr (.zarr or .ome.zarr), where every "
                                      "task writes its own chunks; not " +
                                      path);
        }
        namespace fs = std::filesystem;
        SlurmArrayJob job;
        job.tasks = tasks_;
        job.name = "cisterna-predict";
        job.command = {fs::canonical("/proc/self/exe").string(),
                       "predict",
                       "--model",
                       fs::absolute(model_).string(),
                       "--image",
                       fs::absolute(image_).string(),
                       "--out",
                       fs::absolute(out_).string(),
                       "--format",
                       format_,
                       "--device",
                       device_,
                       "--tasks",
                       std::to_string(tasks_),
                       "--task",
                       "$SLURM_ARRAY_TASK_ID"};
        if (!tile_.empty())
            job.command.insert(job.command.end(), {"--tile", tile_});
        if (noMixed_)
            job.command.push_back("--no-mixed-precision");
        const std::string base = fs::absolute(out_).string();
        const std::string stem = base.substr(0, base.find("{class}"));
        job.logPattern = stem + ".slurm-%A_%a.log";
        job.sbatchOptions = sbatchOptions_;
        const std::string script = stem + ".sbatch";
        const std::string id = submitSlurmArray(job, script, wait_);
        std::cout << "submitted job " << id << ": " << tasks_ << " tasks (" << script << "; logs "
                  << job.logPattern << ")" << (wait_ ? ", all ended" : "") << "\n";
        emitWorkerResult("submitted Slurm job " + id, outputs);
    }

    std::string model_, image_, out_, format_ = "uint8", tile_, region_, device_ = "auto",
                                      progress_ = "text";
    bool noMixed_ = false, info_ = false, slurm_ = false, wait_ = false;
    int tasks_ = 0;
    std::optional<int> task_;
    std::vector<std::string> sbatchOptions_;
};

} // namespace

std::unique_ptr<Command> makePredictCommand() {
    return std::make_unique<PredictCommand>();
}

} // namespace cisterna::cli

#endif // CISTERNA_HAVE_TORCH
