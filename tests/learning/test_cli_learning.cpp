// The learning commands of the real cisterna-cli binary, end to end on a phantom the
// CLI itself writes (full build only: needs core/io and the CLI).
#include "../cli/CliRunner.h"
#include "LearningTestSupport.h"

#include "core/io/VolumeIO.h"
#include "core/learning/Model.h"
#include "core/learning/PostProcess.h"
#include "core/util/AtomicWrite.h"
#include "core/worker/ChildProcess.h"
#include "core/worker/WorkerProtocol.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sys/wait.h>
#include <tuple>

using namespace cisterna;
using test::runCli;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A tiny network learning every labelled structure of the phantom (whatever a
// 40^3 crop holds): a few CPU seconds per command.
const char* kTinyTraining = " --organelle cell --features 4 --levels 1 --input-size 36 "
                            "--device cpu --report-every 1 --lr 0.003";

} // namespace

TEST_CASE("cisterna-cli trains, fine-tunes, predicts and post-processes a phantom",
          "[learning][cli]") {
    test::Scratch dir("cli");
    const std::string image = dir.file("ph.zarr"), labels = dir.file("ph_labels.zarr");
    const std::string model = dir.file("m.cmodel"), tuned = dir.file("tuned.cmodel");
    const std::string prob = dir.file("prob.tif"), seg = dir.file("seg.tif");

    test::CliResult r = runCli("phantom --out " + image + " --size 40 --seed 3");
    REQUIRE(r.exitCode == 0);

    r = runCli("train --sizes --features 4 --levels 1 --input-size 36");
    CHECK(r.exitCode == 0);
    CHECK(contains(r.out, "input 36 x 36 x 36 (z, y, x) -> output 20 x 20 x 20"));
    CHECK(contains(r.out, "valid inputs along z"));

    r = runCli("train --image " + image + " --labels " + labels + " --out " + model +
               " --iterations 4" + kTinyTraining);
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(contains(r.out, "iteration 4/4"));
    CHECK(contains(r.out, "wrote " + model));
    const Model trained = Model::load(model);
    CHECK(trained.metadata().iterations == 4);
    CHECK(trained.metadata().organelle == "cell");
    CHECK(trained.metadata().voxelSize == Vec3d{8, 8, 8});

    r = runCli("finetune --model " + model + " --image " + image + " --labels " + labels +
               " --out " + tuned +
               " --iterations 2 --freeze-encoder --device cpu --report-every 1");
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(contains(r.out, "fine-tuned 2 iterations"));
    r = runCli("predict --info --model " + tuned);
    CHECK(r.exitCode == 0);
    CHECK(contains(r.out, "iterations: 6"));
    CHECK(contains(r.out, "fine-tuned from: cell model, 4 iterations"));

    r = runCli("predict --model " + tuned + " --image " + image + " --out " + prob +
               " --tile 36 --device cpu");
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(contains(r.out, "8 tiles of input 36 x 36 x 36 (z, y, x)"));
    const Volume probabilities = readVolume(prob);
    CHECK(probabilities.shape() == Shape3{40, 40, 40});
    CHECK(probabilities.dataType() == DataType::UInt8);

    // The same map as float16: the uint8 map is its probabilities scaled to 0-255.
    const std::string prob16 = dir.file("prob16.zarr");
    r = runCli("predict --model " + tuned + " --image " + image + " --out " + prob16 +
               " --tile 36 --device cpu --format float16");
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(contains(readWholeFile(std::filesystem::path(prob16) / ".zarray"), "\"<f2\""));
    {
        const Volume halfMap = readVolume(prob16);
        REQUIRE(halfMap.dataType() == DataType::Float32);
        REQUIRE(halfMap.shape() == probabilities.shape());
        const auto p = halfMap.view<float>();
        const auto q = probabilities.view<std::uint8_t>();
        double worst = 0;
        for (std::int64_t z = 0; z < 40; ++z)
            for (std::int64_t y = 0; y < 40; ++y)
                for (std::int64_t x = 0; x < 40; ++x)
                    worst = std::max(worst, std::abs(double(p(z, y, x)) * 255 - q(z, y, x)));
        CHECK(worst <= 1.0); // uint8 rounding plus float16's 2^-11 relative error
    }

    r = runCli("postprocess --prob " + prob + " --out " + seg + " --threshold 0.5 --min-size 20");
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    const Volume segmentation = readVolume(seg);
    PostProcessOptions options;
    options.minComponentVoxels = 20;
    const Volume expected = postProcess(probabilities, options);
    REQUIRE(segmentation.shape() == expected.shape());
    std::int64_t differing = 0;
    for (std::int64_t z = 0; z < 40; ++z)
        for (std::int64_t y = 0; y < 40; ++y)
            for (std::int64_t x = 0; x < 40; ++x)
                differing += segmentation.valueAt({z, y, x}) != expected.valueAt({z, y, x});
    CHECK(differing == 0);

    // Two maps, each at its own threshold; a count that fits neither is refused.
    const std::string two = dir.file("two.h5");
    r = runCli("postprocess --prob " + prob + " --prob " + prob + " --out " + two +
               " --threshold 0.9,0.2 --rule priority");
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    const Volume both = readVolume(two);
    std::int64_t wrong = 0;
    for (std::int64_t z = 0; z < 40; ++z)
        for (std::int64_t y = 0; y < 40; ++y)
            for (std::int64_t x = 0; x < 40; ++x) {
                const double p = probabilities.valueAt({z, y, x}) / 255.0;
                const int want = p > 0.9 ? 1 : p > 0.2 ? 2 : 0;
                wrong += int(both.valueAt({z, y, x})) != want;
            }
    CHECK(wrong == 0);
    r = runCli("postprocess --prob " + prob + " --prob " + prob + " --out " + two +
               " --threshold 0.9,0.2,0.1");
    CHECK(r.exitCode != 0);
    CHECK(r.err.find("3 values for 2 maps") != std::string::npos);

    // One 0/1 mask per map: split from the priority labels, or each map on its own
    // (the app's post-processing, overlaps kept).
    const std::string masks = dir.file("mask_{name}.nrrd");
    r = runCli("postprocess --prob " + prob + " --prob " + prob + " --names a,b --out " + masks +
               " --threshold 0.9,0.2 --rule priority");
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    for (const char* rule : {"priority", "independent"}) {
        if (std::string(rule) == "independent")
            REQUIRE(runCli("postprocess --prob " + prob + " --prob " + prob +
                           " --names a,b --out " + masks +
                           " --threshold 0.9,0.2 --rule independent")
                        .exitCode == 0);
        const Volume a = readVolume(dir.file("mask_a.nrrd")),
                     b = readVolume(dir.file("mask_b.nrrd"));
        std::int64_t bad = 0;
        for (std::int64_t z = 0; z < 40; ++z)
            for (std::int64_t y = 0; y < 40; ++y)
                for (std::int64_t x = 0; x < 40; ++x) {
                    const double p = probabilities.valueAt({z, y, x}) / 255.0;
                    const bool wantB =
                        std::string(rule) == "independent" ? p > 0.2 : p > 0.2 && p <= 0.9;
                    bad += int(a.valueAt({z, y, x})) != int(p > 0.9);
                    bad += int(b.valueAt({z, y, x})) != int(wantB);
                }
        INFO(rule);
        CHECK(bad == 0);
    }
    r = runCli("postprocess --prob " + prob + " --out " + two + " --rule independent");
    CHECK(r.exitCode == 1);
    CHECK(r.err.find("{name}") != std::string::npos);
}

TEST_CASE("cisterna-cli learning commands fail clearly on bad input", "[learning][cli]") {
    test::Scratch dir("cli-errors");
    const std::string image = dir.file("ph.zarr"), labels = dir.file("ph_labels.zarr");
    REQUIRE(runCli("phantom --out " + image + " --size 40 --seed 4").exitCode == 0);

    // Not a model: a clear message naming the file, no crash.
    { std::ofstream(dir.file("fake.cmodel")) << "organelle = mito\n"; }
    test::CliResult r = runCli("predict --model " + dir.file("fake.cmodel") + " --image " + image +
                               " --out " + dir.file("p.tif"));
    CHECK(r.exitCode == 1);
    CHECK(contains(r.err, "not a Cisterna model"));
    CHECK(!std::filesystem::exists(dir.file("p.tif")));

    // The image is smaller than the patch asked for.
    r = runCli("train --image " + image + " --labels " + labels + " --out " + dir.file("m.cmodel") +
               " --iterations 2 --features 4 --levels 1 --input-size 44");
    CHECK(r.exitCode == 1);
    CHECK(contains(r.err, "larger than the training image"));

    // A model trained at 8 nm predicting a 16 nm image warns (and still predicts).
    r = runCli("train --image " + image + " --labels " + labels + " --out " + dir.file("m.cmodel") +
               " --iterations 1" + kTinyTraining);
    REQUIRE(r.exitCode == 0);
    const std::string coarse = dir.file("coarse.zarr");
    REQUIRE(runCli("phantom --out " + coarse + " --size 30 --voxel-size 16").exitCode == 0);
    r = runCli("predict --model " + dir.file("m.cmodel") + " --image " + coarse + " --out " +
               dir.file("p.tif") + " --device cpu");
    CHECK(r.exitCode == 0);
    CHECK(contains(r.err, "warning: the model was trained at voxel size (8, 8, 8)"));

    // float16 into a format without it: refused before predicting, nothing written.
    r = runCli("predict --model " + dir.file("m.cmodel") + " --image " + image + " --out " +
               dir.file("p16.tif") + " --device cpu --format float16");
    CHECK(r.exitCode == 1);
    CHECK(contains(r.err, "no float16 data type"));
    CHECK(!contains(r.out, "predicted"));
    CHECK(!std::filesystem::exists(dir.file("p16.tif")));
}

TEST_CASE("predict killed with SIGKILL leaves no output that passes for a finished one",
          "[learning][cli][kill]") {
    test::Scratch dir("cli-kill");
    const std::string image = dir.file("ph.zarr"), labels = dir.file("ph_labels.zarr");
    const std::string model = dir.file("m.cmodel");
    REQUIRE(runCli("phantom --out " + image + " --size 48 --seed 5").exitCode == 0);
    REQUIRE(runCli("train --image " + image + " --labels " + labels + " --out " + model +
                   " --iterations 1" + kTinyTraining)
                .exitCode == 0);
    const std::string predict =
        "predict --model " + model + " --image " + image + " --tile 36 --device cpu --out ";
    const auto started = std::chrono::steady_clock::now();
    REQUIRE(runCli(predict + dir.file("reference.h5")).exitCode == 0);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const Volume reference = readVolume(dir.file("reference.h5"));

    for (const std::string& out : {dir.file("killed.h5"), dir.file("killed.zarr")}) {
        // SIGKILL half-way through: nothing can be cleaned up, nothing is finished.
        const std::string command = "timeout -s KILL " + std::to_string(seconds / 2) + " \"" +
                                    CISTERNA_CLI + "\" " + predict + out + " >/dev/null 2>&1";
        const int status = std::system(command.c_str());
        const bool killed = WIFEXITED(status) && WEXITSTATUS(status) == 137;
        INFO(out << " killed after " << seconds / 2 << " s: " << killed);
        if (killed) {
            // A half-written output is never where the finished one goes.
            bool readable = true;
            try {
                readVolume(out);
            } catch (const std::exception&) {
                readable = false;
            }
            CHECK_FALSE(readable);
        }
        // The re-run completes, with what an uninterrupted run gives.
        REQUIRE(runCli(predict + out).exitCode == 0);
        const Volume again = readVolume(out);
        REQUIRE(again.shape() == reference.shape());
        REQUIRE(again.dataType() == reference.dataType());
        CHECK(std::memcmp(again.data(), reference.data(), reference.byteCount()) == 0);
    }
}

TEST_CASE("cisterna-cli speaks the worker protocol: only events on stdout, cancel on stdin",
          "[learning][cli][worker]") {
    test::Scratch dir("cli-worker");
    const std::string image = dir.file("ph.nrrd"), labels = dir.file("ph_labels.nrrd");
    const std::string model = dir.file("m.cmodel");
    REQUIRE(runCli("phantom --out " + image + " --size 40 --seed 3").exitCode == 0);
    const std::vector<std::string> train{
        CISTERNA_CLI,  "train", "--image",      image, "--labels",   labels,
        "--organelle", "cell",  "--features",   "4",   "--levels",   "1",
        "--device",    "cpu",   "--input-size", "36",  "--progress", "json"};
    // Every line on stdout is an event, whatever the command prints for people.
    const auto run = [](std::vector<std::string> argv,
                        const std::function<void(ChildProcess&, const WorkerEvent&)>& onEvent) {
        ChildProcess worker(argv);
        std::vector<WorkerEvent> events;
        std::vector<std::string> foreign;
        while (worker.pump(1000, [&](const std::string& line) {
            if (auto e = decodeWorkerEvent(line)) {
                events.push_back(*e);
                if (onEvent)
                    onEvent(worker, *e);
            } else {
                foreign.push_back(line);
            }
        })) {
        }
        CHECK(foreign.empty());
        return std::make_pair(worker.wait(), events);
    };

    std::vector<std::string> argv = train;
    argv.insert(argv.end(), {"--iterations", "3", "--out", model});
    auto [exit, events] = run(argv, {});
    REQUIRE(exit.succeeded());
    REQUIRE(events.size() == 4);
    for (int i = 0; i < 3; ++i) {
        CHECK(events[i].kind == WorkerEvent::Kind::Training);
        CHECK(events[i].iteration == i + 1);
        CHECK(events[i].total == 3);
        CHECK(std::isfinite(events[i].loss));
    }
    CHECK(events.back().kind == WorkerEvent::Kind::Result);
    CHECK(events.back().outputs == std::vector<std::string>{model});
    CHECK(Model::load(model).metadata().iterations == 3);

    // Prediction reports its progress and names what it wrote.
    const std::string prob = dir.file("prob_{class}.nrrd");
    std::tie(exit, events) = run({CISTERNA_CLI, "predict", "--model", model, "--image", image,
                                  "--out", prob, "--progress", "json"},
                                 {});
    REQUIRE(exit.succeeded());
    REQUIRE(events.size() >= 2);
    CHECK(events.front().kind == WorkerEvent::Kind::Progress);
    CHECK(events.back().kind == WorkerEvent::Kind::Result);
    REQUIRE(events.back().outputs.size() == 1);
    CHECK(readVolumeInfo(events.back().outputs.front()).shape == Shape3{40, 40, 40});

    // "cancel" on stdin stops a long training after the iteration in flight, with a
    // checkpoint, exit status 3 and a last event that says it was cancelled.
    argv = train;
    argv.insert(argv.end(), {"--iterations", "100000", "--out", dir.file("long.cmodel")});
    bool sent = false;
    std::tie(exit, events) = run(argv, [&](ChildProcess& worker, const WorkerEvent& e) {
        if (e.kind == WorkerEvent::Kind::Training && !sent)
            sent = worker.write("cancel\n");
    });
    INFO(exit.describe());
    CHECK(exit.code == kWorkerStopped);
    CHECK_FALSE(exit.signalled);
    REQUIRE_FALSE(events.empty());
    CHECK(events.back().kind == WorkerEvent::Kind::Error);
    CHECK(events.back().cancelled);
    // It stopped soon after: the checkpoint's iteration is among the last reported.
    const auto trained = std::count_if(events.begin(), events.end(), [](const WorkerEvent& e) {
        return e.kind == WorkerEvent::Kind::Training;
    });
    CHECK(trained < 1000);
    CHECK(std::filesystem::exists(dir.file("long.cmodel.checkpoint")));
    CHECK_FALSE(std::filesystem::exists(dir.file("long.cmodel")));

    // The end of stdin means the app is gone: the worker stops too.
    argv = train;
    argv.insert(argv.end(), {"--iterations", "100000", "--out", dir.file("orphan.cmodel")});
    std::tie(exit, events) =
        run(argv, [](ChildProcess& worker, const WorkerEvent&) { worker.closeStdin(); });
    CHECK(exit.code == kWorkerStopped);
    CHECK(std::filesystem::exists(dir.file("orphan.cmodel.checkpoint")));
}

TEST_CASE("cisterna-cli devices says where jobs run and why", "[learning][cli]") {
    const test::CliResult text = runCli("devices");
    INFO(text.out << text.err);
    REQUIRE(text.exitCode == 0);
    CHECK(contains(text.out, "jobs run on: "));
    CHECK(contains(text.out, "because: "));
    const test::CliResult json = runCli("devices --json");
    REQUIRE(json.exitCode == 0);
    const auto j = nlohmann::json::parse(json.out);
    const bool cuda = j.at("cuda_devices").get<int>() > 0;
    CHECK(j.at("device") == (cuda ? "cuda:0" : "cpu"));
    CHECK(j.at("cpu_threads").get<int>() >= 1);
    const std::string reason = j.at("reason");
    if (cuda)
        CHECK(contains(reason, "GPU"));
    else if (!j.at("cuda_built").get<bool>()) // Debian's LibTorch
        CHECK(contains(reason, "has no CUDA"));
    else
        CHECK(contains(reason, "sees no GPU"));
}

namespace {

// A tiny untrained model, a 96^3 phantom (125 tiles of output 20) and the
// single-process prediction of it, for the cluster tests.
struct ClusterScene {
    explicit ClusterScene(const test::Scratch& dir)
        : model(dir.file("m.cmodel")), image(dir.file("img.nrrd")), single(dir.file("one.nrrd")) {
        Model::create(test::tinyMetadata(test::tinyNetwork(), {36, 36, 36}), 4).save(model);
        REQUIRE(runCli("phantom --out " + image + " --size 96 --seed 2").exitCode == 0);
        const test::CliResult r =
            runCli("predict --model " + model + " --image " + image + " --out " + single + tile);
        INFO(r.out << r.err);
        REQUIRE(r.exitCode == 0);
    }
    // Runs predict of the scene's model and image into `output`, with its tiles.
    test::CliResult predictInto(const std::string& output, const std::string& options) const {
        return runCli("predict --model " + model + " --image " + image + " --out " + output + tile +
                      options);
    }
    bool matches(const std::string& output) const {
        const Volume a = readVolume(single), b = readVolume(output);
        return a.shape() == b.shape() && a.dataType() == b.dataType() &&
               std::memcmp(a.contiguous().data(), b.contiguous().data(), a.byteCount()) == 0;
    }
    std::string model, image, single;
    std::string tile = " --tile 36";
};

} // namespace

TEST_CASE("a prediction task killed midway is completed by its re-run, equal to one process",
          "[learning][cli][cluster]") {
    test::Scratch dir("cli-cluster-kill");
    const ClusterScene scene(dir);
    const std::string shared = dir.file("shared.zarr");
    ChildProcess task({CISTERNA_CLI, "predict", "--model", scene.model, "--image", scene.image,
                       "--out", shared, "--tile", "36", "--tasks", "1", "--task", "0", "--progress",
                       "json"});
    while (task.pump(1000, [&](const std::string& line) {
        const auto e = decodeWorkerEvent(line);
        if (e && e->message == "tile 40 of 125")
            task.signal(SIGKILL);
    })) {
    }
    const ChildExit killed = task.wait();
    REQUIRE(killed.signalled);
    const auto marked = std::distance(
        std::filesystem::directory_iterator(std::filesystem::path(shared) / ".cisterna-done"),
        std::filesystem::directory_iterator());
    CHECK(marked >= 39);
    CHECK(marked < 125);

    const test::CliResult rerun = scene.predictInto(shared, " --tasks 1 --task 0");
    INFO(rerun.out << rerun.err);
    REQUIRE(rerun.exitCode == 0);
    CHECK(contains(rerun.out, "were done before"));
    CHECK(contains(rerun.out, "125 of 125 tiles of the volume are done"));
    CHECK(scene.matches(shared));
    // Tasks need a Zarr output and know which task they are.
    CHECK(runCli("predict --model " + scene.model + " --image " + scene.image + " --out " +
                 dir.file("x.h5") + " --tasks 2 --task 0")
              .exitCode == 1);
    ::unsetenv("SLURM_ARRAY_TASK_ID");
    const test::CliResult noTask = runCli("predict --model " + scene.model + " --image " +
                                          scene.image + " --out " + shared + " --tasks 2");
    CHECK(noTask.exitCode == 1);
    CHECK(contains(noTask.err, "--task"));
}

TEST_CASE("predict --region predicts only the tiles that reach the box, as the whole would",
          "[learning][cli]") {
    test::Scratch dir("cli-predict-region");
    const ClusterScene scene(dir);
    const std::string part = dir.file("part.zarr");
    // Tiles output 20 voxels: the box 30:50 on every axis meets 2 x 2 x 2 of them.
    const test::CliResult r = scene.predictInto(part, " --region 30:50,30:50,30:50");
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(contains(r.out, ", 8 tiles of input"));
    CHECK(contains(r.out, "predicted 64000 voxels"));
    const Volume whole = readVolume(scene.single), got = readVolume(part);
    REQUIRE(got.shape() == whole.shape());
    const auto w = whole.view<std::uint8_t>();
    const auto g = got.view<std::uint8_t>();
    std::int64_t same = 0, zeroOutside = 0, inside = 0;
    for (std::int64_t z = 0; z < 96; ++z)
        for (std::int64_t y = 0; y < 96; ++y)
            for (std::int64_t x = 0; x < 96; ++x) {
                const bool in = z >= 20 && z < 60 && y >= 20 && y < 60 && x >= 20 && x < 60;
                inside += in;
                same += in && g(z, y, x) == w(z, y, x);
                zeroOutside += !in && g(z, y, x) == 0;
            }
    CHECK(same == inside);
    CHECK(zeroOutside == 96 * 96 * 96 - inside);
    const test::CliResult withTasks =
        scene.predictInto(part, " --region 30:50,30:50,30:50 --tasks 2 --task 0");
    CHECK(withTasks.exitCode == 1);
    CHECK(contains(withTasks.err, "--region and --tasks"));
}

// Needs a Slurm cluster (SLURM_CONF): ctest starts a one-node one for it
// (tests/cluster/local-slurm.sh) and runs it as "cluster: ...".
TEST_CASE("a Slurm array of 4 tasks predicts what one process does", "[.slurm]") {
    test::Scratch dir("cli-slurm");
    const ClusterScene scene(dir);
    const std::string shared = dir.file("slurm.zarr");
    const test::CliResult r = scene.predictInto(shared, " --tasks 4 --slurm --wait");
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(contains(r.out, "submitted job"));
    const std::string script = readWholeFile(shared + ".sbatch");
    CHECK(contains(script, "#SBATCH --array=0-3"));
    CHECK(contains(script, "\"$SLURM_ARRAY_TASK_ID\""));
    // Every task ran and said so in its log.
    int logs = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.file("")))
        if (contains(entry.path().filename().string(), "slurm.zarr.slurm-")) {
            ++logs;
            CHECK(contains(readWholeFile(entry.path()), "task "));
        }
    CHECK(logs == 4);
    CHECK(scene.matches(shared));
    // Submitted again, every task finds its tiles done.
    const test::CliResult again = scene.predictInto(shared, " --tasks 4 --slurm --wait");
    REQUIRE(again.exitCode == 0);
    CHECK(scene.matches(shared));
}

TEST_CASE("a class name becomes a file name part, never a folder", "[learning][cli]") {
    test::Scratch dir("cli-class-name");
    ModelMetadata meta = test::tinyMetadata(test::tinyNetwork(), {36, 36, 36});
    meta.organelle = "ER/SR";
    meta.classNames = {"ER/SR"};
    const std::string model = dir.file("er.cmodel"), image = dir.file("img.nrrd");
    Model::create(meta, 2).save(model);
    REQUIRE(runCli("phantom --out " + image + " --size 40 --seed 2").exitCode == 0);
    const test::CliResult r = runCli("predict --model " + model + " --image " + image + " --out " +
                                     dir.file("prob_{class}.nrrd"));
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(std::filesystem::exists(dir.file("prob_ER_SR.nrrd")));
}
