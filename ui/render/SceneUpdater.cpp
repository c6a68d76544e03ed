#include "ui/render/SceneUpdater.h"

#include <vtkPolyData.h>

#include <QPointer>

namespace cisterna::ui {

SceneUpdater::SceneUpdater(DocumentModel* document, Scene3D* scene, QObject* parent)
    : QObject(parent), document_(document), scene_(scene) {
    delay_.setSingleShot(true);
    delay_.setInterval(400);
    connect(&delay_, &QTimer::timeout, this, &SceneUpdater::flush);
    connect(document_, &DocumentModel::imageChanged, this, &SceneUpdater::onImageChanged);
    connect(document_, &DocumentModel::organellesChanged, this, &SceneUpdater::onOrganellesChanged);
    connect(document_, &DocumentModel::layerChanged, this, &SceneUpdater::onLayerChanged);
    connect(document_, &DocumentModel::cursorChanged, this, [this] {
        scene_->setPlanePosition(sceneCursor());
        emit sceneChanged();
    });
    connect(document_, &DocumentModel::displayChanged, this, [this] {
        scene_->setWindow(document_->windowLevel(), document_->windowWidth());
        emit sceneChanged();
    });
}

SceneUpdater::~SceneUpdater() {
    for (auto& [id, thread] : workers_)
        if (thread.joinable())
            thread.join();
}

void SceneUpdater::onImageChanged() {
    // Image replaced (or its voxel size edited): everything is rebuilt.
    // A browsed volume shows its overview: the whole volume, coarse.
    const Volume& image =
        document_->isBrowsing() ? document_->browsedOverview() : document_->image();
    scene_->setImage(image);
    scene_->setWindow(document_->windowLevel(), document_->windowWidth());
    scene_->setPlanePosition(sceneCursor());
    scene_->removeSurfacesNotIn({});
    dirty_.clear();
    for (int i = 0; i < document_->organelleCount(); ++i) {
        const int uid = document_->organelle(i).uid;
        dirty_.insert(truthKey(uid));
        dirty_.insert(predictionKey(uid));
    }
    if (!image.isNull())
        scene_->resetCamera();
    if (!dirty_.empty())
        delay_.start();
    emit sceneChanged();
}

Index3 SceneUpdater::sceneCursor() const {
    const Index3 c = document_->cursor();
    if (!document_->isBrowsing())
        return c;
    const Shape3& f = document_->browsedOverviewFactors();
    return {c.z / f.z, c.y / f.y, c.x / f.x};
}

void SceneUpdater::onOrganellesChanged() {
    std::vector<std::string> keep;
    for (int i = 0; i < document_->organelleCount(); ++i) {
        const int uid = document_->organelle(i).uid;
        keep.push_back(truthKey(uid));
        keep.push_back(predictionKey(uid));
    }
    scene_->removeSurfacesNotIn(keep);
    applyStyles();
    emit sceneChanged();
}

void SceneUpdater::applyStyles() {
    for (int i = 0; i < document_->organelleCount(); ++i) {
        const Organelle& o = document_->organelle(i);
        scene_->setSurfaceStyle(truthKey(o.uid), o.colour, std::max(0.35, o.opacity), o.visible);
        // The prediction is drawn lighter and more transparent than the labels.
        scene_->setSurfaceStyle(predictionKey(o.uid), o.colour.lighter(140),
                                std::max(0.25, o.opacity * 0.7), o.visible);
    }
}

void SceneUpdater::onLayerChanged(int organelle, int layer) {
    if (organelle < 0 || organelle >= document_->organelleCount())
        return;
    const int uid = document_->organelle(organelle).uid;
    if (Layer(layer) == Layer::Truth)
        dirty_.insert(truthKey(uid));
    else if (Layer(layer) == Layer::Prediction || Layer(layer) == Layer::Segmentation)
        dirty_.insert(predictionKey(uid));
    else
        return;
    delay_.start();
}

void SceneUpdater::flush() {
    delay_.stop();
    const std::set<std::string> keys = std::move(dirty_);
    dirty_.clear();
    for (const auto& key : keys)
        extract(key);
    if (workers_.empty())
        emit surfacesReady();
}

void SceneUpdater::extract(const std::string& key) {
    int index = -1;
    for (int i = 0; i < document_->organelleCount(); ++i)
        if (key == truthKey(document_->organelle(i).uid) ||
            key == predictionKey(document_->organelle(i).uid))
            index = i;
    if (index < 0)
        return;
    const Organelle& o = document_->organelle(index);
    Volume source;
    double threshold = 0.5;
    if (key == truthKey(o.uid)) {
        source = o.layer(Layer::Truth);
    } else if (!o.layer(Layer::Segmentation).isNull()) {
        source = o.layer(Layer::Segmentation);
    } else {
        source = o.layer(Layer::Prediction);
        threshold = o.threshold * 255.0;
    }
    const std::uint64_t generation = ++generation_[key];
    // The snapshot is taken here, on the UI thread, so the worker never reads voxels
    // that a brush is writing.
    SurfaceInput input = prepareSurfaceInput(source, threshold, maxVoxels_);
    if (input.isEmpty()) {
        scene_->removeSurface(key);
        emit sceneChanged();
        return;
    }
    const std::uint64_t id = nextWorker_++;
    QPointer<SceneUpdater> self(this);
    workers_[id] = std::thread([self, id, key, generation, input = std::move(input)] {
        vtkSmartPointer<vtkPolyData> surface;
        try {
            surface = extractSurface(input);
        } catch (...) {
            surface = nullptr; // a surface is a view, never worth an error dialog
        }
        if (self)
            QMetaObject::invokeMethod(
                self.data(),
                [self, id, key, generation, surface] {
                    if (!self)
                        return;
                    auto w = self->workers_.find(id);
                    if (w != self->workers_.end()) {
                        w->second.join();
                        self->workers_.erase(w);
                    }
                    self->finished(key, generation, surface);
                },
                Qt::QueuedConnection);
    });
}

void SceneUpdater::finished(const std::string& key, std::uint64_t generation,
                            vtkSmartPointer<vtkPolyData> surface) {
    if (generation_[key] == generation) {
        for (int i = 0; i < document_->organelleCount(); ++i) {
            const Organelle& o = document_->organelle(i);
            if (key == truthKey(o.uid))
                scene_->setSurface(key, surface, o.colour, std::max(0.35, o.opacity), o.visible);
            else if (key == predictionKey(o.uid))
                scene_->setSurface(key, surface, o.colour.lighter(140),
                                   std::max(0.25, o.opacity * 0.7), o.visible);
        }
        emit sceneChanged();
    }
    if (workers_.empty() && dirty_.empty())
        emit surfacesReady();
}

} // namespace cisterna::ui
