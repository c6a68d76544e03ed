#pragma once
// The main window: three linked slice views and the 3D view, the organelle, tool,
// contrast, jobs and evaluation panels, menus with keyboard shortcuts, projects with
// autosave and crash recovery. Everything slow runs as a job, so the window never
// freezes.
#include "ui/model/Autosave.h"
#include "ui/model/ClassifierPreview.h"
#include "ui/model/DocumentModel.h"
#include "ui/model/EvaluationJob.h"
#include "ui/model/GraphCutJob.h"
#include "ui/model/JobManager.h"
#include "ui/model/LabelExport.h"
#include "ui/model/LearningJobs.h"
#include "ui/model/ProjectFile.h"
#include "ui/model/RecentFiles.h"
#include "ui/model/ToolState.h"

#include <QMainWindow>
#include <QTimer>

#include <memory>

class QLabel;
class QMenu;

namespace cisterna::ui {

class EvaluationPanel;
class JobsPanel;
class OrganellePanel;
class Scene3D;
class SceneUpdater;
class SliceView;
class ThreeDView;
class ToolPanel;
class UserPrompts;
class WindowLevelPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // `autosaveFolder` empty: the user's data folder.
    explicit MainWindow(QWidget* parent = nullptr, const QString& autosaveFolder = {});
    ~MainWindow() override;

    // The questions the window asks (dialogs by default; tests script them).
    void setPrompts(std::unique_ptr<UserPrompts> prompts);

    DocumentModel* document() { return &model_; }
    ToolState* tools() { return &tools_; }
    ClassifierPreview* classifierPreview() { return &preview_; }
    JobManager* jobs() { return &jobs_; }
    SliceView* sliceView(int index) { return views_[index]; }
    ThreeDView* threeDView() { return threeD_; }
    Scene3D* scene() { return scene_.get(); }
    SceneUpdater* sceneUpdater() { return updater_; }
    OrganellePanel* organellePanel() { return organelles_; }
    JobsPanel* jobsPanel() { return jobsPanel_; }
    EvaluationPanel* evaluationPanel() { return evaluation_; }
    ToolPanel* toolPanel() { return toolPanel_; }
    WindowLevelPanel* windowLevelPanel() { return contrast_; }

    // Opening (in the background; loadFinished tells the outcome).
    void openDemo(int size = 128, std::uint64_t seed = 1);
    void openFile(const QString& path); // a volume in any format, or a .cisterna project
    void openProject(const QString& path);
    bool isBusy() const { return loading_ != nullptr; }

    // Projects. saveProject is synchronous and returns false after telling the user.
    const QString& projectPath() const { return projectPath_; }
    bool saveProject(const QString& path);
    bool save(); // to the current project, asking for a path the first time
    bool saveAs();
    bool autosaveNow(); // false when there was nothing to save or it failed
    void setAutosaveInterval(int milliseconds);
    AutosaveStore& autosaveStore() { return autosave_; }
    // Offers to restore what a crashed session left (call once the window is shown).
    void checkForRecovery();

    // Jobs on the active organelle (or the given one). They throw InvalidArgument with a
    // sentence for the user when they cannot start; the menu actions show it.
    Job* startGraphCut(int organelle = -1);
    Job* startTraining(TrainSettings settings, int organelle = -1);
    Job* startPrediction(const PredictSettings& settings, int organelle = -1);
    Job* startPostProcess(const PostProcessSettings& settings);
    Job* startEvaluation(const EvaluationRequest& request);
    GraphCutSettings& graphCutSettings() { return graphCut_; }
    GraphCutSessions& graphCutSessions() { return graphCutSessions_; }
    QString newModelPath(int organelle) const;

    // Exports (synchronous; throw on failure).
    void exportLabels(const QString& path, int organelle, ExportSource source);
    void exportSurface(const QString& path, int organelle, ExportSource source);

signals:
    void loadFinished(bool ok, const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildLayout();
    void buildMenus();
    void rebuildRecentMenu();
    void showHover(const Index3& voxel);
    void showJobOutcome(Job* job);
    void startLoad(const QString& title, JobWork work);
    void installDemo(const QString& spec, Volume image, Volume labels);
    void afterImageLoaded(const QString& path);
    void guarded(const QString& what, const std::function<void()>& action);
    int organelleOrActive(int organelle) const;
    void updateTitle();
    SliceView* focusedView() const;
    // Menu handlers that show dialogs.
    void trainDialog(bool fineTune);
    void predictDialog();
    void postProcessDialog();
    void evaluateDialog();
    void exportDialog(bool surfaces);

    DocumentModel model_;
    ToolState tools_;
    // After model_: it follows the document's strokes, image and cursor.
    ClassifierPreview preview_{&model_};
    // Before jobs_: a running cut's job refers to its session until it ends.
    GraphCutSessions graphCutSessions_;
    JobManager jobs_;
    std::unique_ptr<Scene3D> scene_;
    SceneUpdater* updater_ = nullptr;
    SliceView* views_[3] = {};
    ThreeDView* threeD_ = nullptr;
    OrganellePanel* organelles_ = nullptr;
    ToolPanel* toolPanel_ = nullptr;
    WindowLevelPanel* contrast_ = nullptr;
    JobsPanel* jobsPanel_ = nullptr;
    EvaluationPanel* evaluation_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* toolStatus_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    std::unique_ptr<UserPrompts> prompts_;
    Job* loading_ = nullptr;
    QString projectPath_;
    RecentFiles recent_;
    AutosaveStore autosave_;
    QTimer autosaveTimer_;
    std::uint64_t autosavedChanges_ = 0;
    GraphCutSettings graphCut_;
    bool closing_ = false;
};

} // namespace cisterna::ui
