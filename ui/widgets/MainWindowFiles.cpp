// Opening volumes, the demo and projects; saving, autosave, crash recovery,
// drag-and-drop and closing.
#include "ui/widgets/MainWindow.h"

#include "ui/model/FileIoLock.h"
#include "ui/model/ProjectState.h"
#include "ui/widgets/JobDialogs.h"
#include "ui/widgets/UserPrompts.h"

#include "core/io/VolumeIO.h"
#include "core/phantom/Phantom.h"
#include "core/util/Error.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMimeData>
#include <QPointer>
#include <QStandardPaths>
#include <QStatusBar>

#include <algorithm>

namespace cisterna::ui {

namespace {

Volume readVolumeLocked(const QString& path) {
    std::lock_guard<std::mutex> lock(fileIoMutex());
    return readVolume(path.toStdString());
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

void MainWindow::startLoad(const QString& title, JobWork work) {
    if (loading_ && loading_->isRunning())
        loading_->cancel(); // the newest request wins
    Job* job = jobs_.start(title, "open", std::move(work));
    loading_ = job;
    status_->setText(title + "...");
    connect(job, &Job::finished, this, [this, job] {
        if (loading_ == job)
            loading_ = nullptr;
        if (job->state() == Job::State::Failed) {
            status_->setText(job->title() + " failed");
            prompts_->showError(this, "Cisterna", job->title() + " failed:\n" + job->error());
            emit loadFinished(false, job->error());
        } else if (job->state() == Job::State::Cancelled) {
            emit loadFinished(false, "cancelled");
        }
        // Success is announced by the job's finish function, after installing.
    });
}

void MainWindow::installDemo(const QString& spec, Volume image, Volume labels) {
    model_.setImage(image, QString("demo phantom %1^3").arg(image.shape().x), spec);
    model_.setReferenceLabels(labels);
    for (PhantomOrganelle o : allOrganelles()) // core's phantom organelles
        model_.addOrganelle(organelleName(o));
    model_.setActiveOrganelle(0);
    model_.undoStack()->clear();
    model_.setModified(false);
}

void MainWindow::openDemo(int size, std::uint64_t seed) {
    QPointer<MainWindow> self(this);
    const QString spec = phantomSpec(size, seed);
    startLoad("Generating the demo phantom",
              [self, size, seed, spec](JobContext& context) -> JobFinish {
                  Phantom p = makePhantom(size, seed, context.progress());
                  Volume image = std::move(p.image), labels = std::move(p.labels);
                  return [self, spec, image, labels] {
                      if (!self)
                          return;
                      self->projectPath_.clear();
                      self->installDemo(spec, image, labels);
                      self->status_->setText(self->model_.name());
                      emit self->loadFinished(true, self->model_.name());
                  };
              });
}

void MainWindow::openFile(const QString& path) {
    if (path.endsWith(".cisterna", Qt::CaseInsensitive)) {
        openProject(path);
        return;
    }
    QPointer<MainWindow> self(this);
    startLoad("Reading " + QFileInfo(path).fileName(),
              [self, path](JobContext& context) -> JobFinish {
                  context.report(0.05, "reading " + path.toStdString());
                  Volume image = readVolumeLocked(path);
                  return [self, path, image] {
                      if (!self)
                          return;
                      self->projectPath_.clear();
                      self->model_.setImage(image, QFileInfo(path).fileName(), path);
                      self->model_.addOrganelle("organelle 1");
                      self->model_.undoStack()->clear();
                      self->model_.setModified(false);
                      self->afterImageLoaded(path);
                      emit self->loadFinished(true, path);
                  };
              });
}

void MainWindow::afterImageLoaded(const QString& path) {
    recent_.add(path);
    rebuildRecentMenu();
    status_->setText(QString("%1 · %2 %3")
                         .arg(model_.name())
                         .arg(QString::fromStdString(toString(model_.shape())))
                         .arg(toString(model_.image().dataType())));
    if (!model_.hasVoxelSize() && prompts_->askForMissingVoxelSize()) {
        auto* dialog = new VoxelSizeDialog(model_.voxelSize(), false, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QDialog::accepted, this, [this, dialog] {
            guarded("Voxel size", [&] { model_.setVoxelSize(dialog->voxelSize()); });
        });
        dialog->open(); // not exec(): no nested event loop inside a job's callback
    }
}

void MainWindow::openProject(const QString& path) {
    ProjectData meta;
    try {
        meta = readProject(path, true);
    } catch (const std::exception& e) {
        prompts_->showError(this, "Cisterna",
                            QString("Cannot open the project:\n%1").arg(e.what()));
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
            imagePath = prompts_->locateMovedImage(this, meta.image.path);
            if (imagePath.isEmpty() || !QFileInfo::exists(imagePath)) {
                const QString why = "the project's image " + meta.image.path + " was not found";
                prompts_->showError(this, "Cisterna", "Cannot open the project: " + why + ".");
                emit loadFinished(false, why);
                return;
            }
            relocated = true;
        }
    }
    QPointer<MainWindow> self(this);
    startLoad("Opening " + QFileInfo(path).fileName(), [=](JobContext& context) -> JobFinish {
        Volume image, labels;
        if (phantom) {
            Phantom p = makePhantom(phantomSize, phantomSeed, context.progressRange(0, 0.6));
            image = std::move(p.image);
            labels = std::move(p.labels);
        } else {
            context.report(0.02, "reading " + imagePath.toStdString());
            image = readVolumeLocked(imagePath);
        }
        ProjectData data = readProject(path, false, context.progressRange(0.6, 1.0));
        return [self, data, image, labels, imagePath, path, isAutosave, relocated]() mutable {
            if (!self)
                return;
            const QString owner = isAutosave ? data.autosaveOf : path;
            applyProject(std::move(data), image, imagePath, self->model_, self->tools_);
            if (!labels.isNull())
                self->model_.setReferenceLabels(labels);
            self->projectPath_ = owner;
            // A recovered autosave, or a project whose image moved, differs
            // from what is saved on disk.
            self->model_.setModified(isAutosave || relocated);
            self->updateTitle();
            if (!isAutosave) {
                self->recent_.add(path);
                self->rebuildRecentMenu();
            }
            self->status_->setText("Opened " + (owner.isEmpty() ? path : owner));
            emit self->loadFinished(true, path);
        };
    });
}

bool MainWindow::saveProject(const QString& path) {
    if (!model_.hasImage())
        return false;
    try {
        QApplication::setOverrideCursor(Qt::WaitCursor);
        writeProject(path, captureProject(model_, tools_, path));
        QApplication::restoreOverrideCursor();
    } catch (const std::exception& e) {
        QApplication::restoreOverrideCursor();
        prompts_->showError(this, "Cisterna",
                            QString("The project was not saved:\n%1").arg(e.what()));
        return false;
    }
    projectPath_ = path;
    model_.setModified(false);
    recent_.add(path);
    rebuildRecentMenu();
    updateTitle();
    statusBar()->showMessage("Saved " + path, 5000);
    return true;
}

bool MainWindow::save() {
    if (projectPath_.isEmpty())
        return saveAs();
    return saveProject(projectPath_);
}

bool MainWindow::saveAs() {
    if (!model_.hasImage())
        return false;
    const QString suggestion = projectPath_.isEmpty()
                                   ? QFileInfo(model_.name()).completeBaseName() + ".cisterna"
                                   : projectPath_;
    const QString path = prompts_->projectSavePath(this, suggestion);
    return !path.isEmpty() && saveProject(path);
}

void MainWindow::setAutosaveInterval(int milliseconds) {
    autosaveTimer_.start(milliseconds);
}

bool MainWindow::autosaveNow() {
    if (!model_.hasImage() || !model_.isModified() || model_.changeCounter() == autosavedChanges_)
        return false;
    // Never wait for a job that is reading a large file: try again next time.
    if (!fileIoMutex().try_lock())
        return false;
    fileIoMutex().unlock();
    try {
        ProjectData data = captureProject(model_, tools_, projectPath_);
        data.autosaveOf = projectPath_;
        writeProject(autosave_.sessionPath(), data);
        autosavedChanges_ = model_.changeCounter();
        statusBar()->showMessage("Autosaved", 3000);
        return true;
    } catch (const std::exception& e) {
        statusBar()->showMessage(QString("Autosave failed: %1").arg(e.what()), 10000);
        return false;
    }
}

void MainWindow::checkForRecovery() {
    for (const LeftoverAutosave& leftover : autosave_.leftovers()) {
        if (prompts_->offerRecovery(this, leftover)) {
            // The recovered state is loaded, then saved again as this session's
            // autosave; the old file goes once it is in memory.
            const QString path = leftover.path;
            QPointer<MainWindow> self(this);
            auto connection = std::make_shared<QMetaObject::Connection>();
            *connection =
                connect(this, &MainWindow::loadFinished, this, [self, path, connection](bool ok) {
                    QObject::disconnect(*connection);
                    if (ok && self)
                        AutosaveStore::discard(path);
                });
            openProject(path);
            return;
        }
        AutosaveStore::discard(leftover.path);
    }
}

void MainWindow::closeEvent(QCloseEvent* event) {
    const int running = jobs_.runningCount();
    if (running > 0 && !prompts_->confirmCloseWithJobs(this, running)) {
        event->ignore();
        return;
    }
    if (model_.hasImage() && model_.isModified()) {
        switch (prompts_->unsavedChanges(this, model_.name())) {
        case UnsavedChoice::Cancel:
            event->ignore();
            return;
        case UnsavedChoice::Save:
            if (!save()) {
                event->ignore();
                return;
            }
            break;
        case UnsavedChoice::Discard:
            break;
        }
    }
    closing_ = true;
    jobs_.abandonAll();
    autosave_.removeSession(); // a clean exit leaves nothing to recover
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls())
        for (const QUrl& url : event->mimeData()->urls())
            if (url.isLocalFile()) {
                event->acceptProposedAction();
                return;
            }
}

void MainWindow::dropEvent(QDropEvent* event) {
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) {
            event->acceptProposedAction();
            openFile(url.toLocalFile());
            return;
        }
}

} // namespace cisterna::ui
