#include "ui/model/LabelEdits.h"

namespace cisterna::ui {

SparseEditCommand::SparseEditCommand(DocumentModel* document, int organelleUid, Layer layer,
                                     SparseChanges changes, const QString& text)
    : QUndoCommand(text), document_(document), uid_(organelleUid), layer_(layer),
      changes_(std::move(changes)) {}

void SparseEditCommand::apply(const std::vector<std::uint8_t>& values) {
    const int index = document_->indexOfUid(uid_);
    if (index < 0)
        return;
    Volume& v = document_->ensureLayer(index, layer_);
    auto* data = static_cast<std::uint8_t*>(v.data());
    const std::int64_t n = v.voxelCount();
    for (std::size_t i = 0; i < changes_.offsets.size(); ++i)
        if (changes_.offsets[i] >= 0 && changes_.offsets[i] < n)
            data[changes_.offsets[i]] = values[i];
    document_->notifyLayerEdited(index, layer_);
}

void SparseEditCommand::undo() {
    apply(changes_.before);
    applied_ = false;
}

void SparseEditCommand::redo() {
    if (applied_)
        return;
    apply(changes_.after);
    applied_ = true;
}

ReplaceLayerCommand::ReplaceLayerCommand(DocumentModel* document, int organelleUid, Layer layer,
                                         Volume replacement, const QString& text)
    : QUndoCommand(text), document_(document), uid_(organelleUid), layer_(layer),
      after_(std::move(replacement)) {
    const int index = document_->indexOfUid(uid_);
    if (index >= 0)
        before_ = document_->layer(index, layer_);
}

void ReplaceLayerCommand::undo() {
    const int index = document_->indexOfUid(uid_);
    if (index >= 0)
        document_->setLayer(index, layer_, before_);
}

void ReplaceLayerCommand::redo() {
    const int index = document_->indexOfUid(uid_);
    if (index >= 0)
        document_->setLayer(index, layer_, after_);
}

} // namespace cisterna::ui
