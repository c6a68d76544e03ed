#include "ui/model/ClassifierPreview.h"

#include "ui/model/UndoHistory.h"

#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <QLocale>

#include <algorithm>
#include <cmath>

namespace cisterna::ui {

int planeAxisOf(ViewAxis axis) {
    return axis == ViewAxis::XY ? 0 : axis == ViewAxis::XZ ? 1 : 2;
}

PreviewResult runPreviewRequest(const PreviewRequest& q, const Progress& progress) {
    if (!q.features)
        throw InvalidArgument("the live preview has no voxel features");
    PreviewResult r;
    r.id = q.id;
    r.organelleUid = q.organelleUid;
    r.strokesVersion = q.strokesVersion;
    r.forest = q.forest;
    try {
        if (!r.forest) {
            Stopwatch t;
            const StrokeSamples s =
                sampleStrokes(*q.features, q.strokes, q.options.samplesPerClass);
            for (const std::uint8_t label : s.samples.labels)
                ++(label ? r.objectSamples : r.backgroundSamples);
            if (r.objectSamples == 0 || r.backgroundSamples == 0)
                return r;
            progress.throwIfCancelled();
            r.forest = std::make_shared<const RandomForest>(
                RandomForest::train(s.samples, q.options.forest));
            r.trainSeconds = t.seconds();
        }
        Stopwatch t;
        for (const auto& [axis, slice] : q.planes) {
            PreviewPlane p;
            p.axis = axis;
            p.slice = slice;
            p.organelleUid = q.organelleUid;
            p.strokesVersion = q.strokesVersion;
            p.probability =
                predictProbability(*q.features, *r.forest, q.image,
                                   planeBox(q.features->shape, planeAxisOf(axis), slice), progress);
            r.planes.push_back(std::move(p));
        }
        r.predictSeconds = t.seconds();
    } catch (const Cancelled&) {
        r.cancelled = true;
    }
    return r;
}

namespace {

QString seconds(double s) {
    return QString::number(s, 'f', s < 10 ? 1 : 0) + " s";
}

} // namespace

ClassifierPreview::ClassifierPreview(DocumentModel* document, QObject* parent)
    : QObject(parent), document_(document) {
    // Strokes painted outside the undo stack (a project loaded, a layer replaced) are
    // picked up once the edits pause; finished strokes, undo and redo at once.
    debounce_.setSingleShot(true);
    debounce_.setInterval(1000);
    connect(&debounce_, &QTimer::timeout, this, &ClassifierPreview::update);
    connect(document_, &DocumentModel::imageChanged, this, &ClassifierPreview::onImageChanged);
    connect(document_, &DocumentModel::activeOrganelleChanged, this, &ClassifierPreview::update);
    connect(document_, &DocumentModel::organellesChanged, this, &ClassifierPreview::update);
    connect(document_, &DocumentModel::layerChanged, this, [this](int organelle, int layer) {
        if (layer != int(Layer::Strokes) || organelle != document_->activeOrganelle())
            return;
        ++edits_;
        if (enabled_)
            debounce_.start();
    });
    connect(document_->undoHistory(), &UndoHistory::indexChanged, this, &ClassifierPreview::update);
    connect(document_, &DocumentModel::cursorChanged, this, [this] {
        if (enabled_)
            schedule();
    });
    update();
}

ClassifierPreview::~ClassifierPreview() {
    stopAll();
}

void ClassifierPreview::stopAll() {
    if (featureCancel_)
        featureCancel_->cancel();
    if (running_)
        running_->cancel->cancel();
    // Their results, already queued or not, go with this object.
    if (featureThread_.joinable())
        featureThread_.join();
    if (running_ && running_->thread.joinable())
        running_->thread.join();
    running_.reset();
}

void ClassifierPreview::setEnabled(bool enabled) {
    if (enabled == enabled_)
        return;
    enabled_ = enabled;
    if (!enabled) {
        // The threads end on their own; their results are dropped on arrival.
        if (running_)
            running_->cancel->cancel();
        debounce_.stop();
        dropFeatures();
        forest_.reset();
        snapshot_ = Volume();
        snapshotUid_ = 0;
        clearPlanes();
    }
    emit enabledChanged(enabled);
    update();
}

void ClassifierPreview::setOptions(const StrokeClassifierOptions& options) {
    options_ = options;
    dropFeatures();
    forest_.reset();
    clearPlanes();
    ++edits_; // a new snapshot: a running request's forest had the old options
    update();
}

Volume ClassifierPreview::plane(ViewAxis axis, std::int64_t slice, int organelleUid) const {
    const PreviewPlane& p = planes_[std::size_t(planeAxisOf(axis))];
    if (!enabled_ || p.probability.isNull() || p.slice != slice || p.organelleUid != organelleUid)
        return {};
    return p.probability;
}

bool ClassifierPreview::isIdle() const {
    return !running_ && !featureThread_.joinable() && !debounce_.isActive() &&
           state_ != PreviewState::Updating && state_ != PreviewState::ComputingFeatures;
}

ClassifierPreview::ImageKey ClassifierPreview::currentImageKey() const {
    const Volume& image = document_->image();
    return {image.data(), image.shape(), image.voxelSize()};
}

std::shared_ptr<const FeatureStack> ClassifierPreview::currentFeatures() const {
    return features_ && featureKey_ == currentImageKey() ? features_ : nullptr;
}

int ClassifierPreview::activeUid() const {
    const int index = document_->activeOrganelle();
    return index >= 0 && index < document_->organelleCount() ? document_->organelle(index).uid : 0;
}

std::array<std::int64_t, 3> ClassifierPreview::currentSlices() const {
    const Index3& c = document_->cursor();
    return {c.z, c.y, c.x}; // the slices of the XY, XZ and YZ views
}

void ClassifierPreview::onImageChanged() {
    if (!(currentImageKey() == featureKey_))
        dropFeatures(); // another image, or another voxel size: other features
    forest_.reset();
    clearPlanes();
    ++edits_; // the organelles are new (or the features are): a new snapshot
    update();
}

void ClassifierPreview::dropFeatures() {
    if (featureCancel_)
        featureCancel_->cancel();
    features_.reset();
    featureKey_ = ImageKey();
    unavailable_.clear();
}

void ClassifierPreview::clearPlanes() {
    bool any = false;
    for (PreviewPlane& p : planes_) {
        any = any || !p.probability.isNull();
        p = PreviewPlane();
    }
    if (any)
        emit planesCleared();
}

void ClassifierPreview::setState(PreviewState state, const QString& text) {
    if (state == state_ && text == status_)
        return;
    state_ = state;
    status_ = text;
    emit statusChanged();
}

void ClassifierPreview::update() {
    if (!enabled_) {
        schedule();
        return;
    }
    debounce_.stop();
    if (activeUid() != snapshotUid_ || edits_ != snapshotEdits_ || version_ == 0)
        takeSnapshot();
    schedule();
}

void ClassifierPreview::takeSnapshot() {
    snapshotUid_ = activeUid();
    const int index = document_->indexOfUid(snapshotUid_);
    snapshot_ = Volume();
    if (snapshotUid_ != 0 && index >= 0 && document_->hasImage()) {
        // A handle is a snapshot: the brush copies the layer before painting on.
        const Volume& strokes = document_->layer(index, Layer::Strokes);
        if (!strokes.isNull() && strokes.shape() == document_->shape())
            snapshot_ = strokes;
    }
    ++version_;
    snapshotEdits_ = edits_;
    snapshotClock_.restart();
}

void ClassifierPreview::schedule() {
    if (!enabled_) {
        setState(PreviewState::Off, "Live classifier preview is off.");
        return;
    }
    if (!document_->hasImage()) {
        setState(PreviewState::Off, {});
        return;
    }
    const int uid = activeUid();
    if (uid == 0 || snapshot_.isNull() || snapshotUid_ != uid) {
        clearPlanes();
        setState(PreviewState::NeedStrokes,
                 "Live preview: paint object and background strokes to see P(object).");
        return;
    }
    if (missingClassVersion_ == version_) {
        clearPlanes();
        setState(PreviewState::NeedStrokes, missingClassText_);
        return;
    }
    if (failedVersion_ == version_) {
        clearPlanes();
        setState(PreviewState::Unavailable, failure_);
        return;
    }
    if (!unavailable_.isEmpty() && featureKey_ == currentImageKey()) {
        clearPlanes();
        setState(PreviewState::Unavailable, unavailable_);
        return;
    }
    if (!features_) {
        startFeatures();
        return;
    }
    const std::array<std::int64_t, 3> slices = currentSlices();
    if (running_) {
        // Still what is wanted: let it finish. Otherwise it is cancelled and the
        // newest request is built when it returns.
        if (running_->strokesVersion != version_ || running_->organelleUid != uid ||
            running_->slices != slices) {
            running_->cancel->cancel();
        }
        return;
    }

    PreviewRequest q;
    q.id = nextId_++;
    q.organelleUid = uid;
    q.strokesVersion = version_;
    q.image = document_->image();
    q.features = features_;
    q.options = options_;
    const bool reuse = forest_ && forestUid_ == uid && forestVersion_ == version_;
    if (reuse)
        q.forest = forest_;
    else
        q.strokes = snapshot_;
    const ViewAxis axes[3] = {ViewAxis::XY, ViewAxis::XZ, ViewAxis::YZ};
    for (int a = 0; a < 3; ++a) {
        const PreviewPlane& p = planes_[std::size_t(a)];
        if (p.probability.isNull() || p.slice != slices[std::size_t(a)] || p.organelleUid != uid ||
            p.strokesVersion != version_)
            q.planes.emplace_back(axes[a], slices[std::size_t(a)]);
    }
    if (reuse && q.planes.empty()) {
        setState(PreviewState::Ready,
                 QString("Live preview: P(object) learned from %1 object and %2 background "
                         "stroke samples, updated %3 after the stroke.")
                     .arg(QLocale().toString(qlonglong(forestObjects_)))
                     .arg(QLocale().toString(qlonglong(forestBackground_)))
                     .arg(seconds(latencySeconds_)));
        return;
    }
    if (!reuse)
        setState(PreviewState::Updating, "Live preview: training the classifier on the strokes.");
    else
        setState(PreviewState::Updating, status_); // a slice move: keep the text

    running_ = std::make_unique<Running>();
    running_->id = q.id;
    running_->strokesVersion = q.strokesVersion;
    running_->organelleUid = uid;
    running_->slices = slices;
    running_->cancel = std::make_shared<CancelToken>();
    std::shared_ptr<const CancelToken> cancel = running_->cancel;
    running_->thread = std::thread([this, q = std::move(q), cancel] {
        PreviewResult result;
        QString error;
        try {
            result = runPreviewRequest(q, Progress({}, cancel));
        } catch (const std::exception& e) {
            result.id = q.id;
            result.strokesVersion = q.strokesVersion;
            error = QString::fromStdString(e.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, result = std::move(result), error]() mutable {
                if (!error.isEmpty()) {
                    if (running_ && running_->id == result.id) {
                        running_->thread.join();
                        running_.reset();
                    }
                    // Not retried for these strokes: the next edit tries again.
                    failedVersion_ = result.strokesVersion;
                    failure_ = "Live preview failed: " + error;
                    schedule();
                    return;
                }
                requestDone(std::move(result));
            },
            Qt::QueuedConnection);
    });
}

void ClassifierPreview::requestDone(PreviewResult result) {
    if (running_ && running_->id == result.id) {
        running_->thread.join();
        running_.reset();
    }
    // A result of an older snapshot (or organelle, or of a preview turned off since)
    // is dropped: only the newest strokes are shown.
    const bool current = enabled_ && features_ && result.organelleUid == activeUid() &&
                         result.organelleUid == snapshotUid_ && result.strokesVersion == version_;
    if (!current) {
        ++dropped_;
        schedule();
        return;
    }
    if (!result.forest) {
        missingClassVersion_ = version_;
        missingClassText_ =
            result.objectSamples == 0 && result.backgroundSamples == 0
                ? "Live preview: paint object and background strokes to see P(object)."
            : result.objectSamples == 0
                ? "Live preview: paint object strokes too; the classifier needs both classes."
                : "Live preview: paint background strokes too; the classifier needs both "
                  "classes.";
        clearPlanes();
        schedule();
        return;
    }
    const bool retrained = result.forest != forest_;
    forest_ = result.forest;
    forestUid_ = result.organelleUid;
    forestVersion_ = result.strokesVersion;
    if (retrained) {
        ++trainings_;
        forestObjects_ = result.objectSamples;
        forestBackground_ = result.backgroundSamples;
    }
    if (result.cancelled)
        ++dropped_;
    // Planes finished before a cancel are as good as any: they belong to these strokes.
    for (PreviewPlane& p : result.planes) {
        const ViewAxis axis = p.axis;
        planes_[std::size_t(planeAxisOf(axis))] = std::move(p);
        emit planeReady(axis);
    }
    if (!result.planes.empty() && latencyVersion_ != version_) {
        latencyVersion_ = version_;
        latencySeconds_ = snapshotClock_.seconds();
    }
    schedule();
}

void ClassifierPreview::startFeatures() {
    if (featureThread_.joinable()) {
        // Computing already, or an older computation still ending after a cancel (its
        // return calls schedule() again).
        setState(PreviewState::ComputingFeatures, status_.startsWith("Live preview: computing")
                                                      ? status_
                                                      : "Live preview: computing voxel features.");
        return;
    }
    const ImageKey key = currentImageKey();
    featureKey_ = key;
    unavailable_.clear();
    featureCancel_ = std::make_shared<CancelToken>();
    const Volume image = document_->image();
    const VoxelFeatureOptions options = options_.features;
    const std::uint64_t bytes =
        std::uint64_t(image.voxelCount()) * std::uint64_t(voxelFeatureCount(options));
    const QString size = QString::fromStdString(humanBytesOf(bytes));
    const auto text = [size](double fraction) {
        return QString("Live preview: computing voxel features (%1), %2 %.")
            .arg(size)
            .arg(int(std::lround(100 * fraction)));
    };
    setState(PreviewState::ComputingFeatures, text(0));
    featureClock_.restart();
    std::shared_ptr<const CancelToken> cancel = featureCancel_;
    featureThread_ = std::thread([this, image, options, key, cancel, text] {
        const Progress progress(
            [this, text](double fraction, const std::string&) {
                QMetaObject::invokeMethod(
                    this,
                    [this, text, fraction] {
                        if (state_ == PreviewState::ComputingFeatures)
                            setState(PreviewState::ComputingFeatures, text(fraction));
                    },
                    Qt::QueuedConnection);
            },
            cancel);
        std::shared_ptr<const FeatureStack> features;
        QString error;
        bool cancelled = false;
        try {
            features = std::make_shared<const FeatureStack>(
                computeVoxelFeatures(image, options, progress));
        } catch (const Cancelled&) {
            cancelled = true;
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, key, features, error, cancelled] {
                featuresDone(key, features, error, cancelled);
            },
            Qt::QueuedConnection);
    });
}

void ClassifierPreview::featuresDone(const ImageKey& key,
                                     std::shared_ptr<const FeatureStack> features,
                                     const QString& error, bool cancelled) {
    if (featureThread_.joinable())
        featureThread_.join();
    // Still the image (and voxel size) they were computed for, and still wanted.
    if (enabled_ && !cancelled && key == currentImageKey() && key == featureKey_) {
        if (features) {
            features_ = std::move(features);
            featureSeconds_ = featureClock_.seconds();
        } else {
            // Nothing else depends on the preview: it says why and stays off.
            unavailable_ = "Live preview off: " + error;
        }
    }
    if (state_ == PreviewState::ComputingFeatures)
        state_ = PreviewState::Off; // schedule() sets what is true now
    schedule();
}

} // namespace cisterna::ui
