#include "ui/model/BrushStroke.h"

#include "ui/model/LabelEdits.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace cisterna::ui {

std::vector<std::pair<int, int>> brushFootprint(const SliceGeometry& g, double radiusNm) {
    const double cs = g.columnSpacing(), rs = g.rowSpacing();
    const int reachC = int(std::floor(radiusNm / cs + 1e-9));
    const int reachR = int(std::floor(radiusNm / rs + 1e-9));
    const double limit = radiusNm * radiusNm * (1 + 1e-9);
    std::vector<std::pair<int, int>> offsets;
    for (int dr = -reachR; dr <= reachR; ++dr)
        for (int dc = -reachC; dc <= reachC; ++dc) {
            const double pc = dc * cs, pr = dr * rs;
            if (pc * pc + pr * pr <= limit)
                offsets.emplace_back(dc, dr);
        }
    if (offsets.empty())
        offsets.emplace_back(0, 0);
    return offsets;
}

BrushStroke::BrushStroke(DocumentModel* document, int organelle, Layer layer, std::uint8_t value,
                         const SliceGeometry& geometry, std::int64_t slice, double radiusNm)
    : document_(document), organelle_(organelle), uid_(document->organelle(organelle).uid),
      layer_(layer), value_(value), geometry_(geometry), slice_(slice),
      footprint_(brushFootprint(geometry, radiusNm)) {
    Volume& v = document_->ensureLayer(organelle_, layer_);
    data_ = static_cast<std::uint8_t*>(v.data());
}

void BrushStroke::dab(std::int64_t column, std::int64_t row) {
    const Shape3 s = geometry_.shape;
    for (const auto& [dc, dr] : footprint_) {
        const std::int64_t c = column + dc, r = row + dr;
        if (c < 0 || r < 0 || c >= geometry_.columns() || r >= geometry_.rows())
            continue;
        const Index3 v = geometry_.voxelAt(slice_, c, r);
        const std::int64_t offset = (v.z * s.y + v.y) * s.x + v.x;
        std::uint8_t& voxel = data_[offset];
        if (voxel == value_)
            continue;
        if (before_.emplace(offset, voxel).second)
            order_.push_back(offset);
        voxel = value_;
    }
}

void BrushStroke::addPoint(std::int64_t column, std::int64_t row) {
    // A job may have taken a snapshot of the layer since the last point: ensureLayer()
    // then gives the layer its own copy of the voxels, and the stroke goes on there.
    organelle_ = document_->indexOfUid(uid_);
    if (organelle_ < 0)
        return; // the organelle was removed during the stroke
    data_ = static_cast<std::uint8_t*>(document_->ensureLayer(organelle_, layer_).data());
    if (!last_) {
        dab(column, row);
    } else {
        // Every voxel centre on the line gets a dab, so fast drags leave no gaps.
        const auto [c0, r0] = *last_;
        const std::int64_t steps = std::max(std::abs(column - c0), std::abs(row - r0));
        for (std::int64_t i = 1; i <= steps; ++i) {
            const double t = double(i) / double(steps);
            dab(std::llround(double(c0) + t * double(column - c0)),
                std::llround(double(r0) + t * double(row - r0)));
        }
        if (steps == 0)
            dab(column, row);
    }
    last_ = std::make_pair(column, row);
    document_->notifyLayerEdited(organelle_, layer_);
}

std::unique_ptr<QUndoCommand> BrushStroke::finish(const QString& text) {
    // The layer as it is now: a job may have replaced it since the last point.
    const int index = document_->indexOfUid(uid_);
    if (index < 0)
        return nullptr;
    const Volume& layer = document_->layer(index, layer_);
    if (layer.isNull() || layer.shape() != geometry_.shape)
        return nullptr;
    const auto* data = static_cast<const std::uint8_t*>(layer.data());
    SparseChanges changes;
    changes.offsets.reserve(order_.size());
    for (std::int64_t offset : order_) {
        const std::uint8_t old = before_.at(offset);
        if (data[offset] == old)
            continue;
        changes.offsets.push_back(offset);
        changes.before.push_back(old);
        changes.after.push_back(data[offset]);
    }
    if (changes.empty())
        return nullptr;
    return std::make_unique<SparseEditCommand>(document_, uid_, layer_, std::move(changes), text);
}

} // namespace cisterna::ui
