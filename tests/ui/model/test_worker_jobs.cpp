// Training and prediction run in the worker process (ui/model/WorkerRun.h): the job
// sees the worker's progress, its Cancel reaches the worker, and a worker that dies
// or is missing fails the job with a sentence while the document stays as it was.
#include "ModelTestSupport.h"

#include "TestPaths.h"

#include "core/io/VolumeIO.h"
#include "core/util/Error.h"
#include "core/volume/VolumeOps.h"

#include <QElapsedTimer>
#include <catch2/catch.hpp>

#include <csignal>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace cisterna;
using namespace cisterna::ui;

namespace {

TrainSettings longTinyTraining(const std::string& modelPath) {
    TrainSettings train;
    train.iterations = 100000; // far more than any test waits for
    train.baseFeatures = 4;
    train.levels = 1;
    train.patchSize = 20;
    train.validate = false;
    train.modelPath = QString::fromStdString(modelPath);
    return train;
}

// The children of this process whose program is `name` (from /proc).
std::vector<pid_t> childrenNamed(const std::string& name) {
    std::vector<pid_t> found;
    DIR* proc = ::opendir("/proc");
    if (!proc)
        return found;
    while (const dirent* entry = ::readdir(proc)) {
        const pid_t pid = pid_t(std::atoi(entry->d_name));
        if (pid <= 0)
            continue;
        std::ifstream stat("/proc/" + std::string(entry->d_name) + "/stat");
        std::string pidText, comm, state;
        pid_t parent = 0;
        if (stat >> pidText >> comm >> state >> parent && parent == ::getpid() &&
            comm == "(" + name + ")")
            found.push_back(pid);
    }
    ::closedir(proc);
    return found;
}

// Points CISTERNA_WORKER at `program` for as long as it lives.
class WorkerOverride {
public:
    explicit WorkerOverride(const std::string& program) {
        qputenv("CISTERNA_WORKER", QByteArray::fromStdString(program));
    }
    ~WorkerOverride() { qunsetenv("CISTERNA_WORKER"); }
};

std::string writeScript(const test::ScratchDir& dir, const std::string& name,
                        const std::string& body) {
    const std::string path = dir.file(name);
    std::ofstream(path) << "#!/bin/sh\n" << body;
    ::chmod(path.c_str(), 0755);
    return path;
}

} // namespace

TEST_CASE("training runs in the worker: its loss arrives and Cancel stops it with a "
          "checkpoint",
          "[ui][jobs][learning][worker]") {
    if (!learningAvailable()) {
        WARN("built without LibTorch: no worker to run");
        return;
    }
    test::ScratchDir dir("ui-worker-cancel");
    AppModel app(QString::fromStdString(dir.file("autosave")));
    REQUIRE(test::openStrokedDemo(app, 32, 5));
    REQUIRE(test::waitForEnd(app.startGraphCut(0)) == Job::State::Succeeded);
    const std::string model = dir.file("mito.cmodel");
    Job* job = app.startTraining(longTinyTraining(model), 0);
    REQUIRE(test::waitUntil([&] { return job->lossSeries().size() >= 3 || !job->isRunning(); }));
    INFO(job->error().toStdString());
    REQUIRE(job->isRunning());
    // It is a child process, not a thread of ours.
    REQUIRE(childrenNamed("cisterna-cli").size() == 1);
    QElapsedTimer clock;
    clock.start();
    job->cancel();
    REQUIRE(test::waitForEnd(job) == Job::State::Cancelled);
    INFO("stopped " << clock.elapsed() << " ms after Cancel");
    // Stopped by the cancel command, not killed: the worker wrote its checkpoint.
    CHECK(std::filesystem::exists(model + ".checkpoint"));
    CHECK(job->message().contains("checkpoint " + QString::fromStdString(model) + ".checkpoint"));
    CHECK_FALSE(std::filesystem::exists(model));
    CHECK(app.document().organelle(0).modelPaths.isEmpty());
    CHECK(test::waitUntil([] { return childrenNamed("cisterna-cli").empty(); }, 5000));
}

TEST_CASE("a worker killed mid-training fails the job with a sentence and loses nothing",
          "[ui][jobs][learning][worker]") {
    if (!learningAvailable()) {
        WARN("built without LibTorch: no worker to run");
        return;
    }
    test::ScratchDir dir("ui-worker-kill");
    AppModel app(QString::fromStdString(dir.file("autosave")));
    REQUIRE(test::openStrokedDemo(app, 32, 5));
    DocumentModel& doc = app.document();
    REQUIRE(test::waitForEnd(app.startGraphCut(0)) == Job::State::Succeeded);
    const Volume truth = doc.layer(0, Layer::Truth);
    const Volume strokes = doc.layer(0, Layer::Strokes);
    const int undoSteps = doc.undoHistory()->count();

    SECTION("the real worker, killed with SIGKILL as the kernel's OOM killer would") {
        Job* job = app.startTraining(longTinyTraining(dir.file("mito.cmodel")), 0);
        REQUIRE(
            test::waitUntil([&] { return job->lossSeries().size() >= 2 || !job->isRunning(); }));
        const std::vector<pid_t> workers = childrenNamed("cisterna-cli");
        REQUIRE(workers.size() == 1);
        ::kill(workers.front(), SIGKILL);
        REQUIRE(test::waitForEnd(job) == Job::State::Failed);
        CHECK(job->error().contains("killed by signal 9"));
        CHECK(job->error().contains("out of memory"));
        CHECK_FALSE(std::filesystem::exists(dir.file("mito.cmodel")));
    }
    SECTION("a worker that crashes says its last words") {
        const WorkerOverride fake(
            writeScript(dir, "crashing-worker",
                        "echo '{\"event\":\"training\",\"iteration\":1,\"total\":9,\"loss\":0.5}'\n"
                        "echo 'CUDA out of memory. Tried to allocate 2.00 GiB' >&2\n"
                        "kill -SEGV $$\n"));
        Job* job = app.startTraining(longTinyTraining(dir.file("mito.cmodel")), 0);
        REQUIRE(test::waitForEnd(job) == Job::State::Failed);
        INFO(job->error().toStdString());
        CHECK(job->error().contains("stopped unexpectedly"));
        CHECK(job->error().contains("signal 11"));
        CHECK(job->error().contains("Tried to allocate 2.00 GiB"));
        CHECK(job->lossSeries().size() == 1); // what it reported before is kept
    }
    SECTION("a worker's own error is the job's error") {
        const WorkerOverride fake(
            writeScript(dir, "refusing-worker",
                        "echo 'some library noise' >&2\n"
                        "echo '{\"event\":\"error\",\"message\":\"the labels are empty\"}'\n"
                        "exit 1\n"));
        Job* job = app.startPrediction({QString::fromStdString(dir.file("any.cmodel")), {}}, 0);
        REQUIRE(test::waitForEnd(job) == Job::State::Failed);
        CHECK(job->error() == "the labels are empty");
    }
    SECTION("a missing worker is named") {
        const WorkerOverride missing(dir.file("no-such-worker"));
        Job* job = app.startTraining(longTinyTraining(dir.file("mito.cmodel")), 0);
        REQUIRE(test::waitForEnd(job) == Job::State::Failed);
        CHECK(job->error().contains("no-such-worker"));
        CHECK(job->error().contains("CISTERNA_WORKER"));
    }
    // Nothing the user made is lost or changed.
    CHECK(doc.layer(0, Layer::Truth).data() == truth.data());
    CHECK(doc.layer(0, Layer::Strokes).data() == strokes.data());
    CHECK(doc.layer(0, Layer::Prediction).isNull());
    CHECK(doc.organelle(0).modelPaths.isEmpty());
    CHECK(doc.undoHistory()->count() == undoSteps);
}

TEST_CASE("training learns from the graph cut's region only", "[ui][jobs][learning][worker]") {
    if (!learningAvailable()) {
        WARN("built without LibTorch: no worker to run");
        return;
    }
    test::ScratchDir dir("ui-worker-region");
    AppModel app(QString::fromStdString(dir.file("autosave")));
    REQUIRE(test::openStrokedDemo(app, 32, 5));
    DocumentModel& doc = app.document();
    // A cut of the strokes' box: the truth outside it is not known.
    app.graphCutSettings().region = CutRegionMode::Strokes;
    app.graphCutSettings().regionMargin = 2;
    REQUIRE(test::waitForEnd(app.startGraphCut(0)) == Job::State::Succeeded);
    const std::optional<Box3> region = app.trainingRegion(0);
    REQUIRE(region);
    REQUIRE(region->size.voxelCount() < doc.shape().voxelCount());

    // A worker that keeps the volumes it was handed and stops.
    const WorkerOverride fake(writeScript(dir, "keeping-worker",
                                          "while [ $# -gt 0 ]; do\n"
                                          "  case \"$1\" in\n"
                                          "    --image) cp \"$2\" '" +
                                              dir.file("seen-image.nrrd") +
                                              "';;\n"
                                              "    --labels) cp \"$2\" '" +
                                              dir.file("seen-labels.nrrd") +
                                              "';;\n"
                                              "  esac\n"
                                              "  shift\n"
                                              "done\n"
                                              "echo '{\"event\":\"error\",\"message\":\"kept\"}'\n"
                                              "exit 1\n"));
    Job* job = app.startTraining(longTinyTraining(dir.file("mito.cmodel")), 0);
    REQUIRE(test::waitForEnd(job) == Job::State::Failed);
    CHECK(job->error() == "kept");
    const Volume image = readVolume(dir.file("seen-image.nrrd"));
    const Volume labels = readVolume(dir.file("seen-labels.nrrd"));
    CHECK(sameVoxels(image, doc.image().crop(*region)));
    CHECK(sameVoxels(labels, doc.layer(0, Layer::Truth).crop(*region)));

    // A region set by hand wins; one outside the volume is refused before any work.
    TrainSettings settings = longTinyTraining(dir.file("mito.cmodel"));
    settings.region = Box3{{0, 0, 0}, {4, 8, 8}};
    REQUIRE(test::waitForEnd(app.startTraining(settings, 0)) == Job::State::Failed);
    CHECK(readVolume(dir.file("seen-image.nrrd")).shape() == Shape3{4, 8, 8});
    settings.region = Box3{{0, 0, 0}, {4, 8, 800}};
    CHECK_THROWS_AS(app.startTraining(settings, 0), InvalidArgument);
}
