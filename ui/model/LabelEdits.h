#pragma once
// Undo steps for edits of an organelle's layers. Brush edits store only the voxels
// they changed (offset, before, after), so the history of a day of painting on a
// 1024^3 volume stays a few megabytes. Replacing a whole layer (a new graph-cut
// result, a prediction) stores the difference between the two layers, run-length
// coded (VolumeDelta), not the layers themselves. Each step says how many bytes it
// holds, and UndoHistory keeps their sum within its budget.
#include "ui/model/DocumentModel.h"
#include "ui/model/UndoHistory.h"

#include "core/volume/VolumeDelta.h"

#include <cstdint>
#include <vector>

namespace cisterna::ui {

struct SparseChanges {
    std::vector<std::int64_t> offsets; // element offsets into the contiguous layer
    std::vector<std::uint8_t> before;
    std::vector<std::uint8_t> after;
    bool empty() const { return offsets.empty(); }
};

class SparseEditCommand : public UndoStep {
public:
    // The changes are already applied (painted live); the first redo() does nothing.
    SparseEditCommand(DocumentModel* document, int organelleUid, Layer layer, SparseChanges changes,
                      const QString& text);
    void undo() override;
    void redo() override;
    const SparseChanges& changes() const { return changes_; }
    std::uint64_t bytes() const override;

private:
    void apply(const std::vector<std::uint8_t>& values);
    DocumentModel* document_;
    int uid_;
    Layer layer_;
    SparseChanges changes_;
    bool applied_ = true;
};

class ReplaceLayerCommand : public UndoStep {
public:
    // redo() installs `replacement` (the first time too); the delta between the layer
    // as it is now and the replacement is computed here, on the UI thread, where the
    // layer cannot change meanwhile.
    ReplaceLayerCommand(DocumentModel* document, int organelleUid, Layer layer, Volume replacement,
                        const QString& text);
    void undo() override;
    void redo() override;
    std::uint64_t bytes() const override;

private:
    DocumentModel* document_;
    int uid_;
    Layer layer_;
    VolumeDelta delta_;
    Volume replacement_; // until the first redo() has installed it
};

} // namespace cisterna::ui
