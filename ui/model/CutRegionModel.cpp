#include "ui/model/CutRegionModel.h"

namespace cisterna::ui {

CutRegionModel::CutRegionModel(DocumentModel* document, const GraphCutSettings* settings,
                               QObject* parent)
    : QObject(parent), document_(document), settings_(settings) {
    timer_.setSingleShot(true);
    timer_.setInterval(250);
    connect(&timer_, &QTimer::timeout, this, &CutRegionModel::refresh);
    connect(document_, &DocumentModel::layerChanged, this, [this](int organelle, int layer) {
        if (organelle == document_->activeOrganelle() && layer == int(Layer::Strokes))
            invalidate();
    });
    connect(document_, &DocumentModel::activeOrganelleChanged, this, &CutRegionModel::invalidate);
    connect(document_, &DocumentModel::organellesChanged, this, &CutRegionModel::invalidate);
    connect(document_, &DocumentModel::imageChanged, this, &CutRegionModel::invalidate);
}

void CutRegionModel::refresh() {
    if (!dirty_)
        return;
    dirty_ = false;
    timer_.stop();
    const int active = document_->activeOrganelle();
    const std::optional<Box3> now =
        document_->hasImage() && active >= 0
            ? graphCutRegion(*settings_, document_->organelle(active).layer(Layer::Strokes))
            : std::nullopt;
    if (now == region_)
        return;
    region_ = now;
    emit changed();
}

void CutRegionModel::settingsChanged() {
    invalidate();
}

void CutRegionModel::invalidate() {
    dirty_ = true;
    timer_.start(); // restarted by every change until they pause
}

} // namespace cisterna::ui
