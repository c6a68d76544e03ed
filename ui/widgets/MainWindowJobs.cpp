// The dialogs of the segmentation jobs and exports, and the surface export.
#include "ui/widgets/MainWindow.h"

#include "ui/render/SurfaceExport.h"
#include "ui/render/SurfaceExtractor.h"
#include "ui/widgets/EvaluationPanel.h"
#include "ui/widgets/JobDialogs.h"
#include "ui/widgets/UserPrompts.h"

#include "core/io/VolumeFileFilters.h"
#include "core/util/Error.h"

#include <vtkPolyData.h>

#include <QFileDialog>
#include <QStatusBar>

namespace cisterna::ui {

void MainWindow::guarded(const QString& what, const std::function<void()>& action) {
    try {
        action();
    } catch (const std::exception& e) {
        prompts_->showError(this, what, e.what());
    }
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
        TrainDialog dialog(model_, index, fineTune, app_.trainingRegion(index), this);
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
        PredictDialog dialog(model_, index, app_.trainingRegion(index), this);
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
