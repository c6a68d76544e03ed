#pragma once
// The main window: three linked slice views and the 3D view, the organelle, tool,
// contrast, jobs and evaluation panels, menus with keyboard shortcuts. It shows the
// application model (AppModel: document, jobs, projects, autosave and recovery) and
// asks the user what the model cannot decide. Everything slow runs as a job, so the
// window never freezes.
#include "ui/model/AppModel.h"

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

    AppModel* app() { return &app_; }
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
    void openDemo(int size = 128, std::uint64_t seed = 1) { app_.openDemo(size, seed); }
    void openFile(const QString& path) { app_.openFile(path); }
    void openProject(const QString& path) { app_.openProject(path); }
    bool isBusy() const { return app_.isLoading(); }

    // Projects. saveProject is synchronous and returns false after telling the user.
    const QString& projectPath() const { return app_.projectPath(); }
    bool saveProject(const QString& path);
    bool save(); // to the current project, asking for a path the first time
    bool saveAs();
    bool autosaveNow() { return app_.autosaveNow(); }
    void setAutosaveInterval(int milliseconds) { app_.setAutosaveInterval(milliseconds); }
    AutosaveStore& autosaveStore() { return app_.autosaveStore(); }
    // Offers to restore what a crashed session left (call once the window is shown).
    void checkForRecovery() { app_.checkForRecovery(); }

    // Jobs on the active organelle (or the given one). They throw InvalidArgument with a
    // sentence for the user when they cannot start; the menu actions show it.
    Job* startGraphCut(int organelle = -1) { return app_.startGraphCut(organelle); }
    Job* startTraining(TrainSettings settings, int organelle = -1) {
        return app_.startTraining(std::move(settings), organelle);
    }
    Job* startPrediction(const PredictSettings& settings, int organelle = -1) {
        return app_.startPrediction(settings, organelle);
    }
    Job* startPostProcess(const PostProcessSettings& settings) {
        return app_.startPostProcess(settings);
    }
    Job* startEvaluation(const EvaluationRequest& request); // rows go to the panel
    GraphCutSettings& graphCutSettings() { return graphCut_; }
    GraphCutSessions& graphCutSessions() { return app_.graphCutSessions(); }
    QString newModelPath(int organelle) const { return app_.newModelPath(organelle); }

    // Exports (synchronous; throw on failure).
    void exportLabels(const QString& path, int organelle, ExportSource source) {
        app_.exportLabels(path, organelle, source);
    }
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
    void askForVoxelSize();
    // While browsing a volume larger than memory: open the part around the cursor.
    void openBrowsedPart();
    void guarded(const QString& what, const std::function<void()>& action);
    int organelleOrActive(int organelle) const { return app_.organelleOrActive(organelle); }
    void updateTitle();
    SliceView* focusedView() const;
    // Menu handlers that show dialogs.
    void trainDialog(bool fineTune);
    void predictDialog();
    void postProcessDialog();
    void evaluateDialog();
    void exportDialog(bool surfaces);

    AppModel app_;
    // Short names for what the window shows of app_.
    DocumentModel& model_{app_.document()};
    ToolState& tools_{app_.tools()};
    ClassifierPreview& preview_{app_.preview()};
    JobManager& jobs_{app_.jobs()};
    GraphCutSettings& graphCut_{app_.graphCutSettings()};
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
    bool closing_ = false;
};

} // namespace cisterna::ui
