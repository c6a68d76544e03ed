#pragma once
// The box the next graph cut of the active organelle will cover, for the views to
// draw, so that the user sees which voxels a cut of a large volume changes (and that
// strokes far apart make it large). Recomputed lazily after the strokes, the active
// organelle, the image or the settings change, a quarter of a second after the last
// change: a scan of a stroke layer of 10^9 voxels takes a fraction of a second, so it
// runs once after a stroke, not after every dab of the brush.
#include "ui/model/DocumentModel.h"
#include "ui/model/GraphCutJob.h"

#include <QObject>
#include <QTimer>

#include <optional>

namespace cisterna::ui {

class CutRegionModel : public QObject {
    Q_OBJECT
public:
    // `settings` must outlive this model (the app's graph-cut settings).
    CutRegionModel(DocumentModel* document, const GraphCutSettings* settings,
                   QObject* parent = nullptr);

    // None: the next cut covers the whole volume (or there is nothing to cut yet). As of
    // the last refresh().
    std::optional<Box3> region() const { return region_; }
    // Call after the settings changed.
    void settingsChanged();
    // Recomputes the region now if something changed since (the timer does it too);
    // emits changed() when it moved.
    void refresh();

signals:
    void changed();

private:
    void invalidate();
    DocumentModel* document_;
    const GraphCutSettings* settings_;
    QTimer timer_;
    bool dirty_ = true;
    std::optional<Box3> region_;
};

} // namespace cisterna::ui
