// The menus and keyboard shortcuts of the main window.
#include "ui/widgets/MainWindow.h"

#include "core/io/VolumeFileFilters.h"
#include "ui/render/Scene3D.h"
#include "ui/widgets/JobDialogs.h"
#include "ui/widgets/SliceView.h"
#include "ui/widgets/ThreeDView.h"
#include "ui/widgets/UserPrompts.h"
#include "ui/widgets/WindowLevelPanel.h"

#include <QAction>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>

namespace cisterna::ui {

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu("&File");
    file->addAction("&Open volume or project...", QKeySequence::Open, this, [this] {
        // Every extension a registered format reads, plugins' included.
        const QString filter = QString::fromStdString(volumeNameFilter(
                                   FileAccess::Read, "Volumes and projects", {"*.cisterna"})) +
                               ";;All files (*)";
        const QString path = QFileDialog::getOpenFileName(this, "Open", {}, filter);
        if (!path.isEmpty())
            openFile(path);
    });
    file->addAction("Open &folder (Zarr, N5, slices)...", this, [this] {
        const QString path = QFileDialog::getExistingDirectory(this, "Open folder");
        if (!path.isEmpty())
            openFile(path);
    });
    QAction* part =
        file->addAction("Open &part of the volume...", this, [this] { openBrowsedPart(); });
    QAction* pyramid = file->addAction("Build a p&yramid for browsing...", this, [this] {
        guarded("Build a pyramid", [&] { app_.buildBrowsingPyramid(); });
    });
    const auto updatePart = [this, part, pyramid] {
        part->setEnabled(model_.isBrowsing());
        pyramid->setEnabled(app_.canBuildBrowsingPyramid());
    };
    connect(&model_, &DocumentModel::imageChanged, this, updatePart);
    updatePart();
    file->addAction("Open &demo phantom", this, [this] { openDemo(); });
    recentMenu_ = file->addMenu("&Recent");
    rebuildRecentMenu();
    file->addSeparator();
    file->addAction("&Save project", QKeySequence::Save, this, [this] { save(); });
    file->addAction("Save project &as...", QKeySequence::SaveAs, this, [this] { saveAs(); });
    file->addSeparator();
    file->addAction("&Export labels...", QKeySequence("Ctrl+E"), this,
                    [this] { exportDialog(false); });
    file->addAction("Export &surface (STL, PLY, OBJ)...", this, [this] { exportDialog(true); });
    file->addSeparator();
    file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu("&Edit");
    UndoHistory* history = model_.undoHistory();
    QAction* undo = new QAction(this);
    undo->setShortcut(QKeySequence::Undo);
    connect(undo, &QAction::triggered, history, &UndoHistory::undo);
    QAction* redo = new QAction(this);
    redo->setShortcuts({QKeySequence::Redo, QKeySequence("Ctrl+Y")});
    connect(redo, &QAction::triggered, history, &UndoHistory::redo);
    const auto updateUndoActions = [history, undo, redo] {
        undo->setEnabled(history->canUndo());
        undo->setText(history->canUndo() ? "&Undo " + history->undoText() : "&Undo");
        redo->setEnabled(history->canRedo());
        redo->setText(history->canRedo() ? "&Redo " + history->redoText() : "&Redo");
    };
    connect(history, &UndoHistory::changed, this, updateUndoActions);
    updateUndoActions();
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addAction("&Voxel size...", this, [this] {
        if (!model_.hasImage())
            return;
        VoxelSizeDialog dialog(model_.voxelSize(), model_.hasVoxelSize(), this);
        if (dialog.exec() == QDialog::Accepted)
            guarded("Voxel size", [&] { model_.setVoxelSize(dialog.voxelSize()); });
    });
    edit->addAction("&Graph-cut settings...", this, [this] {
        GraphCutDialog dialog(graphCut_, this);
        if (dialog.exec() == QDialog::Accepted) {
            graphCut_ = dialog.settings();
            app_.cutRegion().settingsChanged();
        }
    });

    QMenu* tools = menuBar()->addMenu("&Tools");
    const auto toolAction = [&](const QString& text, const QString& key, Tool tool) {
        tools->addAction(text, QKeySequence(key), this, [this, tool] { tools_.setTool(tool); });
    };
    toolAction("&Navigate", "N", Tool::Navigate);
    toolAction("&Object brush", "B", Tool::ObjectBrush);
    toolAction("Back&ground brush", "G", Tool::BackgroundBrush);
    toolAction("&Eraser", "E", Tool::Eraser);
    tools->addSeparator();
    tools->addAction("S&maller brush", QKeySequence("["), this, [this] { tools_.shrinkBrush(); });
    tools->addAction("&Larger brush", QKeySequence("]"), this, [this] { tools_.growBrush(); });
    tools->addAction("Paint strokes / &labels", QKeySequence("L"), this, [this] {
        tools_.setTarget(tools_.target() == PaintTarget::Strokes ? PaintTarget::Labels
                                                                 : PaintTarget::Strokes);
    });
    tools->addSeparator();
    tools->addAction("Next slice", QKeySequence("."), this,
                     [this] { focusedView()->stepSlice(1); });
    tools->addAction("Previous slice", QKeySequence(","), this,
                     [this] { focusedView()->stepSlice(-1); });
    tools->addAction("Next &organelle", QKeySequence("O"), this, [this] {
        if (model_.organelleCount() > 0)
            model_.setActiveOrganelle((model_.activeOrganelle() + 1) % model_.organelleCount());
    });

    QMenu* segment = menuBar()->addMenu("&Segment");
    segment->addAction("&Graph cut", QKeySequence("Ctrl+G"), this,
                       [this] { guarded("Graph cut", [this] { startGraphCut(); }); });
    // The loop with the network closed: the prediction is the data term, a few
    // correction strokes fix its mistakes, and the result goes to Fine-tune.
    segment->addAction("&Refine cut with the prediction", this,
                       [this] { guarded("Refine cut", [this] { app_.startRefineCut(); }); });
    QAction* train = segment->addAction("&Train...", QKeySequence("Ctrl+T"), this,
                                        [this] { trainDialog(false); });
    QAction* finetune = segment->addAction("&Fine-tune...", this, [this] { trainDialog(true); });
    QAction* predict = segment->addAction("&Predict...", QKeySequence("Ctrl+P"), this,
                                          [this] { predictDialog(); });
    QAction* post = segment->addAction("P&ost-process...", this, [this] { postProcessDialog(); });
    for (QAction* a : {train, finetune, predict, post}) {
        a->setEnabled(learningAvailable());
        if (!learningAvailable())
            a->setToolTip("This Cisterna was built without LibTorch");
    }
    segment->addSeparator();
    segment->addAction("&Evaluate...", this, [this] { evaluateDialog(); });

    QMenu* view = menuBar()->addMenu("&View");
    view->addAction("&Reset slice views", QKeySequence("0"), this, [this] {
        for (SliceView* v : views_)
            v->resetView();
    });
    view->addAction("&Auto contrast", QKeySequence("Ctrl+Shift+A"), this,
                    [this] { contrast_->autoWindow(); });
    QAction* planes = view->addAction("Image planes in 3D");
    planes->setCheckable(true);
    planes->setChecked(true);
    connect(planes, &QAction::toggled, this, [this](bool on) {
        scene_->setPlanesVisible(on);
        threeD_->sceneChanged();
    });
    view->addAction("Reset 3D &camera", this, [this] { threeD_->resetCamera(); });
    QAction* live = view->addAction("&Live classifier preview");
    live->setShortcut(QKeySequence("Ctrl+Shift+L"));
    live->setCheckable(true);
    live->setChecked(preview_.isEnabled());
    live->setToolTip("P(object) of the voxel classifier over the slices while you paint");
    connect(live, &QAction::toggled, &preview_, &ClassifierPreview::setEnabled);
    connect(&preview_, &ClassifierPreview::enabledChanged, live, &QAction::setChecked);
    view->addSeparator();
    for (QDockWidget* d : findChildren<QDockWidget*>())
        view->addAction(d->toggleViewAction());

    QMenu* help = menuBar()->addMenu("&Help");
    help->addAction("&Keyboard shortcuts", this, [this] {
        QMessageBox::information(
            this, "Keyboard shortcuts",
            "N navigate · B object brush · G background brush · E eraser\n"
            "[ / ] brush size · L paint strokes or labels · O next organelle\n"
            "Wheel or Up/Down: slice · PageUp/PageDown: 10 slices · . and , : slice\n"
            "Ctrl+wheel or +/-: zoom · 0: reset views · middle/right drag: pan\n"
            "Ctrl+Shift+L: live classifier preview on or off\n"
            "Ctrl+Z / Ctrl+Shift+Z: undo / redo · Ctrl+G graph cut · Ctrl+T train · Ctrl+P "
            "predict\n"
            "Ctrl+S save project · Ctrl+O open · Ctrl+E export labels\n"
            "3D view: drag to rotate, right drag or wheel to zoom, middle drag to pan, r reset");
    });
}

void MainWindow::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList files = app_.recentFiles().list();
    for (const QString& path : files)
        recentMenu_
            ->addAction(QFileInfo(path).fileName(), this,
                        [this, path] {
                            if (!QFileInfo::exists(path)) {
                                prompts_->showError(this, "Cisterna", path + " no longer exists.");
                                app_.recentFiles().remove(path);
                                rebuildRecentMenu();
                                return;
                            }
                            openFile(path);
                        })
            ->setToolTip(path);
    if (files.isEmpty())
        recentMenu_->addAction("(none)")->setEnabled(false);
    else {
        recentMenu_->addSeparator();
        recentMenu_->addAction("Clear list", this, [this] {
            app_.recentFiles().clear();
            rebuildRecentMenu();
        });
    }
}

} // namespace cisterna::ui
