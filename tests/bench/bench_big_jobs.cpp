// bench_big_jobs [--file big.ome.zarr] [--budget 4G] [--part 1024] [--predict 256]
//                [--iterations 50] [--organelles 3] [--dir D]
// The work on a volume larger than memory as the app does it (AppModel, no window),
// under a memory budget: open a part of bench_big_volume's 16 GiB OME-Zarr, paint
// strokes of three organelles on three planes of its phantom tile, cut each (the cut
// covers the strokes' box), train a small network on the mitochondria's box, predict
// a box, save the project and open it again. Prints times, F1 against the phantom's
// truth, the project's size and the peak memory of the app and of its worker.
// Figures only. Run bench_big_volume first: it writes the file.
#include "ui/model/AppModel.h"
#include "ui/model/LabelEdits.h"

#include "core/graphcut/StrokeSimulator.h"
#include "core/graphcut/Strokes.h"
#include "core/io/VolumeIO.h"
#include "core/metrics/Metrics.h"
#include "core/phantom/Phantom.h"
#include "core/util/PeakMemory.h"
#include "core/util/Stopwatch.h"
#include "core/volume/MemoryBudget.h"
#include "core/volume/ZeroPages.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSignalSpy>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using namespace cisterna;
using namespace cisterna::ui;
namespace fs = std::filesystem;

namespace {

struct Options {
    std::string file = (fs::temp_directory_path() / "cisterna-big" / "big.ome.zarr").string();
    std::string dir = (fs::temp_directory_path() / "cisterna-big-jobs").string();
    std::uint64_t budget = std::uint64_t(4) << 30;
    std::int64_t part = 1024;
    std::int64_t predict = 256;
    std::int64_t iterations = 50;
    int organelles = 3; // the first N of mito, golgi, er are painted and cut
};

double gib(std::uint64_t bytes) {
    return double(bytes) / double(std::uint64_t(1) << 30);
}

// The largest high-water mark (VmHWM) of this process's children seen so far: the
// worker's peak memory. getrusage(RUSAGE_CHILDREN) would not do: a child forked from
// the app starts its count from the app's resident set.
std::uint64_t workerPeak = 0;

void sampleWorkers() {
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::ifstream status(entry.path() / "status");
        std::string key, program;
        long long parent = -1, hwmKib = 0;
        for (std::string line; std::getline(status, line);) {
            std::istringstream in(line);
            in >> key;
            if (key == "Name:")
                in >> program;
            else if (key == "PPid:")
                in >> parent;
            else if (key == "VmHWM:")
                in >> hwmKib;
        }
        // Only once it runs the worker: between fork and exec it is the app's copy.
        if (parent == ::getpid() && program == "cisterna-cli")
            workerPeak = std::max(workerPeak, std::uint64_t(hwmKib) * 1024);
    }
}

bool waitUntil(const std::function<bool()>& condition) {
    QElapsedTimer sampled;
    sampled.start();
    while (!condition()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        if (sampled.elapsed() > 200) {
            sampleWorkers();
            sampled.restart();
        }
    }
    return true;
}

bool waitForOpen(AppModel& app, const std::function<void()>& open) {
    QSignalSpy finished(&app, &AppModel::loadFinished);
    open();
    waitUntil([&] { return finished.count() > 0; });
    return finished.first().first().toBool();
}

// Runs a job to its end; false (and says why) when it did not succeed.
bool finished(Job* job, const char* what) {
    waitUntil([job] { return !job->isRunning(); });
    if (job->state() == Job::State::Succeeded)
        return true;
    std::printf("%s: %s (%s)\n", what, jobStateName(job->state()),
                job->error().toStdString().c_str());
    return false;
}

// F1 of `labels` against `truth` inside `box` (both hold it).
double f1Inside(const Volume& labels, const Volume& truth, const Box3& box) {
    EvaluationOptions eo;
    eo.countObjects = false;
    return evaluateSegmentation(labels.crop(box).contiguous(), truth.crop(box).contiguous(), eo)
        .voxels.f1();
}

int run(const Options& opt) {
    if (!fs::exists(opt.file)) {
        std::printf("%s is missing: run bench_big_volume first (it writes it)\n", opt.file.c_str());
        return 2;
    }
    fs::remove_all(opt.dir);
    fs::create_directories(opt.dir);
    // The budget the way a user sets it: the process (and the worker it starts) may use
    // this much in all (MemoryBudget.h).
    ::setenv("CISTERNA_MEMORY_LIMIT", std::to_string(opt.budget).c_str(), 1);
    std::printf("memory budget %.2f GiB\n", gib(opt.budget));

    // The phantom tile the file repeats, for strokes and for scoring, made by a child
    // process: making it takes gigabytes that the app's figures must not include.
    // Kept beside the big file for later runs.
    const std::string labelsPath = (fs::path(opt.file).parent_path() / "tile-labels.h5").string();
    const pid_t child = fs::exists(labelsPath) ? 1 : ::fork();
    if (child == 0) {
        PhantomParams params;
        params.shape = {512, 512, 512};
        params.voxelSize = {8, 8, 8};
        writeVolume(labelsPath, generatePhantom(params).labels);
        std::_Exit(0);
    }
    int status = 0;
    if (child != 1 && (child < 0 || ::waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
                       WEXITSTATUS(status) != 0)) {
        std::printf("making the phantom tile failed\n");
        return 1;
    }
    const Volume tileLabels = readVolume(labelsPath);
    const Box3 tile{{0, 0, 0}, tileLabels.shape()};

    AppModel app(QString::fromStdString((fs::path(opt.dir) / "autosave").string()));
    Stopwatch watch;
    const Box3 part{{0, 0, 0}, {opt.part, opt.part, opt.part}};
    if (!waitForOpen(app, [&] { app.openFilePart(QString::fromStdString(opt.file), part); })) {
        std::printf("opening the part failed\n");
        return 1;
    }
    DocumentModel& doc = app.document();
    std::printf("opened the part %s in %.1f s; peak RSS %.2f GiB\n", toString(part).c_str(),
                watch.seconds(), gib(peakResidentBytes()));

    // Strokes of three organelles on three planes of the tile, as a person paints them.
    struct Target {
        const char* name;
        PhantomOrganelle label;
    };
    const Target targets[] = {{"mito", PhantomOrganelle::Mitochondrion},
                              {"golgi", PhantomOrganelle::Golgi},
                              {"er", PhantomOrganelle::ER}};
    watch.restart();
    for (int i = 0; i < opt.organelles; ++i) {
        const int index = i == 0 ? 0 : doc.addOrganelle(targets[i].name);
        doc.setOrganelleName(index, targets[i].name);
        StrokeSimulation simulation;
        simulation.planes = evenlySpacedPlanes(tile.size, 0, 3);
        const StrokeList list =
            simulateStrokes(organelleMask(tileLabels, targets[i].label), simulation);
        const Volume inTile = rasterizeStrokes(list);
        Volume strokes =
            Volume::allocate(DataType::UInt8, doc.shape(), VolumeRole::Label, "strokes");
        // Only the stroked rows are written: the rest of the layer stays unallocated.
        for (std::int64_t z = 0; z < tile.size.z; ++z)
            for (std::int64_t y = 0; y < tile.size.y; ++y) {
                const auto* from = static_cast<const std::uint8_t*>(inTile.data()) +
                                   (z * tile.size.y + y) * tile.size.x;
                if (!allZeroBytes(from, std::size_t(tile.size.x)))
                    std::memcpy(static_cast<std::uint8_t*>(strokes.data()) +
                                    (z * doc.shape().y + y) * doc.shape().x,
                                from, std::size_t(tile.size.x));
            }
        doc.undoHistory()->push(new ReplaceLayerCommand(&doc, doc.organelle(index).uid,
                                                        Layer::Strokes, strokes, "strokes"));
    }
    std::printf("painted strokes of %d organelles on 3 planes in %.1f s; peak RSS %.2f GiB\n",
                opt.organelles, watch.seconds(), gib(peakResidentBytes()));

    // A graph cut of each organelle's strokes' box, scored where it meets the tile
    // (the part's corner; the phantom's truth is known there).
    for (int i = 0; i < opt.organelles; ++i) {
        const std::optional<Box3> box = app.trainingRegion(i);
        watch.restart();
        Job* job = app.startGraphCut(i);
        if (!finished(job, targets[i].name))
            return 1;
        const Box3 scored = box ? intersect(*box, tile) : tile;
        std::printf("cut %-5s region %s: %.1f s, F1 %.3f\n  %s\n", targets[i].name,
                    box ? toString(*box).c_str() : "whole part", watch.seconds(),
                    f1Inside(doc.layer(i, Layer::Truth),
                             organelleMask(tileLabels, targets[i].label), scored),
                    job->message().toStdString().c_str());
    }
    std::printf("after the cuts: peak RSS %.2f GiB\n", gib(peakResidentBytes()));

    // Training on the mitochondria's box, in the worker.
    TrainSettings train;
    train.iterations = opt.iterations;
    train.baseFeatures = 8;
    train.levels = 2;
    train.patchSize = 64;
    train.validate = false;
    watch.restart();
    if (!finished(app.startTraining(train, 0), "training"))
        return 1;
    std::printf("trained %lld iterations on %s in %.1f s; worker peak RSS %.2f GiB\n",
                static_cast<long long>(opt.iterations),
                toString(app.trainingRegion(0).value_or(part)).c_str(), watch.seconds(),
                gib(workerPeak));

    PredictSettings predict;
    const std::int64_t p = std::min(opt.predict, opt.part);
    predict.region = Box3{{0, 0, 0}, {p, p, p}};
    watch.restart();
    if (!finished(app.startPrediction(predict, 0), "prediction"))
        return 1;
    const double predictSeconds = watch.seconds();
    std::printf("predicted %s in %.1f s (%.2f Mvoxel/s); worker peak RSS %.2f GiB\n",
                toString(*predict.region).c_str(), predictSeconds,
                double(p * p * p) / predictSeconds / 1e6, gib(workerPeak));

    const QString project = QString::fromStdString((fs::path(opt.dir) / "big.cisterna").string());
    watch.restart();
    app.saveProject(project);
    std::printf("saved the project in %.1f s: %.1f MiB on disk\n", watch.seconds(),
                double(fs::file_size(project.toStdString())) / (1 << 20));
    app.shutdown();

    AppModel again(QString::fromStdString((fs::path(opt.dir) / "autosave2").string()));
    watch.restart();
    if (!waitForOpen(again, [&] { again.openProject(project); })) {
        std::printf("opening the project failed\n");
        return 1;
    }
    std::uint64_t layerBytes = 0;
    for (int i = 0; i < again.document().organelleCount(); ++i)
        for (int l = 0; l < kLayerCount; ++l)
            if (!again.document().layer(i, Layer(l)).isNull())
                layerBytes += residentBytes(again.document().layer(i, Layer(l)));
    std::printf("opened it again in %.1f s: %d organelles, layers resident %.1f MiB\n",
                watch.seconds(), again.document().organelleCount(), double(layerBytes) / (1 << 20));
    std::printf("peak RSS of the app %.2f GiB, of the worker %.2f GiB (budget %.2f GiB)\n",
                gib(peakResidentBytes()), gib(workerPeak), gib(opt.budget));
    again.shutdown();
    fs::remove_all(opt.dir);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // figures appear as they are measured
    QCoreApplication application(argc, argv);
    Options opt;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "bench_big_jobs: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--file")
            opt.file = next();
        else if (a == "--dir")
            opt.dir = next();
        else if (a == "--budget")
            opt.budget = parseByteSize(next()).value_or(opt.budget);
        else if (a == "--part")
            opt.part = std::max<std::int64_t>(512, std::stoll(next()));
        else if (a == "--predict")
            opt.predict = std::max<std::int64_t>(16, std::stoll(next()));
        else if (a == "--organelles")
            opt.organelles = std::clamp(std::atoi(next().c_str()), 1, 3);
        else if (a == "--iterations")
            opt.iterations = std::max<std::int64_t>(1, std::stoll(next()));
        else {
            std::printf("usage: bench_big_jobs [--file big.ome.zarr] [--budget 4G] [--part 1024] "
                        "[--predict 256] [--iterations 50] [--organelles 3] [--dir D]\n");
            return a == "--help" ? 0 : 2;
        }
    }
    try {
        return run(opt);
    } catch (const std::exception& e) {
        std::printf("bench_big_jobs: %s\n", e.what());
        return 1;
    }
}
