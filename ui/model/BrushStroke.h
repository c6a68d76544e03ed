#pragma once
// One brush stroke (press, drag, release) on a slice view: paints discs along the
// mouse path into an organelle layer as it goes, remembering the first value of
// every voxel it touched so that the stroke becomes one sparse undo command.
#include "ui/model/DocumentModel.h"
#include "ui/model/SliceGeometry.h"

#include <QUndoCommand>

#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cisterna::ui {

// In-plane (column, row) offsets covered by a brush of `radiusNm` on a view: voxels
// whose centre lies within the radius, measured physically (anisotropic voxels give
// an elliptic footprint in voxel units). Radius 0 is the single voxel.
std::vector<std::pair<int, int>> brushFootprint(const SliceGeometry& geometry, double radiusNm);

class BrushStroke {
public:
    BrushStroke(DocumentModel* document, int organelle, Layer layer, std::uint8_t value,
                const SliceGeometry& geometry, std::int64_t slice, double radiusNm);

    // Paints a disc at (column, row) and, from the previous point, along the line.
    void addPoint(std::int64_t column, std::int64_t row);
    std::int64_t changedVoxels() const { return std::int64_t(before_.size()); }
    // The undo command of the whole stroke (already applied), or null if it changed
    // nothing.
    std::unique_ptr<QUndoCommand> finish(const QString& text);

private:
    void dab(std::int64_t column, std::int64_t row);
    DocumentModel* document_;
    int organelle_, uid_;
    Layer layer_;
    std::uint8_t value_;
    SliceGeometry geometry_;
    std::int64_t slice_;
    std::vector<std::pair<int, int>> footprint_;
    std::uint8_t* data_ = nullptr;
    std::optional<std::pair<std::int64_t, std::int64_t>> last_;
    std::unordered_map<std::int64_t, std::uint8_t> before_;
    std::vector<std::int64_t> order_; // first-touch order, for a reproducible command
};

} // namespace cisterna::ui
