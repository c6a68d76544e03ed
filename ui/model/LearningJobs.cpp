#include "ui/model/LearningJobs.h"

#include "ui/model/LabelEdits.h"

#include "core/util/Error.h"

#if CISTERNA_HAVE_TORCH
#include "ui/model/WorkerRun.h"

#include "core/io/VolumeIO.h"
#include "core/learning/TrainingSetup.h"
#include "core/learning/UNetConfig.h"
#include "core/volume/ZeroPages.h"
#endif

#include <QDir>
#include <QFileInfo>
#include <QPointer>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

namespace cisterna::ui {

#if CISTERNA_HAVE_TORCH

bool learningAvailable() {
    return true;
}

namespace {

UNetConfig networkFor(const TrainSettings& s, const Vec3d& voxelSize, const Shape3& shape) {
    UNetConfig c;
    c.baseFeatures = s.baseFeatures;
    return networkForVolume(c, s.levels, voxelSize, shape);
}

} // namespace

std::optional<Box3> validationSlab(const TrainSettings& settings, const Volume& labels,
                                   const Vec3d& voxelSize) {
    return validationSlabWithMostLabels(networkFor(settings, voxelSize, labels.shape()), labels);
}

QString describeTrainingPatch(const TrainSettings& settings, const DocumentModel& document) {
    if (settings.patchSize <= 0)
        return "automatic: the largest patch that fits (slow on a CPU)";
    try {
        const UNetConfig network = networkFor(settings, document.voxelSize(), document.shape());
        const UNetGeometry g = unetGeometry(
            network, trainingPatchShape(network, settings.patchSize, document.shape()));
        return QString::fromStdString("input " + toString(g.input) + " -> output " +
                                      toString(g.output));
    } catch (const Error& e) {
        return QString::fromUtf8(e.what());
    }
}

namespace {

// A private folder for the files a job hands to the worker and gets back. The worker
// starts only once its inputs are complete, and nobody else knows the folder, so
// these writes need no rename dance; the folder goes with the job. It lives in the
// user's cache folder, not /tmp, which may be a RAM disk that a copy of the volume
// would fill.
QString workerFilesRoot() {
    const QString cache = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    if (!cache.isEmpty() && QDir().mkpath(cache + "/jobs"))
        return cache + "/jobs";
    return QDir::tempPath();
}

class WorkerFolder {
public:
    WorkerFolder() : root_(workerFilesRoot()), dir_(root_ + "/cisterna-job-XXXXXX") {
        if (!dir_.isValid())
            throw Error("cannot create a folder for the worker's files in " + root_.toStdString() +
                        ": " + dir_.errorString().toStdString());
    }
    std::string file(const char* name) const { return dir_.filePath(name).toStdString(); }

private:
    QString root_;
    QTemporaryDir dir_;
};

std::string decimal(double value) {
    std::ostringstream s;
    s.precision(17);
    s << value;
    return s.str();
}

std::string shapeText(const Shape3& s) {
    return std::to_string(s.z) + "," + std::to_string(s.y) + "," + std::to_string(s.x);
}

} // namespace

Job* startTraining(JobManager& jobs, DocumentModel& document, int organelle,
                   const TrainSettings& settings) {
    const Organelle& o = document.organelle(organelle);
    if (o.layer(Layer::Truth).isNull())
        throw InvalidArgument("Run a graph cut (or paint labels) for " + o.name.toStdString() +
                              " before training: training learns from its labels.");
    if (settings.modelPath.isEmpty())
        throw InvalidArgument("no file name for the trained model");
    const int uid = o.uid;
    const Box3 box = settings.region.value_or(Box3{{0, 0, 0}, document.shape()});
    if (!box.fitsIn(document.shape()) || box.size.isEmpty())
        throw InvalidArgument("the training region " + toString(box) +
                              " is not inside the volume " + toString(document.shape()));
    const bool whole = box.size == document.shape();
    // Snapshots (JobManager.h); a crop is a view of the same voxels, copied when written.
    const Volume image = whole ? document.image() : document.image().crop(box);
    const Volume labels = whole ? o.layer(Layer::Truth) : o.layer(Layer::Truth).crop(box);
    // The worker's command line, built here from what the user chose; it applies the
    // app's own rules (network for the voxel size, validation slab) as the CLI does.
    const bool tune = !settings.baseModel.isEmpty();
    std::vector<std::string> args{tune ? "finetune" : "train"};
    if (tune) {
        args.insert(args.end(), {"--model", settings.baseModel.toStdString()});
        if (settings.freezeEncoder)
            args.push_back("--freeze-encoder");
    } else {
        args.insert(args.end(), {"--organelle", o.name.toStdString(), "--features",
                                 std::to_string(settings.baseFeatures), "--levels",
                                 std::to_string(settings.levels)});
    }
    if (settings.patchSize > 0) {
        const UNetConfig network = networkFor(settings, document.voxelSize(), image.shape());
        args.insert(args.end(),
                    {"--input-size",
                     shapeText(trainingPatchShape(network, settings.patchSize, image.shape()))});
    }
    args.insert(args.end(),
                {"--iterations", std::to_string(settings.iterations), "--lr",
                 decimal(settings.learningRate), "--seed", std::to_string(settings.seed), "--out",
                 settings.modelPath.toStdString()});
    if (settings.validate)
        args.insert(args.end(),
                    {"--validation-region", "auto", "--validate-every",
                     std::to_string(std::max<std::int64_t>(1, settings.iterations / 10))});
    QPointer<DocumentModel> doc(&document);
    const QString modelPath = settings.modelPath;
    const QString title = (tune ? "Fine-tune: " : "Train: ") + o.name;
    return jobs.start(title, JobKind::Train, [=](JobContext& context) -> JobFinish {
        context.report(0, whole ? std::string("handing the image and labels to the worker")
                                : "handing the labels of " + toString(box) + " to the worker");
        const WorkerFolder folder;
        std::vector<std::string> command = args;
        command.insert(command.end(), {"--image", folder.file("image.nrrd"), "--labels",
                                       folder.file("labels.nrrd")});
        writeVolume(folder.file("image.nrrd"), image);
        writeVolume(folder.file("labels.nrrd"), labels);
        context.report(0, tune ? "loading the base model" : "preparing the training data");
        const WorkerOutcome outcome = runWorker(context, command);
        context.setProgress(1, outcome.message +
                                   (outcome.warnings.empty() ? "" : ". " + outcome.warnings));
        return [doc, uid, modelPath] {
            const int index = doc ? doc->indexOfUid(uid) : -1;
            if (index < 0)
                return;
            QStringList models = doc->organelle(index).modelPaths;
            models.removeAll(modelPath);
            models.push_back(modelPath);
            doc->setOrganelleModels(index, models);
        };
    });
}

Job* startPrediction(JobManager& jobs, DocumentModel& document, int organelle,
                     const PredictSettings& settings) {
    const Organelle& o = document.organelle(organelle);
    if (settings.modelPath.isEmpty())
        throw InvalidArgument("Train a model for " + o.name.toStdString() +
                              " (or choose a model file) before predicting.");
    const Shape3 shape = document.shape();
    const Box3 region = settings.region.value_or(Box3{{0, 0, 0}, shape});
    if (!region.fitsIn(shape) || region.size.isEmpty())
        throw InvalidArgument("the region " + toString(region) + " is not inside the volume " +
                              toString(shape));
    const int uid = o.uid;
    Volume image = document.image();
    Volume previous = o.layer(Layer::Prediction);
    QPointer<DocumentModel> doc(&document);
    const QString modelPath = settings.modelPath;
    const bool whole = region.size == shape;
    return jobs.start(
        "Predict: " + o.name, JobKind::Predict, [=](JobContext& context) -> JobFinish {
            context.report(0, "handing the image to the worker");
            const WorkerFolder folder;
            writeVolume(folder.file("image.nrrd"), whole ? image : image.crop(region));
            // {class}: the worker names one output per class; the organelle's map is
            // the first.
            const WorkerOutcome outcome =
                runWorker(context, {"predict", "--model", modelPath.toStdString(), "--image",
                                    folder.file("image.nrrd"), "--out",
                                    folder.file("prediction_{class}.nrrd"), "--format", "uint8"});
            if (outcome.outputs.empty())
                throw InvalidArgument("the model predicted no class");
            context.setProgress(0.99, "reading the prediction");
            const Volume map = readVolume(outcome.outputs.front());
            if (map.shape() != region.size || map.dataType() != DataType::UInt8)
                throw FormatError(outcome.outputs.front(),
                                  "the worker's prediction is " + toString(map.shape()) +
                                      ", not the " + toString(region.size) + " asked for");
            Volume full;
            if (whole) {
                full = map.contiguous();
            } else {
                // Outside the region the previous prediction stays as it was.
                full = previous.isNull() ? Volume::allocate(DataType::UInt8, shape,
                                                            VolumeRole::Image, "prediction")
                                         : previous.clone();
                auto dst = full.view<std::uint8_t>();
                auto src = map.view<std::uint8_t>();
                for (std::int64_t z = 0; z < region.size.z; ++z)
                    for (std::int64_t y = 0; y < region.size.y; ++y) {
                        const std::uint8_t* from = src.row(z, y);
                        std::uint8_t* to =
                            dst.row(z + region.begin.z, y + region.begin.y) + region.begin.x;
                        std::copy(from, from + region.size.x, to);
                    }
            }
            releaseZeroPages(full); // where P rounds to 0, no memory (ZeroPages.h)
            context.setProgress(1, outcome.message +
                                       (outcome.warnings.empty() ? "" : ". " + outcome.warnings));
            return [doc, uid, full, modelPath] {
                const int index = doc ? doc->indexOfUid(uid) : -1;
                if (index < 0)
                    return;
                doc->undoHistory()->push(
                    new ReplaceLayerCommand(doc, uid, Layer::Prediction, full,
                                            "Prediction of " + doc->organelle(index).name));
                doc->setPredictionSource(index, modelPath);
            };
        });
}

Job* startPostProcess(JobManager& jobs, DocumentModel& document,
                      const PostProcessSettings& settings) {
    std::vector<int> chosen = settings.organelles;
    if (chosen.empty())
        for (int i = 0; i < document.organelleCount(); ++i)
            chosen.push_back(i);
    std::vector<int> uids;
    std::vector<Volume> maps;
    std::vector<std::string> thresholds;
    for (int i : chosen) {
        const Organelle& o = document.organelle(i);
        if (o.layer(Layer::Prediction).isNull())
            continue;
        maps.push_back(o.layer(Layer::Prediction));
        thresholds.push_back(decimal(settings.threshold.value_or(o.threshold)));
        uids.push_back(o.uid);
    }
    if (maps.empty())
        throw InvalidArgument("No organelle has a prediction yet: predict before post-processing.");
    // One mask per map, named by its index: the organelles' own names may hold
    // anything a file name cannot.
    std::vector<std::string> args{"postprocess", "--rule",
                                  settings.onePerVoxel ? "highest" : "independent", "--min-size",
                                  std::to_string(settings.minComponentVoxels)};
    std::string names, joined;
    for (std::size_t k = 0; k < maps.size(); ++k) {
        names += (k ? "," : "") + std::to_string(k + 1);
        joined += (k ? "," : "") + thresholds[k];
    }
    args.insert(args.end(), {"--names", names, "--threshold", joined});
    QPointer<DocumentModel> doc(&document);
    return jobs.start("Post-process", JobKind::PostProcess, [=](JobContext& context) -> JobFinish {
        context.report(0, "handing the predictions to the worker");
        const WorkerFolder folder;
        std::vector<std::string> command = args;
        command.push_back("--prob");
        for (std::size_t k = 0; k < maps.size(); ++k) {
            const std::string path =
                folder.file(("prob_" + std::to_string(k + 1) + ".nrrd").c_str());
            writeVolume(path, maps[k]);
            command.push_back(path);
        }
        command.insert(command.end(), {"--out", folder.file("segmentation_{name}.nrrd")});
        const WorkerOutcome outcome = runWorker(context, command);
        if (outcome.outputs.size() != maps.size())
            throw Error("the worker wrote " + std::to_string(outcome.outputs.size()) +
                        " masks for " + std::to_string(maps.size()) + " organelles");
        std::vector<Volume> results;
        for (const std::string& path : outcome.outputs) {
            Volume mask = readVolume(path);
            if (mask.shape() != maps.front().shape() || mask.dataType() != DataType::UInt8)
                throw FormatError(path, "the worker's mask is " + toString(mask.shape()) +
                                            ", not the prediction's " +
                                            toString(maps.front().shape()));
            results.push_back(mask.contiguous());
            releaseZeroPages(results.back());
        }
        context.setProgress(1, outcome.message);
        return [doc, uids, results] {
            if (!doc)
                return;
            doc->undoHistory()->beginMacro("Post-process");
            for (std::size_t k = 0; k < uids.size(); ++k)
                if (doc->indexOfUid(uids[k]) >= 0)
                    doc->undoHistory()->push(new ReplaceLayerCommand(
                        doc, uids[k], Layer::Segmentation, results[k], "segmentation"));
            doc->undoHistory()->endMacro();
        };
    });
}

#else // no LibTorch

bool learningAvailable() {
    return false;
}

namespace {
[[noreturn]] void noLearning() {
    throw InvalidArgument("This Cisterna was built without LibTorch: training, prediction and "
                          "post-processing are not available.");
}
} // namespace

std::optional<Box3> validationSlab(const TrainSettings&, const Volume&, const Vec3d&) {
    return std::nullopt;
}

QString describeTrainingPatch(const TrainSettings&, const DocumentModel&) {
    return "this Cisterna was built without LibTorch";
}

Job* startTraining(JobManager&, DocumentModel&, int, const TrainSettings&) {
    noLearning();
}
Job* startPrediction(JobManager&, DocumentModel&, int, const PredictSettings&) {
    noLearning();
}
Job* startPostProcess(JobManager&, DocumentModel&, const PostProcessSettings&) {
    noLearning();
}

#endif

} // namespace cisterna::ui
