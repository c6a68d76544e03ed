// Saving through dialogs, the voxel-size question, drag-and-drop and closing; the
// policies behind them (projects, autosave, recovery) are AppModel's.
#include "ui/widgets/MainWindow.h"

#include "ui/widgets/JobDialogs.h"
#include "ui/widgets/UserPrompts.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>

namespace cisterna::ui {

void MainWindow::askForVoxelSize() {
    if (model_.hasVoxelSize() || !prompts_->askForMissingVoxelSize())
        return;
    auto* dialog = new VoxelSizeDialog(model_.voxelSize(), false, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        guarded("Voxel size", [&] { model_.setVoxelSize(dialog->voxelSize()); });
    });
    dialog->open(); // not exec(): no nested event loop inside a job's callback
}

void MainWindow::openBrowsedPart() {
    if (!model_.isBrowsing())
        return;
    const QString path = model_.imageSource();
    const auto chosen = prompts_->chooseRegion(
        this, path,
        "it is browsed, not loaded; painting, the graph cut, training and prediction work on "
        "a part in memory, here the one around the cursor",
        model_.shape(), app_.suggestedPartAroundCursor());
    if (chosen)
        guarded("Open part", [&] { app_.openFilePart(path, chosen); });
}

bool MainWindow::saveProject(const QString& path) {
    if (!model_.hasImage())
        return false;
    try {
        QApplication::setOverrideCursor(Qt::WaitCursor);
        app_.saveProject(path);
        QApplication::restoreOverrideCursor();
    } catch (const std::exception& e) {
        QApplication::restoreOverrideCursor();
        prompts_->showError(this, "Cisterna",
                            QString("The project was not saved:\n%1").arg(e.what()));
        return false;
    }
    return true;
}

bool MainWindow::save() {
    if (projectPath().isEmpty())
        return saveAs();
    return saveProject(projectPath());
}

bool MainWindow::saveAs() {
    if (!model_.hasImage())
        return false;
    const QString path = prompts_->projectSavePath(this, app_.suggestedProjectPath());
    return !path.isEmpty() && saveProject(path);
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
    app_.shutdown();
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
