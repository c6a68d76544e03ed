#pragma once
// The application without its window (ITK-SNAP's GlobalUIModel): the open document
// and its tools, the jobs, the project it belongs to, autosave and crash recovery,
// the demo phantom, where trained models go. Every policy of the app lives here, so
// tests (and any other front end) run jobs, save and recover without a widget; the
// main window only shows this state and asks the user the questions it cannot answer
// itself (through the callbacks below).
#include "ui/model/Autosave.h"
#include "ui/model/ClassifierPreview.h"
#include "ui/model/CutRegionModel.h"
#include "ui/model/DocumentModel.h"
#include "ui/model/EvaluationJob.h"
#include "ui/model/GraphCutJob.h"
#include "ui/model/JobManager.h"
#include "ui/model/LabelExport.h"
#include "ui/model/LearningJobs.h"
#include "ui/model/ProjectState.h"
#include "ui/model/RecentFiles.h"
#include "ui/model/ToolState.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <optional>
#include <vector>

namespace cisterna::ui {

class AppModel : public QObject {
    Q_OBJECT
public:
    // `autosaveFolder` empty: the user's data folder.
    explicit AppModel(const QString& autosaveFolder = {}, QObject* parent = nullptr);
    ~AppModel() override; // cancels running jobs and waits for them

    DocumentModel& document() { return document_; }
    const DocumentModel& document() const { return document_; }
    ToolState& tools() { return tools_; }
    ClassifierPreview& preview() { return preview_; }
    JobManager& jobs() { return jobs_; }
    GraphCutSettings& graphCutSettings() { return graphCut_; }
    // The box the next cut covers; tell it when graphCutSettings() changed.
    CutRegionModel& cutRegion() { return cutRegion_; }
    GraphCutSessions& graphCutSessions() { return sessions_; }
    RecentFiles& recentFiles() { return recent_; }
    AutosaveStore& autosaveStore() { return autosave_; }

    // What the model cannot decide alone. Unset: the image is not looked for (the
    // project does not open) and no recovery is made.
    // The project's image is not where it was: the new path, or empty to give up.
    std::function<QString(const QString& oldPath)> locateMovedImage;
    // A crashed session left this autosave: restore it?
    std::function<bool(const LeftoverAutosave&)> offerRecovery;
    // The volume at `path` (of `shape`) does not fit in memory (`why`, with the
    // numbers): the part to open instead (`suggested` fits in half of what is free),
    // or none to open nothing.
    std::function<std::optional<Box3>(const QString& path, const QString& why, const Shape3& shape,
                                      const Box3& suggested)>
        chooseRegion;
    // Asked first for such a volume: browse it whole (lazily, read-only), open a part
    // (then chooseRegion asks which), or nothing. Unset: a part is offered.
    enum class LargeVolumeAction { Browse, OpenPart, Cancel };
    std::function<LargeVolumeAction(const QString& path, const QString& why)> chooseLargeVolume;

    // Opening, in the background: loadFinished tells the outcome; a newer request
    // cancels an older one still running.
    void openDemo(int size = 128, std::uint64_t seed = 1);
    void openFile(const QString& path); // a volume in any format, or a .cisterna project
    // A box of a volume file alone (none: the whole file), as for a volume larger than
    // memory; throws InvalidArgument, before any work, for a box outside the volume.
    void openFilePart(const QString& path, const std::optional<Box3>& region);
    // A volume shown lazily, chunk by chunk, from the coarsest level the zoom allows
    // (OME-Zarr pyramids; `cisterna-cli pyramid` writes one from any volume). Nothing
    // but the chunks in view is read, so any size opens in about a second.
    void browseFile(const QString& path);
    // While browsing: reads the coarsest level (when it is at most 512 MiB) and shrinks
    // it to at most 16 M voxels for the 3D view, in the background (browseFile starts
    // it after the first picture).
    Job* loadBrowsedOverview();
    // While browsing: the part around the cursor that fits in half of the free memory
    // (with its layers), to open for work.
    Box3 suggestedPartAroundCursor() const;
    // While browsing a volume that has no coarser levels (zoomed-out views then read
    // full resolution): writes a chunked OME-Zarr pyramid of it (pyramidPathFor), in
    // the background with progress and cancel, and browses that. browseFile takes
    // such a pyramid instead of its source from then on. CLI twin: cisterna-cli
    // pyramid. Throws InvalidArgument when not browsing.
    Job* buildBrowsingPyramid();
    // Where the pyramid of `source` goes: a "pyramids" folder beside the autosave
    // folder (the user's data), never next to the source, which may be read-only or
    // shared; the name holds the source's name and a hash of its absolute path.
    QString pyramidPathFor(const QString& source) const;
    // Browsing a volume with one level that is not already such a pyramid.
    bool canBuildBrowsingPyramid() const;
    void openProject(const QString& path);
    bool isLoading() const { return loading_ != nullptr; }

    // Projects. saveProject is synchronous and throws on failure (nothing on disk
    // changes then: the write is atomic).
    const QString& projectPath() const { return projectPath_; }
    // What the last saveProject() wrote and what it kept of the file it replaced.
    const ProjectWriteStats& lastSaveStats() const { return lastSave_; }
    void saveProject(const QString& path);
    // A suggestion for "Save as": the project, or the image's name.
    QString suggestedProjectPath() const;
    // False when there was nothing to save, the disk was busy or the write failed
    // (then `message` says why).
    bool autosaveNow();
    void setAutosaveInterval(int milliseconds);
    // Offers (offerRecovery) to restore what crashed sessions left, newest first;
    // those declined are discarded. True when one is being restored.
    bool checkForRecovery();
    // A clean exit: running jobs are dropped, and the autosave goes.
    void shutdown();

    // Jobs on the active organelle (or the given one). They throw InvalidArgument with
    // a sentence for the user when they cannot start.
    Job* startGraphCut(int organelle = -1);
    // The loop with the network closed: the prediction is the regional term, a few
    // correction strokes fix its mistakes, and the result goes to Fine-tune.
    Job* startRefineCut(int organelle = -1);
    // Training learns from settings.region, by default trainingRegion().
    Job* startTraining(TrainSettings settings, int organelle = -1);
    // The box the graph cut of the organelle's strokes covers (cutRegion()), whose
    // labels training learns from; none: the whole volume.
    std::optional<Box3> trainingRegion(int organelle = -1) const;
    Job* startPrediction(const PredictSettings& settings, int organelle = -1);
    Job* startPostProcess(const PostProcessSettings& settings);
    Job* startEvaluation(const EvaluationRequest& request,
                         std::function<void(const EvaluationRow&)> onResult);
    // Where a new model of `organelle` is saved: beside the project when there is one,
    // so that project and models move together, else in the user's data folder.
    QString newModelPath(int organelle) const;
    // `organelle` or the active one; throws InvalidArgument when there is none.
    int organelleOrActive(int organelle) const;

    // Exports label volumes (synchronous; throws on failure).
    void exportLabels(const QString& path, int organelle, ExportSource source);

    // "Cisterna - name *".
    QString windowTitle() const;

signals:
    void loadFinished(bool ok, const QString& message);
    // Something failed that the user must read (a file that did not open).
    void errorOccurred(const QString& text);
    // An image (a volume file, not a project or the demo) was opened: it may lack a
    // voxel size, which the window then asks for.
    void imageOpened(const QString& path);
    // The persistent status line, and transient messages for a few seconds.
    void statusChanged(const QString& text);
    void message(const QString& text, int milliseconds);
    void titleChanged();
    void recentFilesChanged();

private:
    void startLoad(const QString& title, JobWork work);
    // Throws InvalidArgument, saying why, unless an image is in memory.
    void requireImage() const;
    void installDemo(const QString& spec, Volume image, Volume labels);
    void setProjectPath(const QString& path);

    DocumentModel document_;
    ToolState tools_;
    // After document_: it follows the document's strokes, image and cursor.
    ClassifierPreview preview_{&document_};
    // Before jobs_: a running cut's job refers to its session until it ends.
    GraphCutSessions sessions_;
    JobManager jobs_;
    GraphCutSettings graphCut_;
    CutRegionModel cutRegion_{&document_, &graphCut_};
    Job* loading_ = nullptr;
    QString projectPath_;
    SavedLayers savedLayers_;     // what the project file on disk holds unchanged
    SavedLayers autosavedLayers_; // and what the session's autosave holds
    ProjectWriteStats lastSave_;
    RecentFiles recent_;
    AutosaveStore autosave_;
    QTimer autosaveTimer_;
    std::uint64_t autosavedChanges_ = 0;
};

} // namespace cisterna::ui
