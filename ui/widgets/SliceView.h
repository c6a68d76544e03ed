#pragma once
// One orthogonal slice view: shows the slice through the document's cursor, keeps
// the physical aspect ratio of anisotropic voxels, scrolls slices with the mouse
// wheel and moves the shared crosshair on click.
#include "ui/model/DocumentModel.h"
#include "ui/model/SliceGeometry.h"

#include <QImage>
#include <QWidget>

namespace cisterna::ui {

class SliceView : public QWidget {
    Q_OBJECT
public:
    SliceView(DocumentModel* model, ViewAxis axis, QWidget* parent = nullptr);

    ViewAxis axis() const { return axis_; }
    SliceGeometry geometry() const;
    // The voxel under a widget position, if the position is on the image.
    std::optional<Index3> voxelAtPosition(const QPointF& position) const;
    QRectF imageRect() const; // where the slice image is drawn, in widget pixels
    const QImage& sliceImage() const { return image_; }

signals:
    void hovered(const cisterna::Index3& voxel);

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    void refresh();
    DocumentModel* model_;
    ViewAxis axis_;
    QImage image_;
};

} // namespace cisterna::ui
