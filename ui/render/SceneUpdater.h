#pragma once
// Keeps the 3D scene in step with the document: planes follow the cursor and the
// window, and each organelle's surfaces are re-extracted (on worker threads, from a
// snapshot taken on the UI thread) a moment after its labels or prediction change,
// so a brush stroke does not trigger one extraction per mouse move.
#include "ui/model/DocumentModel.h"
#include "ui/render/Scene3D.h"
#include "ui/render/SurfaceExtractor.h"

#include <QObject>
#include <QTimer>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

namespace cisterna::ui {

class SceneUpdater : public QObject {
    Q_OBJECT
public:
    SceneUpdater(DocumentModel* document, Scene3D* scene, QObject* parent = nullptr);
    ~SceneUpdater() override; // waits for running extractions

    // Surfaces being extracted right now (tests wait for 0).
    int pendingCount() const { return int(workers_.size()) + int(dirty_.size()); }
    // Starts the extractions of everything that changed without waiting for the delay.
    void flush();
    void setMaxSurfaceVoxels(std::int64_t voxels) { maxVoxels_ = voxels; }

    static std::string truthKey(int uid) { return "o" + std::to_string(uid) + "-truth"; }
    static std::string predictionKey(int uid) { return "o" + std::to_string(uid) + "-prediction"; }

signals:
    void sceneChanged(); // the view should render again
    void surfacesReady();

private:
    void onImageChanged();
    // The cursor in the voxels of what the scene shows (a browsed volume's overview).
    Index3 sceneCursor() const;
    void onOrganellesChanged();
    void onLayerChanged(int organelle, int layer);
    void extract(const std::string& key);
    void finished(const std::string& key, std::uint64_t generation,
                  vtkSmartPointer<vtkPolyData> surface);
    void applyStyles();

    DocumentModel* document_;
    Scene3D* scene_;
    QTimer delay_;
    std::set<std::string> dirty_;
    std::map<std::string, std::uint64_t> generation_;
    std::map<std::uint64_t, std::thread> workers_;
    std::uint64_t nextWorker_ = 1;
    std::int64_t maxVoxels_ = std::int64_t(160) * 160 * 160;
    bool cameraReset_ = false;
};

} // namespace cisterna::ui
