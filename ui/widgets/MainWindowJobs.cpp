// Starting the segmentation jobs, exports and their dialogs.
#include "ui/widgets/MainWindow.h"

#include "ui/model/FileIoLock.h"
#include "ui/render/SurfaceExport.h"
#include "ui/render/SurfaceExtractor.h"
#include "ui/widgets/EvaluationPanel.h"
#include "ui/widgets/JobDialogs.h"
#include "ui/widgets/UserPrompts.h"

#include "core/io/VolumeFileFilters.h"
#include "core/util/Error.h"

#include <vtkPolyData.h>

#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QPointer>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QStatusBar>

namespace cisterna::ui {

void MainWindow::guarded(const QString& what, const std::function<void()>& action) {
    try {
        action();
    } catch (const std::exception& e) {
        prompts_->showError(this, what, e.what());
    }
}

int MainWindow::organelleOrActive(int organelle) const {
    const int index = organelle >= 0 ? organelle : model_.activeOrganelle();
    if (!model_.hasImage())
        throw InvalidArgument("Open a volume first.");
    if (index < 0 || index >= model_.organelleCount())
        throw InvalidArgument("Add an organelle (Organelles panel) first.");
    return index;
}

void MainWindow::showJobOutcome(Job* job) {
    const QString text =
        QString("%1: %2%3")
            .arg(job->title())
            .arg(jobStateName(job->state()))
            .arg(job->error().isEmpty()
                     ? (job->message().isEmpty() ? QString() : " · " + job->message())
                     : " · " + job->error());
    statusBar()->showMessage(text, 10000);
}

Job* MainWindow::startGraphCut(int organelle) {
    // The live preview's features, when it has them, serve the learned term too.
    return ui::startGraphCut(jobs_, model_, organelleOrActive(organelle), graphCut_,
                             &graphCutSessions_, preview_.currentFeatures());
}

QString MainWindow::newModelPath(int organelle) const {
    // Beside the project when there is one, so that project and models move together.
    QString folder;
    if (!projectPath_.isEmpty()) {
        const QFileInfo p(projectPath_);
        folder = p.absolutePath() + "/" + p.completeBaseName() + "-models";
    } else {
        folder = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/models";
    }
    QDir().mkpath(folder);
    QString name = model_.organelle(organelle).name;
    name.replace(QRegularExpression("[^A-Za-z0-9_-]+"), "_");
    return folder + "/" + name + "-" +
           QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss-zzz") + ".cmodel";
}

Job* MainWindow::startTraining(TrainSettings settings, int organelle) {
    const int index = organelleOrActive(organelle);
    if (settings.modelPath.isEmpty())
        settings.modelPath = newModelPath(index);
    return ui::startTraining(jobs_, model_, index, settings);
}

Job* MainWindow::startPrediction(const PredictSettings& settings, int organelle) {
    const int index = organelleOrActive(organelle);
    PredictSettings s = settings;
    if (s.modelPath.isEmpty() && !model_.organelle(index).modelPaths.isEmpty())
        s.modelPath = model_.organelle(index).modelPaths.back();
    return ui::startPrediction(jobs_, model_, index, s);
}

Job* MainWindow::startPostProcess(const PostProcessSettings& settings) {
    if (!model_.hasImage())
        throw InvalidArgument("Open a volume first.");
    return ui::startPostProcess(jobs_, model_, settings);
}

Job* MainWindow::startEvaluation(const EvaluationRequest& request) {
    organelleOrActive(request.organelle);
    QPointer<EvaluationPanel> panel(evaluation_);
    EvaluationRequest r = request;
    return ui::startEvaluation(jobs_, model_, r, [panel](const EvaluationRow& row) {
        if (panel)
            panel->addRow(row);
    });
}

void MainWindow::exportLabels(const QString& path, int organelle, ExportSource source) {
    const Volume labels =
        organelle < 0 ? multiLabelVolume(model_, source) : organelleMask(model_, organelle, source);
    if (labels.isNull())
        throw InvalidArgument(model_.organelle(organelle).name.toStdString() +
                              " has nothing to export from that source yet.");
    std::lock_guard<std::mutex> lock(fileIoMutex());
    exportLabelVolume(path, labels);
}

void MainWindow::exportSurface(const QString& path, int organelle, ExportSource source) {
    if (organelle < 0 || organelle >= model_.organelleCount())
        throw InvalidArgument("choose one organelle for a surface");
    const Volume mask = organelleMask(model_, organelle, source);
    if (mask.isNull())
        throw InvalidArgument(model_.organelle(organelle).name.toStdString() +
                              " has nothing to export from that source yet.");
    // Full resolution up to 512^3 voxels; larger volumes are reduced to that.
    const SurfaceInput input = prepareSurfaceInput(mask, 0.5, std::int64_t(512) * 512 * 512);
    if (input.isEmpty())
        throw InvalidArgument("the labels are empty: there is no surface to export");
    writeSurface(path, extractSurface(input));
}

void MainWindow::trainDialog(bool fineTune) {
    guarded(fineTune ? "Fine-tune" : "Train", [&] {
        const int index = organelleOrActive(-1);
        TrainDialog dialog(model_, index, fineTune, this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        TrainSettings s = dialog.settings();
        if (fineTune && s.baseModel.isEmpty())
            throw InvalidArgument("choose a base model to fine-tune");
        startTraining(s, index);
    });
}

void MainWindow::predictDialog() {
    guarded("Predict", [&] {
        const int index = organelleOrActive(-1);
        PredictDialog dialog(model_, index, this);
        if (dialog.exec() == QDialog::Accepted)
            startPrediction(dialog.settings(), index);
    });
}

void MainWindow::postProcessDialog() {
    guarded("Post-process", [&] {
        PostProcessDialog dialog(model_, this);
        if (dialog.exec() == QDialog::Accepted)
            startPostProcess(dialog.settings());
    });
}

void MainWindow::evaluateDialog() {
    guarded("Evaluate", [&] {
        organelleOrActive(-1);
        EvaluateDialog dialog(model_, this);
        if (dialog.exec() == QDialog::Accepted)
            startEvaluation(dialog.request());
    });
}

void MainWindow::exportDialog(bool surfaces) {
    guarded(surfaces ? "Export surface" : "Export labels", [&] {
        organelleOrActive(-1);
        ExportDialog dialog(model_, surfaces, this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        // Labels go to any extension a registered format writes, plugins' included.
        const QString filter = surfaces
                                   ? QString("Surfaces (*.stl *.ply *.obj)")
                                   : QString::fromStdString(volumeNameFilter(FileAccess::Write));
        const QString path = QFileDialog::getSaveFileName(this, dialog.windowTitle(), {}, filter);
        if (path.isEmpty())
            return;
        if (surfaces)
            exportSurface(path, dialog.organelle(), dialog.source());
        else
            exportLabels(path, dialog.organelle(), dialog.source());
        statusBar()->showMessage("Exported " + path, 5000);
    });
}

} // namespace cisterna::ui
