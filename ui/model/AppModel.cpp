#include "ui/model/AppModel.h"

#include "ui/model/FileIoLock.h"
#include "ui/model/ProjectFile.h"
#include "ui/model/ProjectState.h"

#include "core/io/VolumeIO.h"
#include "core/io/lazy/LazyPyramid.h"
#include "core/io/lazy/PyramidWriter.h"
#include "core/phantom/Phantom.h"
#include "core/util/Error.h"
#include "core/volume/Downsample.h"
#include "core/volume/MemoryBudget.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QPointer>
#include <QRegularExpression>
#include <QStandardPaths>

#include <algorithm>
#include <filesystem>

namespace cisterna::ui {
namespace {

Volume readVolumeLocked(const QString& path, const std::optional<Box3>& region = {}) {
    std::lock_guard<std::mutex> lock(fileIoMutex());
    ReadOptions options;
    options.region = region;
    return readVolume(path.toStdString(), options);
}

// Bytes per voxel an opened image costs before any job: its own voxels and the two
// label layers painting makes (strokes, then the cut's truth).
std::uint64_t openingBytesPerVoxel(DataType type) {
    return bytesPerVoxel(type) + 2;
}

// The demo shows the same cell at every size: the phantom's scene is laid out in nm,
// so a small demo (as the tests use) with core's default 8 nm voxels would show only a
// corner of the cell, often without a single mitochondrion. Coarser voxels keep the
// field of view at 1024 nm.
constexpr double kDemoFieldOfViewNm = 1024;

Phantom makePhantom(std::int64_t size, std::uint64_t seed, const Progress& progress) {
    PhantomParams params;
    params.shape = {size, size, size};
    const double voxel = kDemoFieldOfViewNm / double(std::max<std::int64_t>(size, 1));
    params.voxelSize = {voxel, voxel, voxel};
    params.seed = seed;
    return generatePhantom(params, progress);
}

} // namespace

AppModel::AppModel(const QString& autosaveFolder, QObject* parent)
    : QObject(parent), autosave_(autosaveFolder) {
    connect(&document_, &DocumentModel::imageChanged, this, [this] {
        const Vec3d v = document_.voxelSize();
        tools_.setFinestSpacing(std::min({v.z, v.y, v.x}));
        // Re-cut sessions hold the old image and its graph: free them.
        sessions_.clear();
        emit titleChanged();
    });
    connect(&document_, &DocumentModel::modifiedChanged, this, &AppModel::titleChanged);
    autosaveTimer_.setInterval(3 * 60 * 1000);
    connect(&autosaveTimer_, &QTimer::timeout, this, [this] { autosaveNow(); });
    autosaveTimer_.start();
}

AppModel::~AppModel() {
    // Workers hold copies of volume handles only; stop them before the document goes.
    jobs_.abandonAll();
}

QString AppModel::windowTitle() const {
    QString title = "Cisterna";
    if (document_.hasImage()) {
        title += " - " + (projectPath_.isEmpty() ? document_.name() : projectPath_);
        if (document_.isModified())
            title += " *";
    }
    return title;
}

void AppModel::setProjectPath(const QString& path) {
    projectPath_ = path;
    emit titleChanged();
}

void AppModel::startLoad(const QString& title, JobWork work) {
    if (loading_ && loading_->isRunning())
        loading_->cancel(); // the newest request wins
    Job* job = jobs_.start(title, JobKind::Open, std::move(work));
    loading_ = job;
    emit statusChanged(title + "...");
    connect(job, &Job::finished, this, [this, job] {
        if (loading_ == job)
            loading_ = nullptr;
        if (job->state() == Job::State::Failed) {
            emit statusChanged(job->title() + " failed");
            emit errorOccurred(job->title() + " failed:\n" + job->error());
            emit loadFinished(false, job->error());
        } else if (job->state() == Job::State::Cancelled) {
            emit loadFinished(false, "cancelled");
        }
        // Success is announced by the job's finish function, after installing.
    });
}

void AppModel::installDemo(const QString& spec, Volume image, Volume labels) {
    document_.setImage(image, QString("demo phantom %1^3").arg(image.shape().x), spec);
    document_.setReferenceLabels(labels);
    for (PhantomOrganelle o : allOrganelles())
        document_.addOrganelle(organelleName(o));
    document_.setActiveOrganelle(0);
    document_.undoHistory()->clear();
    document_.setModified(false);
}

void AppModel::openDemo(int size, std::uint64_t seed) {
    QPointer<AppModel> self(this);
    const QString spec = phantomSpec(size, seed);
    startLoad("Generating the demo phantom",
              [self, size, seed, spec](JobContext& context) -> JobFinish {
                  Phantom p = makePhantom(size, seed, context.progress());
                  Volume image = std::move(p.image), labels = std::move(p.labels);
                  return [self, spec, image, labels] {
                      if (!self)
                          return;
                      self->setProjectPath({});
                      self->installDemo(spec, image, labels);
                      emit self->statusChanged(self->document_.name());
                      emit self->loadFinished(true, self->document_.name());
                  };
              });
}

void AppModel::openFile(const QString& path) {
    if (path.endsWith(".cisterna", Qt::CaseInsensitive)) {
        openProject(path);
        return;
    }
    // Before any work: does it fit? If not, the user may open a part of it (every
    // reader reads a box without the rest), or nothing happens.
    std::optional<Box3> region;
    try {
        const VolumeInfo info = readVolumeInfo(path.toStdString());
        const std::uint64_t perVoxel = openingBytesPerVoxel(info.dataType);
        const std::uint64_t need = checkedByteCount(info.shape, perVoxel, "image");
        const std::uint64_t available = availableMemoryBytes();
        if (need > available) {
            const std::string why = toString(info.shape) + " " + toString(info.dataType) +
                                    " needs " + humanBytesOf(need) +
                                    " with its strokes and truth layers, but only " +
                                    humanBytesOf(available) + " of memory is available";
            // Half of what is free: jobs (features, the cut) need the rest.
            const Box3 suggested = centredBoxWithin(info.shape, perVoxel, available / 2);
            const LargeVolumeAction action =
                chooseLargeVolume ? chooseLargeVolume(path, QString::fromStdString(why))
                                  : LargeVolumeAction::OpenPart;
            if (action == LargeVolumeAction::Browse) {
                browseFile(path);
                return;
            }
            std::optional<Box3> chosen;
            if (chooseRegion && action == LargeVolumeAction::OpenPart)
                chosen = chooseRegion(path, QString::fromStdString(why), info.shape, suggested);
            if (!chosen) {
                const QString text = "Cannot open " + QFileInfo(path).fileName() + ": " +
                                     QString::fromStdString(why) + ".";
                emit errorOccurred(text);
                emit loadFinished(false, text);
                return;
            }
            if (!chosen->fitsIn(info.shape) || chosen->size.voxelCount() == 0)
                throw InvalidArgument("the part " + toString(*chosen) + " is not inside " +
                                      toString(info.shape));
            region = chosen;
        }
    } catch (const InvalidArgument& e) { // a part outside the volume
        emit errorOccurred(QString("Cannot open %1: %2").arg(path, e.what()));
        emit loadFinished(false, e.what());
        return;
    } catch (const std::exception&) {
        // An unreadable header: the read below says so in the job, as for any file.
    }
    openFilePart(path, region);
}

void AppModel::openFilePart(const QString& path, const std::optional<Box3>& region) {
    if (region) {
        const VolumeInfo info = readVolumeInfo(path.toStdString());
        if (!region->fitsIn(info.shape) || region->size.voxelCount() == 0)
            throw InvalidArgument("the part " + toString(*region) + " is not inside " +
                                  toString(info.shape));
    }
    QPointer<AppModel> self(this);
    startLoad("Reading " + QFileInfo(path).fileName(),
              [self, path, region](JobContext& context) -> JobFinish {
                  context.report(0.05, "reading " + path.toStdString());
                  Volume image = readVolumeLocked(path, region);
                  return [self, path, image, region] {
                      if (!self)
                          return;
                      AppModel& app = *self;
                      app.setProjectPath({});
                      app.document_.setImage(image, QFileInfo(path).fileName(), path);
                      app.document_.setImageRegion(region);
                      app.document_.addOrganelle("organelle 1");
                      app.document_.undoHistory()->clear();
                      app.document_.setModified(false);
                      app.recent_.add(path);
                      emit app.recentFilesChanged();
                      QString shown = QString::fromStdString(toString(app.document_.shape()));
                      if (region)
                          shown += QString(", part %1 of the file")
                                       .arg(QString::fromStdString(toString(*region)));
                      emit app.statusChanged(QString("%1 · %2 %3")
                                                 .arg(app.document_.name())
                                                 .arg(shown)
                                                 .arg(toString(app.document_.image().dataType())));
                      emit app.imageOpened(path);
                      emit app.loadFinished(true, path);
                  };
              });
}

QString AppModel::pyramidPathFor(const QString& source) const {
    QString base = source;
    while (base.endsWith('/') && base.size() > 1)
        base.chop(1);
    const QString absolute = QFileInfo(base).absoluteFilePath();
    const QString hash = QString::fromLatin1(
        QCryptographicHash::hash(absolute.toUtf8(), QCryptographicHash::Sha1).toHex().left(10));
    const QDir data = QFileInfo(autosave_.folder()).dir();
    return QDir::cleanPath(
        data.filePath("pyramids/" + QFileInfo(base).fileName() + "-" + hash + ".ome.zarr"));
}

namespace {

// The pyramid Cisterna wrote of `path` earlier (at `pyramid`), if it holds the same
// array.
std::optional<std::string> existingPyramid(const std::string& path, const std::string& pyramid) {
    try {
        if (std::filesystem::exists(pyramid) &&
            readVolumeInfo(pyramid).shape == readVolumeInfo(path).shape)
            return pyramid;
    } catch (const std::exception&) {
        // Unreadable or damaged: browse the source itself.
    }
    return std::nullopt;
}

} // namespace

void AppModel::browseFile(const QString& path) {
    QPointer<AppModel> self(this);
    const std::string pyramidPath = pyramidPathFor(path).toStdString();
    startLoad(
        "Opening " + QFileInfo(path).fileName() + " for browsing",
        [self, path, pyramidPath](JobContext& context) -> JobFinish {
            context.report(0.05, "reading the header of " + path.toStdString());
            const std::optional<std::string> pyramid =
                existingPyramid(path.toStdString(), pyramidPath);
            auto volume = std::make_shared<LazyPyramid>(
                LazyPyramid::open(pyramid.value_or(path.toStdString())));
            // The first picture, and the display window: the middle section from
            // the level that shows it whole on a screen.
            const Shape3 full = volume->level(0).shape();
            const double perPixel = double(std::max(full.y, full.x)) / 1024.0;
            const std::size_t overview = volume->levelFor(0, {perPixel, perPixel, perPixel});
            LazyVolume& level = volume->level(overview);
            context.report(0.5, "reading the middle section");
            const Volume sample = level.read(planeBox(level.shape(), 0, level.shape().z / 2));
            return [self, path, volume, sample, pyramid] {
                if (!self)
                    return;
                AppModel& app = *self;
                app.setProjectPath({});
                app.document_.setBrowsedVolume(volume, sample, QFileInfo(path).fileName(),
                                               pyramid ? QString::fromStdString(*pyramid) : path);
                app.recent_.add(path);
                emit app.recentFilesChanged();
                const VolumeInfo& info = volume->level(0).info();
                QString levels = QString("%1 level(s)").arg(volume->levelCount());
                if (pyramid)
                    levels += " from " + QFileInfo(QString::fromStdString(*pyramid)).fileName();
                else if (volume->levelCount() == 1 && std::max(info.shape.y, info.shape.x) > 2048)
                    levels += "; no coarser level, so zoomed-out views read full "
                              "resolution: File > Build a pyramid for browsing";
                emit app.statusChanged(QString("%1 · %2 %3 · browsing (%4); File > Open "
                                               "part of the volume to work on it")
                                           .arg(app.document_.name())
                                           .arg(QString::fromStdString(toString(info.shape)))
                                           .arg(toString(info.dataType))
                                           .arg(levels));
                emit app.imageOpened(path);
                emit app.loadFinished(true, path);
                app.loadBrowsedOverview();
            };
        });
}

bool AppModel::canBuildBrowsingPyramid() const {
    if (!document_.isBrowsing() || document_.browsedVolume()->levelCount() > 1)
        return false;
    const QString pyramids = QFileInfo(pyramidPathFor(document_.imageSource())).path();
    return !QFileInfo(document_.imageSource()).absoluteFilePath().startsWith(pyramids + "/");
}

Job* AppModel::buildBrowsingPyramid() {
    if (!document_.isBrowsing())
        throw InvalidArgument("A pyramid is built for a volume being browsed; browse one first.");
    if (!canBuildBrowsingPyramid())
        throw InvalidArgument(document_.name().toStdString() + " is already a pyramid (" +
                              std::to_string(document_.browsedVolume()->levelCount()) +
                              " level(s)).");
    const QString source = document_.imageSource();
    const QString target = pyramidPathFor(source);
    if (!QDir().mkpath(QFileInfo(target).path()))
        throw InvalidArgument("Cannot create the folder " + QFileInfo(target).path().toStdString() +
                              " for the pyramid.");
    PyramidOptions options;
    if (document_.hasVoxelSize())
        options.voxelSize = document_.voxelSize();
    QPointer<AppModel> self(this);
    return jobs_.start("Building a pyramid of " + QFileInfo(source).fileName(), JobKind::Other,
                       [self, source, target, options](JobContext& context) -> JobFinish {
                           const auto volume = LazyVolume::open(source.toStdString());
                           writePyramid(*volume, target.toStdString(), options, context.progress());
                           return [self, source] {
                               if (self)
                                   self->browseFile(source);
                           };
                       });
}

Job* AppModel::loadBrowsedOverview() {
    const std::shared_ptr<LazyPyramid> volume = document_.browsedVolume();
    if (!volume)
        return nullptr;
    const std::size_t last = volume->levelCount() - 1;
    const LazyVolume& level = volume->level(last);
    // A volume without a small enough level gets no 3D view rather than a whole read.
    constexpr std::uint64_t kMostBytes = 512ull << 20;
    if (level.shape().voxelCount() * std::int64_t(bytesPerVoxel(level.dataType())) >
        std::int64_t(kMostBytes))
        return nullptr;
    QPointer<AppModel> self(this);
    return jobs_.start(
        "Reading an overview of " + document_.name() + " for the 3D view", JobKind::Other,
        [self, volume, last](JobContext& context) -> JobFinish {
            constexpr std::int64_t kOverviewVoxels = 16 << 20;
            LazyVolume& coarsest = volume->level(last);
            context.report(0.1, "reading level " + std::to_string(last));
            Volume overview = coarsest.read({{0, 0, 0}, coarsest.shape()});
            Shape3 factors = volume->scaleOf(last);
            while (overview.voxelCount() > kOverviewVoxels) {
                context.throwIfCancelled();
                const Shape3 f = pyramidFactors(overview.voxelSize());
                overview = downsample(overview, f);
                factors = {factors.z * f.z, factors.y * f.y, factors.x * f.x};
            }
            return [self, volume, overview, factors]() mutable {
                if (!self || self->document_.browsedVolume() != volume)
                    return;
                // A voxel size entered while browsing places the overview too.
                const Vec3d v = self->document_.voxelSize();
                overview.setVoxelSize({v.z * factors.z, v.y * factors.y, v.x * factors.x});
                self->document_.setBrowsedOverview(overview, factors);
            };
        });
}

Box3 AppModel::suggestedPartAroundCursor() const {
    if (!document_.isBrowsing())
        return {{0, 0, 0}, document_.shape()};
    const VolumeInfo& info = document_.browsedVolume()->level(0).info();
    const Box3 size = centredBoxWithin(info.shape, openingBytesPerVoxel(info.dataType),
                                       availableMemoryBytes() / 2);
    const Index3 c = document_.cursor();
    const auto place = [](std::int64_t centre, std::int64_t size, std::int64_t extent) {
        return std::clamp<std::int64_t>(centre - size / 2, 0, extent - size);
    };
    Box3 part = size;
    part.begin = {place(c.z, size.size.z, info.shape.z), place(c.y, size.size.y, info.shape.y),
                  place(c.x, size.size.x, info.shape.x)};
    return part;
}

void AppModel::openProject(const QString& path) {
    ProjectData meta;
    try {
        meta = readProject(path, true);
    } catch (const std::exception& e) {
        emit errorOccurred(QString("Cannot open the project:\n%1").arg(e.what()));
        emit loadFinished(false, e.what());
        return;
    }
    const bool isAutosave = !meta.autosaveOf.isEmpty() || path.endsWith(".autosave.cisterna");
    std::int64_t phantomSize = 0;
    std::uint64_t phantomSeed = 0;
    const bool phantom = parsePhantomSpec(meta.image.phantom, phantomSize, phantomSeed);
    QString imagePath;
    bool relocated = false;
    if (!phantom) {
        // An autosave sits in the user's data folder: relative paths count from the
        // project it belongs to.
        imagePath = locateProjectImage(meta, isAutosave ? meta.autosaveOf : path);
        if (imagePath.isEmpty()) {
            if (locateMovedImage)
                imagePath = locateMovedImage(meta.image.path);
            if (imagePath.isEmpty() || !QFileInfo::exists(imagePath)) {
                const QString why = "the project's image " + meta.image.path + " was not found";
                emit errorOccurred("Cannot open the project: " + why + ".");
                emit loadFinished(false, why);
                return;
            }
            relocated = true;
        }
    }
    QPointer<AppModel> self(this);
    startLoad("Opening " + QFileInfo(path).fileName(), [=](JobContext& context) -> JobFinish {
        Volume image, labels;
        if (phantom) {
            Phantom p = makePhantom(phantomSize, phantomSeed, context.progressRange(0, 0.6));
            image = std::move(p.image);
            labels = std::move(p.labels);
        } else {
            context.report(0.02, "reading " + imagePath.toStdString());
            image = readVolumeLocked(imagePath, meta.image.region);
        }
        ProjectData data = readProject(path, false, context.progressRange(0.6, 1.0));
        return [self, data, image, labels, imagePath, path, isAutosave, relocated]() mutable {
            if (!self)
                return;
            AppModel& app = *self;
            const QString owner = isAutosave ? data.autosaveOf : path;
            applyProject(std::move(data), image, imagePath, app.document_, app.tools_);
            app.savedLayers_.record(path, app.document_);
            if (!labels.isNull())
                app.document_.setReferenceLabels(labels);
            // A recovered autosave, or a project whose image moved, differs from what
            // is saved on disk.
            app.document_.setModified(isAutosave || relocated);
            app.setProjectPath(owner);
            if (!isAutosave) {
                app.recent_.add(path);
                emit app.recentFilesChanged();
            }
            emit app.statusChanged("Opened " + (owner.isEmpty() ? path : owner));
            emit app.loadFinished(true, path);
        };
    });
}

void AppModel::saveProject(const QString& path) {
    requireImage();
    ProjectData data = captureProject(document_, tools_, path);
    savedLayers_.markUnchanged(path, document_, data);
    lastSave_ = writeProject(path, data);
    savedLayers_.record(path, document_);
    document_.setModified(false);
    setProjectPath(path);
    recent_.add(path);
    emit recentFilesChanged();
    emit message("Saved " + path +
                     (lastSave_.layersCopied > 0
                          ? QString(" (%1 unchanged layers kept, %2 written)")
                                .arg(lastSave_.layersCopied)
                                .arg(lastSave_.layersWritten)
                          : QString()),
                 5000);
}

QString AppModel::suggestedProjectPath() const {
    return projectPath_.isEmpty() ? QFileInfo(document_.name()).completeBaseName() + ".cisterna"
                                  : projectPath_;
}

void AppModel::setAutosaveInterval(int milliseconds) {
    autosaveTimer_.start(milliseconds);
}

bool AppModel::autosaveNow() {
    if (!document_.hasImage() || !document_.isModified() ||
        document_.changeCounter() == autosavedChanges_)
        return false;
    // Never wait for a job that is reading a large file: try again next time.
    if (!fileIoMutex().try_lock())
        return false;
    fileIoMutex().unlock();
    try {
        ProjectData data = captureProject(document_, tools_, projectPath_);
        data.autosaveOf = projectPath_;
        autosavedLayers_.markUnchanged(autosave_.sessionPath(), document_, data);
        writeProject(autosave_.sessionPath(), data);
        autosavedLayers_.record(autosave_.sessionPath(), document_);
        autosavedChanges_ = document_.changeCounter();
        emit message("Autosaved", 3000);
        return true;
    } catch (const std::exception& e) {
        emit message(QString("Autosave failed: %1").arg(e.what()), 10000);
        return false;
    }
}

bool AppModel::checkForRecovery() {
    for (const LeftoverAutosave& leftover : autosave_.leftovers()) {
        if (offerRecovery && offerRecovery(leftover)) {
            // The recovered state is loaded, then saved again as this session's
            // autosave; the old file goes once it is in memory.
            const QString path = leftover.path;
            auto connection = std::make_shared<QMetaObject::Connection>();
            *connection = connect(this, &AppModel::loadFinished, this, [path, connection](bool ok) {
                QObject::disconnect(*connection);
                if (ok)
                    AutosaveStore::discard(path);
            });
            openProject(path);
            return true;
        }
        AutosaveStore::discard(leftover.path);
    }
    return false;
}

void AppModel::shutdown() {
    jobs_.abandonAll();
    autosave_.removeSession(); // a clean exit leaves nothing to recover
}

void AppModel::requireImage() const {
    if (document_.isBrowsing())
        throw InvalidArgument(document_.name().toStdString() +
                              " is only browsed, not in memory: open a part of it first (File > "
                              "Open part of the volume).");
    if (!document_.hasImage())
        throw InvalidArgument("Open a volume first.");
}

int AppModel::organelleOrActive(int organelle) const {
    const int index = organelle >= 0 ? organelle : document_.activeOrganelle();
    requireImage();
    if (index < 0 || index >= document_.organelleCount())
        throw InvalidArgument("Add an organelle (Organelles panel) first.");
    return index;
}

Job* AppModel::startGraphCut(int organelle) {
    // The live preview's features, when it has them, serve the learned term too.
    return ui::startGraphCut(jobs_, document_, organelleOrActive(organelle), graphCut_, &sessions_,
                             preview_.currentFeatures());
}

Job* AppModel::startRefineCut(int organelle) {
    GraphCutSettings refine = graphCut_;
    refine.refineWithPrediction = true;
    return ui::startGraphCut(jobs_, document_, organelleOrActive(organelle), refine, &sessions_);
}

QString AppModel::newModelPath(int organelle) const {
    QString folder;
    if (!projectPath_.isEmpty()) {
        const QFileInfo p(projectPath_);
        folder = p.absolutePath() + "/" + p.completeBaseName() + "-models";
    } else {
        folder = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/models";
    }
    QDir().mkpath(folder);
    QString name = document_.organelle(organelle).name;
    name.replace(QRegularExpression("[^A-Za-z0-9_-]+"), "_");
    return folder + "/" + name + "-" +
           QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss-zzz") + ".cmodel";
}

Job* AppModel::startTraining(TrainSettings settings, int organelle) {
    const int index = organelleOrActive(organelle);
    if (settings.modelPath.isEmpty())
        settings.modelPath = newModelPath(index);
    if (!settings.region)
        settings.region = trainingRegion(index);
    return ui::startTraining(jobs_, document_, index, settings);
}

std::optional<Box3> AppModel::trainingRegion(int organelle) const {
    const Volume& strokes = document_.organelle(organelleOrActive(organelle)).layer(Layer::Strokes);
    if (strokes.isNull())
        return std::nullopt;
    return graphCutRegion(graphCut_, strokes);
}

Job* AppModel::startPrediction(const PredictSettings& settings, int organelle) {
    const int index = organelleOrActive(organelle);
    PredictSettings s = settings;
    if (s.modelPath.isEmpty() && !document_.organelle(index).modelPaths.isEmpty())
        s.modelPath = document_.organelle(index).modelPaths.back();
    return ui::startPrediction(jobs_, document_, index, s);
}

Job* AppModel::startPostProcess(const PostProcessSettings& settings) {
    requireImage();
    return ui::startPostProcess(jobs_, document_, settings);
}

Job* AppModel::startEvaluation(const EvaluationRequest& request,
                               std::function<void(const EvaluationRow&)> onResult) {
    organelleOrActive(request.organelle);
    return ui::startEvaluation(jobs_, document_, request, std::move(onResult));
}

void AppModel::exportLabels(const QString& path, int organelle, ExportSource source) {
    const Volume labels = organelle < 0 ? multiLabelVolume(document_, source)
                                        : organelleMask(document_, organelle, source);
    if (labels.isNull())
        throw InvalidArgument(document_.organelle(organelle).name.toStdString() +
                              " has nothing to export from that source yet.");
    std::lock_guard<std::mutex> lock(fileIoMutex());
    exportLabelVolume(path, labels);
}

} // namespace cisterna::ui
