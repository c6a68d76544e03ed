#include "ui/widgets/UserPrompts.h"

#include "core/io/VolumeFileFilters.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>

namespace cisterna::ui {

bool UserPrompts::confirmCloseWithJobs(QWidget* parent, int runningJobs) {
    return QMessageBox::question(
               parent, "Jobs are running",
               QString("%1 job(s) are still running. Cancel them and close Cisterna?")
                   .arg(runningJobs),
               QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes;
}

UnsavedChoice UserPrompts::unsavedChanges(QWidget* parent, const QString& documentName) {
    const auto answer = QMessageBox::question(
        parent, "Unsaved changes",
        QString("%1 has unsaved changes. Save them as a project?").arg(documentName),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    return answer == QMessageBox::Save      ? UnsavedChoice::Save
           : answer == QMessageBox::Discard ? UnsavedChoice::Discard
                                            : UnsavedChoice::Cancel;
}

bool UserPrompts::offerRecovery(QWidget* parent, const LeftoverAutosave& autosave) {
    return QMessageBox::question(
               parent, "Recover unsaved work?",
               QString("Cisterna did not close properly last time. An autosave from %1 "
                       "exists.\nRestore it?")
                   .arg(QLocale().toString(autosave.savedAt, QLocale::LongFormat)),
               QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes) == QMessageBox::Yes;
}

QString UserPrompts::locateMovedImage(QWidget* parent, const QString& oldPath) {
    QMessageBox::information(parent, "Image moved",
                             QString("The project's image is no longer at\n%1\nPlease show "
                                     "where it is now.")
                                 .arg(oldPath));
    return QFileDialog::getOpenFileName(parent, "Where is " + QFileInfo(oldPath).fileName() + "?",
                                        QFileInfo(oldPath).absolutePath(),
                                        QString::fromStdString(volumeNameFilter(FileAccess::Read)) +
                                            ";;All files (*)");
}

std::optional<Box3> UserPrompts::chooseRegion(QWidget* parent, const QString& path,
                                              const QString& why, const Shape3& shape,
                                              const Box3& suggested) {
    const Index3 e = suggested.end();
    QString text = QString("%1:%2,%3:%4,%5:%6")
                       .arg(suggested.begin.z)
                       .arg(e.z)
                       .arg(suggested.begin.y)
                       .arg(e.y)
                       .arg(suggested.begin.x)
                       .arg(e.x);
    QString problem;
    for (;;) {
        bool ok = false;
        text = QInputDialog::getText(
            parent, "Volume larger than memory",
            QString("%1: %2.\n\nOpen a part of it, as z0:z1,y0:y1,x0:x1 (voxels; the "
                    "suggestion is centred and fits in half of the free memory):%3")
                .arg(QFileInfo(path).fileName(), why, problem),
            QLineEdit::Normal, text, &ok);
        if (!ok)
            return std::nullopt;
        try {
            return parseBox(text.toStdString(), shape);
        } catch (const std::exception& e) {
            problem = "\n\n" + QString::fromStdString(e.what());
        }
    }
}

AppModel::LargeVolumeAction UserPrompts::chooseLargeVolume(QWidget* parent, const QString& path,
                                                           const QString& why) {
    QMessageBox box(QMessageBox::Question, "Volume larger than memory",
                    QString("%1: %2.\n\nBrowse it whole: only the chunks in view are read, "
                            "from a coarse level when zoomed out (fast for OME-Zarr pyramids; "
                            "`cisterna-cli pyramid` makes one from any volume). Painting and "
                            "jobs need a part opened in memory, which File > Open part of the "
                            "volume does from there.\n\nOr open a part of it now.")
                        .arg(QFileInfo(path).fileName(), why),
                    QMessageBox::Cancel, parent);
    QPushButton* browse = box.addButton("&Browse it", QMessageBox::AcceptRole);
    QPushButton* part = box.addButton("Open a &part...", QMessageBox::ActionRole);
    box.setDefaultButton(browse);
    box.exec();
    if (box.clickedButton() == browse)
        return AppModel::LargeVolumeAction::Browse;
    if (box.clickedButton() == part)
        return AppModel::LargeVolumeAction::OpenPart;
    return AppModel::LargeVolumeAction::Cancel;
}

QString UserPrompts::projectSavePath(QWidget* parent, const QString& suggestion) {
    QString path = QFileDialog::getSaveFileName(parent, "Save project", suggestion,
                                                "Cisterna projects (*.cisterna)");
    if (!path.isEmpty() && !path.endsWith(".cisterna"))
        path += ".cisterna";
    return path;
}

void UserPrompts::showError(QWidget* parent, const QString& title, const QString& text) {
    // Window-modal but not blocking: no nested event loop inside a callback.
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace cisterna::ui
