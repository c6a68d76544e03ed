#pragma once
// A live preview of the voxel classifier while the user paints, like ilastik's live
// update: after each finished stroke (and undo or redo) of the active organelle the
// random forest of the graph cut's learned term is retrained on the strokes and
// P(object) is predicted for the planes the three slice views show; moving to
// another slice predicts that plane with the last forest. The slice views draw it
// under the strokes.
//
// The voxel features (25 bytes per voxel with the default options) are computed
// once per image, lazily (when the active organelle first has strokes), off the UI
// thread; they are dropped when the image or its voxel size changes, or when the
// preview is turned off. When they do not fit in memory the preview says so in one
// sentence and stays off.
//
// Threads: a request is built on the UI thread from immutable state only (a snapshot
// of the strokes, shared const features and forest, the planes to predict) and runs
// on its own thread (napari's layer-slicer pattern). One runs at a time; a newer need
// cancels the running one, and when that returns the newest request is built from
// the state then. Results come back as queued calls to the UI thread, which drops
// those of an older strokes snapshot, so an older result is never shown after a
// newer one. No lock guards shared mutable state: the worker reads only its request
// and writes only its result.
#include "ui/model/DocumentModel.h"
#include "ui/model/SliceGeometry.h"

#include "core/graphcut/StrokeClassifier.h"
#include "core/util/Progress.h"
#include "core/util/Stopwatch.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace cisterna::ui {

// The plane along core's axis (0 = z, 1 = y, 2 = x) that a view of this axis shows.
int planeAxisOf(ViewAxis axis);

// What the worker gets: everything it reads, none of it shared mutably.
struct PreviewRequest {
    std::uint64_t id = 0;
    int organelleUid = 0;
    std::uint64_t strokesVersion = 0;
    Volume image;   // for the planes' voxel size and origin
    Volume strokes; // a snapshot, read only when there is no forest yet
    std::shared_ptr<const FeatureStack> features;
    std::shared_ptr<const RandomForest> forest; // null: train one on the strokes
    StrokeClassifierOptions options;
    std::vector<std::pair<ViewAxis, std::int64_t>> planes; // (view axis, slice)
};

struct PreviewPlane {
    ViewAxis axis = ViewAxis::XY;
    std::int64_t slice = -1;
    int organelleUid = 0;
    std::uint64_t strokesVersion = 0;
    Volume probability; // P(object) x 255, one voxel thick along the view's axis
};

struct PreviewResult {
    std::uint64_t id = 0;
    int organelleUid = 0;
    std::uint64_t strokesVersion = 0;
    std::shared_ptr<const RandomForest> forest; // null when a class has no strokes
    std::int64_t objectSamples = 0, backgroundSamples = 0;
    std::vector<PreviewPlane> planes;
    double trainSeconds = 0, predictSeconds = 0;
    bool cancelled = false; // the planes are incomplete (the forest may still be there)
};

// The worker's part, callable from any thread: trains (when the request has no
// forest) and predicts the planes. Cancellation through `progress` ends it early with
// `cancelled` set, keeping a forest already trained.
PreviewResult runPreviewRequest(const PreviewRequest& request, const Progress& progress = {});

enum class PreviewState {
    Off,               // turned off by the user, or no image
    NeedStrokes,       // the active organelle lacks strokes of one class or both
    ComputingFeatures, // the image's voxel features are being computed
    Updating,          // training or predicting
    Ready,             // the planes shown are up to date
    Unavailable,       // the features do not fit in memory (or failed)
};

class ClassifierPreview : public QObject {
    Q_OBJECT
public:
    explicit ClassifierPreview(DocumentModel* document, QObject* parent = nullptr);
    ~ClassifierPreview() override; // cancels its threads and waits for them

    bool isEnabled() const { return enabled_; }
    // Off cancels the work and frees the features; on starts again from the strokes.
    void setEnabled(bool enabled);
    // The classifier's settings (tests use smaller forests); drops the features and
    // the forest.
    void setOptions(const StrokeClassifierOptions& options);
    const StrokeClassifierOptions& options() const { return options_; }

    PreviewState state() const { return state_; }
    // One sentence for the user: what the preview shows, or why it shows nothing.
    const QString& statusText() const { return status_; }

    // P(object) x 255 of plane `slice` of a view along `axis` for this organelle, or a
    // null volume when there is none (off, not computed yet, another organelle).
    Volume plane(ViewAxis axis, std::int64_t slice, int organelleUid) const;

    // The current image's voxel features when they are computed (else null), for the
    // graph cut's learned term: one computation serves both.
    std::shared_ptr<const FeatureStack> currentFeatures() const;

    // Takes a new snapshot of the active organelle's strokes if they changed and
    // updates the preview. Called on its own after finished strokes, undo and redo
    // (and, debounced, after other edits of the strokes layer).
    void update();

    // For tests and timings.
    bool isIdle() const; // nothing running and nothing left to do
    bool hasFeatures() const { return features_ != nullptr; }
    double featureSeconds() const { return featureSeconds_; }
    // From the strokes snapshot to its planes installed, for the last retraining.
    double lastLatencySeconds() const { return latencySeconds_; }
    int droppedResults() const { return dropped_; } // superseded or cancelled requests
    int trainings() const { return trainings_; }    // forests installed

signals:
    void planeReady(cisterna::ui::ViewAxis axis); // a new preview plane to draw
    void planesCleared();                         // nothing to draw any more
    void statusChanged();
    void enabledChanged(bool enabled);

private:
    struct ImageKey {
        const void* data = nullptr;
        Shape3 shape;
        Vec3d voxelSize;
        bool operator==(const ImageKey& o) const {
            return data == o.data && shape == o.shape && voxelSize == o.voxelSize;
        }
    };
    struct Running {
        std::uint64_t id = 0;
        std::uint64_t strokesVersion = 0;
        int organelleUid = 0;
        std::array<std::int64_t, 3> slices{};
        std::shared_ptr<CancelToken> cancel;
        std::thread thread;
    };

    ImageKey currentImageKey() const;
    int activeUid() const;
    std::array<std::int64_t, 3> currentSlices() const;
    void onImageChanged();
    void takeSnapshot();
    void schedule(); // starts what is needed now, or cancels what is obsolete
    void startFeatures();
    void featuresDone(const ImageKey& key, std::shared_ptr<const FeatureStack> features,
                      const QString& error, bool cancelled);
    void requestDone(PreviewResult result);
    void stopAll(); // cancels and joins every thread
    void dropFeatures();
    void clearPlanes();
    void setState(PreviewState state, const QString& text);

    DocumentModel* document_;
    bool enabled_ = true;
    StrokeClassifierOptions options_;
    PreviewState state_ = PreviewState::Off;
    QString status_;

    // Features of the image `featureKey_` (or being computed for it).
    ImageKey featureKey_;
    std::shared_ptr<const FeatureStack> features_;
    QString unavailable_; // why the features cannot be had for featureKey_
    std::thread featureThread_;
    std::shared_ptr<CancelToken> featureCancel_;
    Stopwatch featureClock_;
    double featureSeconds_ = 0;

    // The strokes snapshot the preview follows.
    int snapshotUid_ = 0;
    Volume snapshot_;
    std::uint64_t version_ = 0;
    std::uint64_t edits_ = 0, snapshotEdits_ = 0; // edits of the active strokes layer
    Stopwatch snapshotClock_;
    QTimer debounce_;

    // The last forest, for the snapshot it was trained on.
    std::shared_ptr<const RandomForest> forest_;
    int forestUid_ = 0;
    std::uint64_t forestVersion_ = 0;
    std::int64_t forestObjects_ = 0, forestBackground_ = 0;
    std::uint64_t missingClassVersion_ = 0; // snapshot known to lack a class (0: none)
    QString missingClassText_;

    std::array<PreviewPlane, 3> planes_;
    std::unique_ptr<Running> running_;
    std::uint64_t nextId_ = 1;
    double latencySeconds_ = 0;
    std::uint64_t latencyVersion_ = 0;
    std::uint64_t failedVersion_ = 0; // snapshot whose request failed (0: none)
    QString failure_;
    int dropped_ = 0;
    int trainings_ = 0;
};

} // namespace cisterna::ui
