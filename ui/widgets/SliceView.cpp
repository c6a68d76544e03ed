#include "ui/widgets/SliceView.h"

#include "ui/model/ClassifierPreview.h"
#include "ui/model/CutRegionModel.h"
#include "ui/render/SliceRenderer.h"

#include <QElapsedTimer>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QTimer>
#include <QWheelEvent>

#include <cmath>

namespace cisterna::ui {

namespace {

// Level-0 voxels per voxel of the plan's level along the slice's columns and rows.
std::int64_t columnFactor(const LazySlicePlan& p, ViewAxis axis) {
    return axis == ViewAxis::YZ ? p.factors.y : p.factors.x;
}
std::int64_t rowFactor(const LazySlicePlan& p, ViewAxis axis) {
    return axis == ViewAxis::XY ? p.factors.y : p.factors.z;
}

} // namespace

SliceView::SliceView(DocumentModel* model, ToolState* tools, ViewAxis axis, QWidget* parent)
    : QWidget(parent), model_(model), tools_(tools), axis_(axis) {
    setMouseTracking(true);
    setMinimumSize(160, 160);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    connect(model_, &DocumentModel::imageChanged, this, &SliceView::invalidate);
    connect(model_, &DocumentModel::layerChanged, this, &SliceView::invalidate);
    connect(model_, &DocumentModel::organellesChanged, this, &SliceView::invalidate);
    connect(model_, &DocumentModel::displayChanged, this, &SliceView::invalidate);
    connect(model_, &DocumentModel::cursorChanged, this, [this] {
        // Another slice must be rendered; within the same slice only the crosshair moves.
        if (slice() != renderedSlice_)
            dirty_ = true;
        update();
    });
    connect(tools_, &ToolState::changed, this, qOverload<>(&QWidget::update));
}

void SliceView::setPreview(ClassifierPreview* preview) {
    if (preview_)
        disconnect(preview_, nullptr, this, nullptr);
    preview_ = preview;
    if (preview_) {
        connect(preview_, &ClassifierPreview::planeReady, this, [this](ViewAxis axis) {
            if (axis == axis_)
                invalidate();
        });
        connect(preview_, &ClassifierPreview::planesCleared, this, &SliceView::invalidate);
        connect(preview_, &ClassifierPreview::enabledChanged, this, &SliceView::invalidate);
    }
    invalidate();
}

void SliceView::setCutRegion(CutRegionModel* region) {
    if (cutRegion_)
        disconnect(cutRegion_, nullptr, this, nullptr);
    cutRegion_ = region;
    if (cutRegion_)
        connect(cutRegion_, &CutRegionModel::changed, this, qOverload<>(&QWidget::update));
    update();
}

SliceGeometry SliceView::geometry() const {
    SliceGeometry g;
    g.axis = axis_;
    g.shape = model_->shape();
    g.voxelSize = model_->voxelSize();
    return g;
}

std::int64_t SliceView::slice() const {
    return geometry().sliceOf(model_->cursor());
}

void SliceView::invalidate() {
    dirty_ = true;
    update();
}

void SliceView::render() {
    QElapsedTimer clock;
    clock.start();
    if (model_->isBrowsing()) {
        renderLazy(lazyPlan());
    } else if (!model_->hasImage()) {
        image_ = QImage();
    } else {
        SliceRenderRequest request;
        request.geometry = geometry();
        request.slice = slice();
        request.windowLevel = model_->windowLevel();
        request.windowWidth = model_->windowWidth();
        request.backgroundStroke = backgroundStrokeColour();
        for (int i = 0; i < model_->organelleCount(); ++i) {
            const Organelle& o = model_->organelle(i);
            if (!o.visible)
                continue;
            SliceOverlay overlay;
            overlay.colour = o.colour;
            overlay.opacity = o.opacity;
            overlay.threshold = o.threshold;
            overlay.strokes = o.layer(Layer::Strokes);
            overlay.truth = o.layer(Layer::Truth);
            overlay.prediction = o.layer(Layer::Prediction);
            overlay.segmentation = o.layer(Layer::Segmentation);
            if (preview_)
                overlay.preview = preview_->plane(axis_, request.slice, o.uid);
            request.overlays.push_back(overlay);
        }
        image_ = renderSlice(model_->image(), request);
        renderedSlice_ = request.slice;
    }
    dirty_ = false;
    ++renders_;
    lastRenderMs_ = clock.nsecsElapsed() / 1e6;
}

LazySlicePlan SliceView::lazyPlan() const {
    const SliceGeometry g = geometry();
    const QRectF r = imageRect();
    if (r.isEmpty())
        return {};
    // The part of the slice inside the widget, in columns and rows.
    const QRectF shown = r.intersected(QRectF(rect()));
    const double perColumn = r.width() / double(g.columns());
    const double perRow = r.height() / double(g.rows());
    return planLazySlice(*model_->browsedVolume(), g, slice(),
                         (shown.left() - r.left()) / perColumn,
                         (shown.right() - r.left()) / perColumn, (shown.top() - r.top()) / perRow,
                         (shown.bottom() - r.top()) / perRow, perColumn, perRow);
}

void SliceView::renderLazy(const LazySlicePlan& plan) {
    lazy_ = renderLazySlice(*model_->browsedVolume(), plan, axis_, model_->windowLevel(),
                            model_->windowWidth());
    image_ = lazy_.image;
    renderedSlice_ = slice();
    if (!lazy_.complete && !lazyRetryPending_) {
        // Never wait on the disk: draw what is there, and again when more has arrived.
        lazyRetryPending_ = true;
        QTimer::singleShot(40, this, [this] {
            lazyRetryPending_ = false;
            invalidate();
        });
    }
}

void SliceView::drawLazySlice(QPainter& painter, const QRectF& r) {
    const LazySlicePlan wanted = lazyPlan();
    const LazySlicePlan& drawn = lazy_.plan;
    if (dirty_ || wanted.level != drawn.level || !(wanted.box == drawn.box)) {
        QElapsedTimer clock;
        clock.start();
        renderLazy(wanted);
        dirty_ = false;
        ++renders_;
        lastRenderMs_ = clock.nsecsElapsed() / 1e6;
    }
    if (lazy_.image.isNull())
        return;
    const SliceGeometry g = geometry();
    const LazySlicePlan& p = lazy_.plan;
    const QRectF target(r.left() + p.column * r.width() / double(g.columns()),
                        r.top() + p.row * r.height() / double(g.rows()),
                        p.columns * r.width() / double(g.columns()),
                        p.rows * r.height() / double(g.rows()));
    // A coarse level's voxel spans several level-0 voxels; the last one of each axis
    // may be partial, so the image is drawn from its exact share of the target.
    painter.drawImage(target, lazy_.image,
                      QRectF(0, 0, p.columns / double(columnFactor(p, axis_)),
                             p.rows / double(rowFactor(p, axis_))));
}

const QImage& SliceView::sliceImage() {
    if (dirty_)
        render();
    return image_;
}

double SliceView::pixelsPerNm() const {
    const SliceGeometry g = geometry();
    const double physicalWidth = g.columns() * g.columnSpacing();
    const double physicalHeight = g.rows() * g.rowSpacing();
    if (physicalWidth <= 0 || physicalHeight <= 0)
        return 1;
    const double fit = std::min(width() / physicalWidth, height() / physicalHeight);
    return fit * model_->viewSettings(viewIndex()).zoom;
}

QRectF SliceView::imageRect() const {
    if (!model_->hasVolume())
        return {};
    const SliceGeometry g = geometry();
    const ViewSettings& v = model_->viewSettings(viewIndex());
    const double scale = pixelsPerNm();
    const double cc = v.centreColumn >= 0 ? v.centreColumn : g.columns() / 2.0;
    const double cr = v.centreRow >= 0 ? v.centreRow : g.rows() / 2.0;
    const double w = g.columns() * g.columnSpacing() * scale;
    const double h = g.rows() * g.rowSpacing() * scale;
    const double left = width() / 2.0 - cc * g.columnSpacing() * scale;
    const double top = height() / 2.0 - cr * g.rowSpacing() * scale;
    return QRectF(left, top, w, h);
}

std::optional<std::pair<double, double>> SliceView::sliceCoordinates(const QPointF& p) const {
    const QRectF r = imageRect();
    if (r.isEmpty())
        return std::nullopt;
    const SliceGeometry g = geometry();
    return std::make_pair((p.x() - r.left()) / r.width() * g.columns(),
                          (p.y() - r.top()) / r.height() * g.rows());
}

std::optional<Index3> SliceView::voxelAtPosition(const QPointF& p) const {
    const auto c = sliceCoordinates(p);
    if (!c)
        return std::nullopt;
    const SliceGeometry g = geometry();
    const auto column = std::int64_t(std::floor(c->first));
    const auto row = std::int64_t(std::floor(c->second));
    if (column < 0 || row < 0 || column >= g.columns() || row >= g.rows())
        return std::nullopt;
    return g.voxelAt(slice(), column, row);
}

QPointF SliceView::positionOfVoxel(std::int64_t column, std::int64_t row) const {
    const QRectF r = imageRect();
    const SliceGeometry g = geometry();
    return {r.left() + (column + 0.5) / double(g.columns()) * r.width(),
            r.top() + (row + 0.5) / double(g.rows()) * r.height()};
}

void SliceView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), QColor(12, 12, 14));
    if (!model_->hasVolume()) {
        painter.setPen(QColor(160, 160, 160));
        painter.drawText(rect(), Qt::AlignCenter, "Open a volume or drop a file here");
        return;
    }
    const QRectF r = imageRect();
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    if (model_->isBrowsing()) {
        drawLazySlice(painter, r);
    } else {
        sliceImage();
        painter.drawImage(r, image_);
    }
    // Crosshair through the cursor.
    const SliceGeometry g = geometry();
    const Index3 c = model_->cursor();
    const QPointF centre = positionOfVoxel(g.columnOf(c), g.rowOf(c));
    painter.setPen(QPen(QColor(255, 255, 0, 150), 1));
    painter.drawLine(QPointF(centre.x(), r.top()), QPointF(centre.x(), r.bottom()));
    painter.drawLine(QPointF(r.left(), centre.y()), QPointF(r.right(), centre.y()));
    // Axis name, slice and zoom.
    painter.setPen(Qt::white);
    QString title = QString("%1  slice %2 / %3  zoom %4x")
                        .arg(viewAxisName(axis_))
                        .arg(g.sliceOf(c) + 1)
                        .arg(g.sliceCount())
                        .arg(model_->viewSettings(viewIndex()).zoom, 0, 'g', 3);
    if (model_->isBrowsing())
        title += QString("  browsing, level %1%2")
                     .arg(lazy_.plan.level)
                     .arg(lazy_.complete ? "" : ", reading...");
    // On a dark band: a bright image (a zoomed-in section) would swallow white text.
    painter.fillRect(QRectF(2, 3, painter.fontMetrics().horizontalAdvance(title) + 8, 17),
                     QColor(0, 0, 0, 140));
    painter.drawText(QPointF(6, 16), title);
    drawCutRegion(painter);
    drawScaleBar(painter);
    drawBrushOutline(painter);
}

void SliceView::drawCutRegion(QPainter& painter) {
    const std::optional<Box3> box = cutRegion_ ? cutRegion_->region() : std::nullopt;
    if (!box)
        return;
    const SliceGeometry g = geometry();
    const std::int64_t s = slice();
    const Index3 first = box->begin, last{box->end().z - 1, box->end().y - 1, box->end().x - 1};
    if (s < g.sliceOf(first) || s > g.sliceOf(last))
        return;
    // Voxel corners, not centres: the box's edge is the outer edge of its voxels.
    const QPointF a = positionOfVoxel(g.columnOf(first), g.rowOf(first));
    const QPointF b = positionOfVoxel(g.columnOf(last), g.rowOf(last));
    const QPointF step = positionOfVoxel(1, 1) - positionOfVoxel(0, 0);
    const QRectF rect(a - step / 2, b + step / 2);
    painter.setPen(QPen(QColor(255, 255, 255, 200), 1, Qt::DashLine));
    painter.setBrush(Qt::NoBrush);
    const QRectF outline = rect.normalized();
    painter.drawRect(outline);
    // Above the box, unless that is under the view's title line: then just inside it.
    const double labelY = outline.top() - 4 < 24 ? outline.top() + 14 : outline.top() - 4;
    painter.drawText(QPointF(outline.left() + 4, labelY), "graph-cut region");
}

void SliceView::drawScaleBar(QPainter& painter) {
    const double scale = pixelsPerNm();
    if (!(scale > 0))
        return;
    // A round length (1, 2 or 5 x 10^k nm) about a fifth of the view wide.
    const double target = width() / 5.0 / scale;
    const double power = std::pow(10.0, std::floor(std::log10(target)));
    double length = power;
    for (double m : {2.0, 5.0, 10.0})
        if (power * m <= target)
            length = power * m;
    const double pixels = length * scale;
    const QString label =
        length >= 1000 ? QString("%1 µm").arg(length / 1000.0) : QString("%1 nm").arg(length);
    const QPointF origin(width() - pixels - 14, height() - 14);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 0, 140));
    painter.drawRect(QRectF(origin.x() - 6, origin.y() - 22, pixels + 12, 30));
    painter.setBrush(Qt::white);
    painter.drawRect(QRectF(origin.x(), origin.y() - 4, pixels, 4));
    painter.setPen(Qt::white);
    painter.drawText(QRectF(origin.x(), origin.y() - 22, pixels, 16), Qt::AlignCenter, label);
}

void SliceView::drawBrushOutline(QPainter& painter) {
    if (!mouse_ || tools_->tool() == Tool::Navigate)
        return;
    const double scale = pixelsPerNm();
    const double radius = std::max(tools_->radiusNm() * scale, 1.5);
    QColor c = tools_->tool() == Tool::Eraser            ? QColor(255, 255, 255)
               : tools_->tool() == Tool::BackgroundBrush ? backgroundStrokeColour()
               : model_->activeOrganelle() >= 0
                   ? model_->organelle(model_->activeOrganelle()).colour
                   : QColor(255, 255, 255);
    painter.setPen(
        QPen(c, 1, tools_->target() == PaintTarget::Labels ? Qt::DashLine : Qt::SolidLine));
    painter.setBrush(Qt::NoBrush);
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.drawEllipse(*mouse_, radius, radius);
}

void SliceView::stepSlice(int steps) {
    if (!model_->hasVolume() || steps == 0)
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
}

void SliceView::zoomBy(double factor, std::optional<QPointF> anchor) {
    if (!model_->hasVolume())
        return;
    ViewSettings& v = model_->viewSettings(viewIndex());
    const SliceGeometry g = geometry();
    // Keep the slice point under the anchor (the mouse) where it is.
    const QPointF a = anchor.value_or(QPointF(width() / 2.0, height() / 2.0));
    const auto before = sliceCoordinates(a);
    v.zoom = std::clamp(v.zoom * factor, 0.25, 64.0);
    if (v.centreColumn < 0) {
        v.centreColumn = g.columns() / 2.0;
        v.centreRow = g.rows() / 2.0;
    }
    if (before) {
        const auto after = sliceCoordinates(a);
        v.centreColumn += before->first - after->first;
        v.centreRow += before->second - after->second;
    }
    update();
}

void SliceView::resetView() {
    model_->viewSettings(viewIndex()) = ViewSettings();
    update();
}

void SliceView::wheelEvent(QWheelEvent* event) {
    const int steps = event->angleDelta().y() / 120;
    if (steps == 0)
        return;
    if (event->modifiers() & Qt::ControlModifier)
        zoomBy(std::pow(1.25, steps), event->position());
    else
        stepSlice(steps);
    event->accept();
}

void SliceView::mousePressEvent(QMouseEvent* event) {
    setFocus(Qt::MouseFocusReason);
    if (event->button() == Qt::MiddleButton || event->button() == Qt::RightButton) {
        panFrom_ = event->position();
        return;
    }
    if (event->button() != Qt::LeftButton || !model_->hasVolume())
        return;
    const auto voxel = voxelAtPosition(event->position());
    if (!voxel)
        return;
    if (tools_->tool() == Tool::Navigate) {
        model_->setCursor(*voxel);
        return;
    }
    if (!model_->hasImage()) {
        emit message("This volume is only browsed: open a part of it to paint (File > Open "
                     "part of the volume).");
        return;
    }
    const int organelle = model_->activeOrganelle();
    if (organelle < 0) {
        emit message("Add an organelle (Organelles panel) before painting.");
        return;
    }
    const SliceGeometry g = geometry();
    try {
        stroke_ =
            std::make_unique<BrushStroke>(model_, organelle, tools_->targetLayer(),
                                          tools_->paintValue(), g, slice(), tools_->radiusNm());
        stroke_->addPoint(g.columnOf(*voxel), g.rowOf(*voxel));
    } catch (const std::exception& e) {
        stroke_.reset();
        emit message(QString("Cannot paint: %1").arg(e.what()));
    }
}

void SliceView::mouseMoveEvent(QMouseEvent* event) {
    mouse_ = event->position();
    if (panFrom_) {
        ViewSettings& v = model_->viewSettings(viewIndex());
        const SliceGeometry g = geometry();
        const QRectF r = imageRect();
        if (v.centreColumn < 0) {
            v.centreColumn = g.columns() / 2.0;
            v.centreRow = g.rows() / 2.0;
        }
        const QPointF d = event->position() - *panFrom_;
        v.centreColumn -= d.x() / r.width() * g.columns();
        v.centreRow -= d.y() / r.height() * g.rows();
        panFrom_ = event->position();
        update();
        return;
    }
    const auto voxel = voxelAtPosition(event->position());
    if (voxel)
        emit hovered(*voxel);
    if (event->buttons() & Qt::LeftButton) {
        if (stroke_) {
            // Outside the image the stroke continues along the clamped edge.
            const auto c = sliceCoordinates(event->position());
            if (c) {
                const SliceGeometry g = geometry();
                try {
                    stroke_->addPoint(std::clamp<std::int64_t>(std::int64_t(std::floor(c->first)),
                                                               -1, g.columns()),
                                      std::clamp<std::int64_t>(std::int64_t(std::floor(c->second)),
                                                               -1, g.rows()));
                } catch (const std::exception& e) {
                    // No memory to copy a layer a job holds: what is painted stays, undoable.
                    finishStroke();
                    emit message(QString("Cannot paint: %1").arg(e.what()));
                }
            }
        } else if (tools_->tool() == Tool::Navigate && voxel) {
            model_->setCursor(*voxel);
        }
    }
    update();
}

void SliceView::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() == Qt::MiddleButton || event->button() == Qt::RightButton) {
        panFrom_.reset();
        return;
    }
    if (event->button() == Qt::LeftButton && stroke_)
        finishStroke();
}

void SliceView::finishStroke() {
    const QString what = tools_->targetLayer() == Layer::Strokes
                             ? QString("Paint %1").arg(toolName(tools_->tool()))
                             : QString("Correct labels (%1)").arg(toolName(tools_->tool()));
    auto command = stroke_->finish(what);
    stroke_.reset();
    if (command)
        model_->undoHistory()->push(command.release());
}

void SliceView::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
    case Qt::Key_Up:
    case Qt::Key_PageUp:
        stepSlice(event->key() == Qt::Key_PageUp ? 10 : 1);
        break;
    case Qt::Key_Down:
    case Qt::Key_PageDown:
        stepSlice(event->key() == Qt::Key_PageDown ? -10 : -1);
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomBy(1.25, mouse_);
        break;
    case Qt::Key_Minus:
        zoomBy(0.8, mouse_);
        break;
    case Qt::Key_0:
        resetView();
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void SliceView::leaveEvent(QEvent*) {
    mouse_.reset();
    update();
}

} // namespace cisterna::ui
