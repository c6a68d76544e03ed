#include "ui/model/LabelEdits.h"

namespace cisterna::ui {

SparseEditCommand::SparseEditCommand(DocumentModel* document, int organelleUid, Layer layer,
                                     SparseChanges changes, const QString& text)
    : UndoStep(text), document_(document), uid_(organelleUid), layer_(layer),
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

std::uint64_t SparseEditCommand::bytes() const {
    return sizeof(*this) + changes_.offsets.capacity() * sizeof(std::int64_t) +
           changes_.before.capacity() + changes_.after.capacity();
}

ReplaceLayerCommand::ReplaceLayerCommand(DocumentModel* document, int organelleUid, Layer layer,
                                         Volume replacement, const QString& text)
    : UndoStep(text), document_(document), uid_(organelleUid), layer_(layer),
      replacement_(std::move(replacement)) {
    const int index = document_->indexOfUid(uid_);
    const Volume before = index >= 0 ? document_->layer(index, layer_) : Volume();
    if (!before.isNull() || !replacement_.isNull())
        delta_ = VolumeDelta::between(before, replacement_);
}

void ReplaceLayerCommand::undo() {
    const int index = document_->indexOfUid(uid_);
    if (index < 0 || delta_.shape().isEmpty())
        return;
    if (delta_.beforeWasNull()) {
        document_->setLayer(index, layer_, Volume());
        return;
    }
    // ensureLayer() hands out voxels nobody else holds (a job's snapshot stays as it
    // was), allocating zeros if the layer was cleared.
    delta_.applyBefore(document_->ensureLayer(index, layer_));
    document_->notifyLayerEdited(index, layer_);
}

void ReplaceLayerCommand::redo() {
    const int index = document_->indexOfUid(uid_);
    if (index < 0)
        return;
    if (!replacement_.isNull() || delta_.afterIsNull()) {
        // The first time: the replacement itself, whose voxels nobody else writes.
        document_->setLayer(index, layer_, std::move(replacement_));
        replacement_ = Volume();
        return;
    }
    delta_.applyAfter(document_->ensureLayer(index, layer_));
    document_->notifyLayerEdited(index, layer_);
}

std::uint64_t ReplaceLayerCommand::bytes() const {
    return sizeof(*this) + delta_.bytes();
}

} // namespace cisterna::ui
