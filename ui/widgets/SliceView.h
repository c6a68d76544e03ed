#pragma once
// One orthogonal slice view: shows the slice through the document's cursor with the
// organelle overlays, keeps the physical aspect of anisotropic voxels, zooms (Ctrl +
// wheel, +/-), pans (middle or right drag), steps slices (wheel, Up/Down, PageUp/
// PageDown), moves the shared crosshair (navigate tool) and paints with the brushes.
#include "ui/model/BrushStroke.h"
#include "ui/model/DocumentModel.h"
#include "ui/model/SliceGeometry.h"
#include "ui/model/ToolState.h"
#include "ui/render/LazySliceRenderer.h"

#include <QImage>
#include <QWidget>

#include <memory>
#include <optional>

namespace cisterna::ui {

class ClassifierPreview;
class CutRegionModel;

class SliceView : public QWidget {
    Q_OBJECT
public:
    SliceView(DocumentModel* model, ToolState* tools, ViewAxis axis, QWidget* parent = nullptr);

    ViewAxis axis() const { return axis_; }
    int viewIndex() const { return int(axis_); }
    SliceGeometry geometry() const;
    std::int64_t slice() const;
    // The voxel under a widget position, if the position is on the image.
    std::optional<Index3> voxelAtPosition(const QPointF& position) const;
    // Widget position of the centre of a voxel of the current slice.
    QPointF positionOfVoxel(std::int64_t column, std::int64_t row) const;
    QRectF imageRect() const; // where the slice image is drawn, in widget pixels
    const QImage& sliceImage();
    int renderCount() const { return renders_; }
    // False while a browsed volume's chunks for the last picture are still being read.
    bool pictureComplete() const { return !model_->isBrowsing() || lazy_.complete; }
    double renderMilliseconds() const { return lastRenderMs_; }

    // Draws the live classifier preview of the active organelle (null: none).
    void setPreview(ClassifierPreview* preview);
    // Outlines the box the next graph cut covers, where the slice crosses it (null: none).
    void setCutRegion(CutRegionModel* region);

    void stepSlice(int steps);
    void zoomBy(double factor, std::optional<QPointF> anchor = std::nullopt);
    void resetView();

signals:
    void hovered(const cisterna::Index3& voxel);
    void message(const QString& text);

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void invalidate();
    void render();
    // A browsed volume: the part of the slice in view, from the level the zoom needs;
    // draws again a little later while chunks are still being read.
    LazySlicePlan lazyPlan() const;
    void renderLazy(const LazySlicePlan& plan);
    void drawLazySlice(QPainter& painter, const QRectF& imageRect);
    double pixelsPerNm() const;
    std::optional<std::pair<double, double>> sliceCoordinates(const QPointF& p) const;
    void drawScaleBar(QPainter& painter);
    void drawBrushOutline(QPainter& painter);
    void drawCutRegion(QPainter& painter);
    // Ends the stroke being painted and pushes its undo step.
    void finishStroke();

    DocumentModel* model_;
    ToolState* tools_;
    ClassifierPreview* preview_ = nullptr;
    CutRegionModel* cutRegion_ = nullptr;
    ViewAxis axis_;
    QImage image_;
    bool dirty_ = true;
    std::int64_t renderedSlice_ = -1;
    int renders_ = 0;
    double lastRenderMs_ = 0;
    LazySliceImage lazy_;
    bool lazyRetryPending_ = false;
    std::unique_ptr<BrushStroke> stroke_;
    std::optional<QPointF> panFrom_;
    std::optional<QPointF> mouse_;
};

} // namespace cisterna::ui
