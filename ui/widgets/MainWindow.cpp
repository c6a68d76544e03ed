#include "ui/widgets/MainWindow.h"

#include "ui/model/WorkerDevices.h"

#include "ui/render/Scene3D.h"
#include "ui/render/SceneUpdater.h"
#include "ui/widgets/EvaluationPanel.h"
#include "ui/widgets/JobsPanel.h"
#include "ui/widgets/OrganellePanel.h"
#include "ui/widgets/SliceView.h"
#include "ui/widgets/ThreeDView.h"
#include "ui/widgets/ToolPanel.h"
#include "ui/widgets/UserPrompts.h"
#include "ui/widgets/WindowLevelPanel.h"

#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QPointer>
#include <QSplitter>
#include <QStatusBar>

namespace cisterna::ui {

MainWindow::MainWindow(QWidget* parent, const QString& autosaveFolder)
    : QMainWindow(parent), app_(autosaveFolder), scene_(std::make_unique<Scene3D>()),
      prompts_(std::make_unique<UserPrompts>()) {
    setWindowTitle("Cisterna");
    if (learningAvailable())
        askWorkerDevices(); // ready by the time the Train dialog opens
    setAcceptDrops(true);
    setDockNestingEnabled(true);
    updater_ = new SceneUpdater(&model_, scene_.get(), this);
    buildLayout();
    buildMenus();
    connect(&jobs_, &JobManager::jobFinished, this, &MainWindow::showJobOutcome);
    connect(&app_, &AppModel::titleChanged, this, &MainWindow::updateTitle);
    connect(&app_, &AppModel::statusChanged, status_, &QLabel::setText);
    connect(&app_, &AppModel::message, this,
            [this](const QString& text, int ms) { statusBar()->showMessage(text, ms); });
    connect(&app_, &AppModel::errorOccurred, this,
            [this](const QString& text) { prompts_->showError(this, "Cisterna", text); });
    connect(&app_, &AppModel::recentFilesChanged, this, &MainWindow::rebuildRecentMenu);
    connect(&app_, &AppModel::loadFinished, this, &MainWindow::loadFinished);
    connect(&app_, &AppModel::imageOpened, this, &MainWindow::askForVoxelSize);
    app_.locateMovedImage = [this](const QString& oldPath) {
        return prompts_->locateMovedImage(this, oldPath);
    };
    app_.chooseRegion = [this](const QString& path, const QString& why, const Shape3& shape,
                               const Box3& suggested) {
        return prompts_->chooseRegion(this, path, why, shape, suggested);
    };
    app_.chooseLargeVolume = [this](const QString& path, const QString& why) {
        return prompts_->chooseLargeVolume(this, path, why);
    };
    app_.offerRecovery = [this](const LeftoverAutosave& leftover) {
        return prompts_->offerRecovery(this, leftover);
    };
    connect(model_.undoHistory(), &UndoHistory::trimmed, this,
            [this](const QString& note) { statusBar()->showMessage(note, 15000); });
    connect(&tools_, &ToolState::changed, this, [this] {
        toolStatus_->setText(
            QString("%1 · %2 · radius %3 vx (%4 nm)")
                .arg(toolName(tools_.tool()))
                .arg(tools_.target() == PaintTarget::Strokes ? "strokes" : "labels")
                .arg(tools_.radiusVoxels())
                .arg(tools_.radiusNm(), 0, 'f', 1));
    });
    emit tools_.changed();
    resize(1500, 950);
}

MainWindow::~MainWindow() {
    // Workers hold copies of volume handles only; stop them before the panels go.
    jobs_.abandonAll();
}

Job* MainWindow::startEvaluation(const EvaluationRequest& request) {
    QPointer<EvaluationPanel> panel(evaluation_);
    return app_.startEvaluation(request, [panel](const EvaluationRow& row) {
        if (panel)
            panel->addRow(row);
    });
}

void MainWindow::setPrompts(std::unique_ptr<UserPrompts> prompts) {
    prompts_ = std::move(prompts);
}

void MainWindow::buildLayout() {
    auto* rows = new QSplitter(Qt::Vertical, this);
    auto* top = new QSplitter(Qt::Horizontal, rows);
    auto* bottom = new QSplitter(Qt::Horizontal, rows);
    const ViewAxis axes[3] = {ViewAxis::XY, ViewAxis::XZ, ViewAxis::YZ};
    for (int i = 0; i < 3; ++i) {
        views_[i] = new SliceView(&model_, &tools_, axes[i]);
        views_[i]->setPreview(&preview_);
        views_[i]->setCutRegion(&app_.cutRegion());
        connect(views_[i], &SliceView::hovered, this, &MainWindow::showHover);
        connect(views_[i], &SliceView::message, this,
                [this](const QString& text) { statusBar()->showMessage(text, 5000); });
    }
    threeD_ = new ThreeDView(scene_.get());
    connect(updater_, &SceneUpdater::sceneChanged, threeD_, &ThreeDView::sceneChanged);
    top->addWidget(views_[0]);    // XY
    top->addWidget(views_[2]);    // YZ beside it: shares the y axis
    bottom->addWidget(views_[1]); // XZ below: shares the x axis
    bottom->addWidget(threeD_);
    rows->addWidget(top);
    rows->addWidget(bottom);
    // Four equal quadrants: the views' size hints would otherwise decide.
    for (QSplitter* splitter : {rows, top, bottom}) {
        for (int i = 0; i < 2; ++i)
            splitter->setStretchFactor(i, 1);
        splitter->setSizes({1000, 1000}); // scaled to the space there is
    }
    setCentralWidget(rows);

    const auto dock = [this](const QString& title, QWidget* widget, Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(title);
        d->setWidget(widget);
        d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                       QDockWidget::DockWidgetClosable);
        addDockWidget(area, d);
        return d;
    };
    toolPanel_ = new ToolPanel(&tools_);
    toolPanel_->setPreview(&preview_);
    connect(toolPanel_, &ToolPanel::graphCutRequested, this,
            [this] { guarded("Graph cut", [this] { startGraphCut(); }); });
    organelles_ = new OrganellePanel(&model_);
    contrast_ = new WindowLevelPanel(&model_);
    jobsPanel_ = new JobsPanel(&jobs_);
    evaluation_ = new EvaluationPanel;
    connect(evaluation_, &EvaluationPanel::evaluateRequested, this, &MainWindow::evaluateDialog);
    dock("Tools", toolPanel_, Qt::LeftDockWidgetArea);
    dock("Organelles", organelles_, Qt::LeftDockWidgetArea);
    dock("Contrast", contrast_, Qt::RightDockWidgetArea);
    dock("Jobs", jobsPanel_, Qt::RightDockWidgetArea);
    dock("Evaluation", evaluation_, Qt::LeftDockWidgetArea);

    status_ = new QLabel(this);
    toolStatus_ = new QLabel(this);
    statusBar()->addWidget(status_, 1);
    statusBar()->addPermanentWidget(toolStatus_);
}

void MainWindow::updateTitle() {
    setWindowTitle(app_.windowTitle());
}

void MainWindow::showHover(const Index3& voxel) {
    const Volume& v = model_.image();
    if (v.isNull() || !v.shape().contains(voxel))
        return;
    const Vec3d s = model_.voxelSize();
    QString text = QString("z %1  y %2  x %3  (%4, %5, %6 nm)   value %7")
                       .arg(voxel.z)
                       .arg(voxel.y)
                       .arg(voxel.x)
                       .arg(voxel.z * s.z, 0, 'f', 0)
                       .arg(voxel.y * s.y, 0, 'f', 0)
                       .arg(voxel.x * s.x, 0, 'f', 0)
                       .arg(v.valueAt(voxel));
    for (int i = 0; i < model_.organelleCount(); ++i) {
        const Organelle& o = model_.organelle(i);
        QStringList parts;
        const auto at = [&](Layer l) {
            const Volume& layer = o.layer(l);
            return layer.isNull() ? -1 : int(layer.valueAt(voxel));
        };
        if (at(Layer::Strokes) > 0)
            parts << (at(Layer::Strokes) == 1 ? "object stroke" : "background stroke");
        if (at(Layer::Truth) > 0)
            parts << "label";
        if (at(Layer::Prediction) >= 0)
            parts << QString("p %1").arg(at(Layer::Prediction) / 255.0, 0, 'f', 2);
        if (!parts.isEmpty())
            text += QString("   %1: %2").arg(o.name, parts.join(", "));
    }
    status_->setText(text);
}

SliceView* MainWindow::focusedView() const {
    for (SliceView* v : views_)
        if (v->hasFocus())
            return v;
    return views_[0];
}

} // namespace cisterna::ui
