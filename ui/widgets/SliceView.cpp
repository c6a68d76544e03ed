#include "ui/widgets/SliceView.h"

#include "ui/render/SliceRenderer.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

namespace cisterna::ui {

SliceView::SliceView(DocumentModel* model, ViewAxis axis, QWidget* parent)
    : QWidget(parent), model_(model), axis_(axis) {
    setMouseTracking(true);
    setMinimumSize(200, 200);
    setFocusPolicy(Qt::StrongFocus);
    connect(model_, &DocumentModel::imageChanged, this, &SliceView::refresh);
    connect(model_, &DocumentModel::labelsChanged, this, &SliceView::refresh);
    connect(model_, &DocumentModel::displayChanged, this, &SliceView::refresh);
    connect(model_, &DocumentModel::cursorChanged, this, &SliceView::refresh);
}

SliceGeometry SliceView::geometry() const {
    SliceGeometry g;
    g.axis = axis_;
    g.shape = model_->image().shape();
    g.voxelSize = model_->image().voxelSize();
    return g;
}

void SliceView::refresh() {
    if (model_->image().isNull()) {
        image_ = QImage();
    } else {
        SliceRenderRequest request;
        request.geometry = geometry();
        request.slice = request.geometry.sliceOf(model_->cursor());
        request.windowLevel = model_->windowLevel();
        request.windowWidth = model_->windowWidth();
        request.labelOpacity = model_->labelOpacity();
        image_ = renderSlice(model_->image(), &model_->labels(), request);
    }
    update();
}

QRectF SliceView::imageRect() const {
    if (image_.isNull())
        return {};
    const SliceGeometry g = geometry();
    const double physicalWidth = g.columns() * g.columnSpacing();
    const double physicalHeight = g.rows() * g.rowSpacing();
    const double scale = std::min(width() / physicalWidth, height() / physicalHeight);
    const double w = physicalWidth * scale, h = physicalHeight * scale;
    return QRectF((width() - w) / 2, (height() - h) / 2, w, h);
}

std::optional<Index3> SliceView::voxelAtPosition(const QPointF& p) const {
    const QRectF r = imageRect();
    if (r.isEmpty() || !r.contains(p))
        return std::nullopt;
    const SliceGeometry g = geometry();
    const auto column = std::int64_t((p.x() - r.left()) / r.width() * g.columns());
    const auto row = std::int64_t((p.y() - r.top()) / r.height() * g.rows());
    if (column < 0 || row < 0 || column >= g.columns() || row >= g.rows())
        return std::nullopt;
    return g.voxelAt(g.sliceOf(model_->cursor()), column, row);
}

void SliceView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), Qt::black);
    if (image_.isNull())
        return;
    const QRectF r = imageRect();
    painter.drawImage(r, image_);
    // Crosshair through the cursor, in the colours of the other two views.
    const SliceGeometry g = geometry();
    const Index3 c = model_->cursor();
    const double x = r.left() + (g.columnOf(c) + 0.5) / g.columns() * r.width();
    const double y = r.top() + (g.rowOf(c) + 0.5) / g.rows() * r.height();
    painter.setPen(QPen(QColor(255, 255, 0, 160), 1));
    painter.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()));
    painter.drawLine(QPointF(r.left(), y), QPointF(r.right(), y));
    painter.setPen(Qt::white);
    painter.drawText(QPointF(6, 16), QString("%1  slice %2 / %3")
                                         .arg(viewAxisName(axis_))
                                         .arg(g.sliceOf(c) + 1)
                                         .arg(g.sliceCount()));
}

void SliceView::wheelEvent(QWheelEvent* event) {
    if (model_->image().isNull())
        return;
    const int steps = event->angleDelta().y() / 120;
    if (steps == 0)
        return;
    Index3 c = model_->cursor();
    switch (axis_) {
    case ViewAxis::XY:
        c.z += steps;
        break;
    case ViewAxis::XZ:
        c.y += steps;
        break;
    case ViewAxis::YZ:
        c.x += steps;
        break;
    }
    model_->setCursor(c);
    event->accept();
}

void SliceView::mousePressEvent(QMouseEvent* event) {
    if (auto voxel = voxelAtPosition(event->position()))
        model_->setCursor(*voxel);
}

void SliceView::mouseMoveEvent(QMouseEvent* event) {
    if (auto voxel = voxelAtPosition(event->position())) {
        emit hovered(*voxel);
        if (event->buttons() & Qt::LeftButton)
            model_->setCursor(*voxel);
    }
}

} // namespace cisterna::ui
