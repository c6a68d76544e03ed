#pragma once
// Undo commands for edits of an organelle's layers. Brush edits store only the
// voxels they changed (offset, before, after), so the history of a day of painting
// on a 1024^3 volume stays a few megabytes. Replacing a whole layer (a new graph-cut
// result) keeps the old volume handle instead of a copy.
#include "ui/model/DocumentModel.h"

#include <QUndoCommand>

#include <cstdint>
#include <vector>

namespace cisterna::ui {

struct SparseChanges {
    std::vector<std::int64_t> offsets; // element offsets into the contiguous layer
    std::vector<std::uint8_t> before;
    std::vector<std::uint8_t> after;
    bool empty() const { return offsets.empty(); }
};

class SparseEditCommand : public QUndoCommand {
public:
    // The changes are already applied (painted live); the first redo() does nothing.
    SparseEditCommand(DocumentModel* document, int organelleUid, Layer layer, SparseChanges changes,
                      const QString& text);
    void undo() override;
    void redo() override;
    const SparseChanges& changes() const { return changes_; }

private:
    void apply(const std::vector<std::uint8_t>& values);
    DocumentModel* document_;
    int uid_;
    Layer layer_;
    SparseChanges changes_;
    bool applied_ = true;
};

class ReplaceLayerCommand : public QUndoCommand {
public:
    // redo() installs `replacement` (the first time too).
    ReplaceLayerCommand(DocumentModel* document, int organelleUid, Layer layer, Volume replacement,
                        const QString& text);
    void undo() override;
    void redo() override;

private:
    DocumentModel* document_;
    int uid_;
    Layer layer_;
    Volume before_, after_;
};

} // namespace cisterna::ui
