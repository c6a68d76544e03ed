#pragma once
// The state of the open document: the image, its organelles and their layers, the
// cursor (crosshair) shared by all views, the display window and the undo stack of
// edits. No widget code: views observe it through signals, tests drive it directly.
#include "ui/model/Organelle.h"
#include "ui/model/UndoHistory.h"

#include "core/volume/Volume.h"

#include <QObject>

#include <QString>
#include <memory>
#include <optional>

#include <vector>

namespace cisterna {
class LazyPyramid;
}

namespace cisterna::ui {

// Zoom and pan of one slice view: zoom 1 fits the slice into the view; centre is
// the slice point (in voxel columns/rows) shown in the middle of the view.
struct ViewSettings {
    double zoom = 1.0;
    double centreColumn = -1, centreRow = -1; // negative: the middle of the slice
};

class DocumentModel : public QObject {
    Q_OBJECT
public:
    explicit DocumentModel(QObject* parent = nullptr);

    // A new image replaces everything (organelles, edits). `source` is where it came
    // from: a file path, or "phantom:SIZE:SEED" for the demo data.
    void setImage(Volume image, const QString& name, const QString& source = {});
    const Volume& image() const { return image_; }
    // An image in memory: what painting, jobs and saving need.
    bool hasImage() const { return !image_.isNull(); }

    // Browsing: a volume larger than memory shown lazily, read-only (no organelles,
    // no painting, no jobs), to find the part to open for work. `sample` (a plane of
    // it, any level) sets the display window. Replaces the image like setImage.
    void setBrowsedVolume(std::shared_ptr<LazyPyramid> volume, const Volume& sample,
                          const QString& name, const QString& source);
    const std::shared_ptr<LazyPyramid>& browsedVolume() const { return browsed_; }
    bool isBrowsing() const { return browsed_ != nullptr; }
    // Something to show in the views: an image in memory or a browsed volume.
    bool hasVolume() const { return hasImage() || isBrowsing(); }
    // The grey values the display window and its histogram come from: the image, or
    // while browsing the section read when it opened.
    const Volume& greySample() const { return isBrowsing() ? browsedSample_ : image_; }
    // While browsing: the whole volume shrunk to a few million voxels, for the 3D view
    // (null until read), and how many full-resolution voxels one of its voxels covers.
    const Volume& browsedOverview() const { return browsedOverview_; }
    const Shape3& browsedOverviewFactors() const { return browsedOverviewFactors_; }
    void setBrowsedOverview(Volume overview, const Shape3& factors);
    const QString& name() const { return name_; }
    const QString& imageSource() const { return source_; }
    void setImageSource(const QString& source) { source_ = source; }
    // The part of the source file the image is, when only a part was opened (a volume
    // larger than memory); none: the whole file. Kept in the project so that it opens
    // the same part again.
    const std::optional<Box3>& imageRegion() const { return region_; }
    void setImageRegion(const std::optional<Box3>& region) { region_ = region; }
    // Of the image, or of the browsed volume's full resolution.
    Shape3 shape() const;

    // Voxel size in nm (z, y, x); editable because many files have none.
    Vec3d voxelSize() const;
    bool hasVoxelSize() const;
    void setVoxelSize(const Vec3d& size);

    // Exact labels that came with the image (the demo phantom's ground truth), for
    // evaluation without a file. Null for ordinary files.
    const Volume& referenceLabels() const { return reference_; }
    void setReferenceLabels(Volume labels);

    // Organelles.
    int organelleCount() const { return int(organelles_.size()); }
    const Organelle& organelle(int index) const { return organelles_.at(std::size_t(index)); }
    int indexOfUid(int uid) const; // -1 when gone
    int addOrganelle(const QString& name, const QColor& colour = {});
    void removeOrganelle(int index);
    void setOrganelleName(int index, const QString& name);
    void setOrganelleColour(int index, const QColor& colour);
    void setOrganelleVisible(int index, bool visible);
    void setOrganelleOpacity(int index, double opacity);
    void setOrganelleThreshold(int index, double threshold);
    void setOrganelleModels(int index, const QStringList& modelPaths);
    void setPredictionSource(int index, const QString& source);
    void setGraphCutChoice(int index, const QString& choice);
    int activeOrganelle() const { return active_; } // -1 when there is none
    void setActiveOrganelle(int index);

    // Layers: a handle (null when never written), a handle allocated on demand
    // (zero-filled uint8, the image's shape and voxel size), or a replacement.
    // Layers are copy-on-write: a handle taken with layer() is a snapshot that never
    // changes, because ensureLayer(), the only way to write voxels in place, first
    // gives the layer its own copy when any other handle shares its voxels. Jobs rely
    // on that (JobManager.h).
    const Volume& layer(int organelle, Layer layer) const;
    Volume& ensureLayer(int organelle, Layer layer);
    void setLayer(int organelle, Layer layer, Volume volume); // null clears it
    // Views redraw after in-place edits of a layer (brushes, undo).
    void notifyLayerEdited(int organelle, Layer layer);
    // A number that changes whenever a layer may have changed (ensureLayer, setLayer,
    // notifyLayerEdited), unique in the document: a save compares it with the one it
    // wrote, to copy the layers that did not change instead of compressing them again.
    std::uint64_t layerRevision(int organelle, Layer layer) const;

    // Undoable edits of strokes and labels; cleared with a new image.
    UndoHistory* undoHistory() { return &undo_; }

    const Index3& cursor() const { return cursor_; }
    void setCursor(const Index3& voxel); // clamped into the volume

    // Display window: grey values level - width/2 .. level + width/2 map to 0..255.
    double windowLevel() const { return level_; }
    double windowWidth() const { return width_; }
    void setWindow(double level, double width);
    ViewSettings& viewSettings(int view) { return views_[std::size_t(view)]; }
    const ViewSettings& viewSettings(int view) const { return views_[std::size_t(view)]; }

    // Whether there are changes since the last save (or load).
    bool isModified() const { return modified_; }
    void setModified(bool modified);
    // Bumped by every change that a save must capture (autosave checks it).
    std::uint64_t changeCounter() const { return changes_; }

signals:
    void imageChanged();
    void organellesChanged(); // added, removed, renamed, recoloured, shown, hidden...
    void layerChanged(int organelle, int layer);
    void activeOrganelleChanged();
    void cursorChanged();
    void displayChanged();
    void modifiedChanged(bool modified);

private:
    void touch();
    // Everything but the image itself goes back to a fresh document.
    void resetDocument(const QString& name, const QString& source, const Volume& windowSample);
    Volume image_;
    std::shared_ptr<LazyPyramid> browsed_;
    Volume browsedSample_;
    Volume browsedOverview_;
    Shape3 browsedOverviewFactors_{1, 1, 1};
    Vec3d browsedVoxelSize_{1, 1, 1};
    bool browsedHasVoxelSize_ = false;
    Volume reference_;
    QString name_, source_;
    std::optional<Box3> region_;
    std::vector<Organelle> organelles_;
    int active_ = -1;
    int nextUid_ = 1;
    UndoHistory undo_;
    Index3 cursor_;
    double level_ = 127.5, width_ = 255;
    ViewSettings views_[3];
    bool modified_ = false;
    std::uint64_t changes_ = 0;
    std::uint64_t nextRevision_ = 1;
};

} // namespace cisterna::ui
