#include "ui/model/DocumentModel.h"

#include "core/io/lazy/LazyPyramid.h"
#include "core/util/Error.h"
#include "core/volume/VolumeOps.h"

#include <algorithm>

namespace cisterna::ui {

DocumentModel::DocumentModel(QObject* parent) : QObject(parent) {
    connect(&undo_, &UndoHistory::indexChanged, this, [this] { touch(); });
}

void DocumentModel::touch() {
    ++changes_;
    setModified(true);
}

void DocumentModel::setModified(bool modified) {
    if (modified_ == modified)
        return;
    modified_ = modified;
    emit modifiedChanged(modified);
}

void DocumentModel::setImage(Volume image, const QString& name, const QString& source) {
    image_ = std::move(image);
    browsed_.reset();
    browsedSample_ = Volume();
    browsedOverview_ = Volume();
    resetDocument(name, source, image_);
}

void DocumentModel::setBrowsedVolume(std::shared_ptr<LazyPyramid> volume, const Volume& sample,
                                     const QString& name, const QString& source) {
    image_ = Volume();
    browsed_ = std::move(volume);
    browsedSample_ = sample;
    browsedOverview_ = Volume();
    if (browsed_) {
        const VolumeInfo& info = browsed_->level(0).info();
        browsedVoxelSize_ = info.voxelSize;
        browsedHasVoxelSize_ = info.hasVoxelSize;
    }
    resetDocument(name, source, sample);
}

void DocumentModel::resetDocument(const QString& name, const QString& source,
                                  const Volume& windowSample) {
    undo_.clear();
    name_ = name;
    source_ = source;
    region_.reset();
    reference_ = Volume();
    organelles_.clear();
    active_ = -1;
    if (!windowSample.isNull()) {
        const ValueRange range = valueRange(windowSample);
        level_ = (range.min + range.max) / 2;
        width_ = std::max(1.0, range.max - range.min);
    }
    const Shape3 s = shape();
    cursor_ = {s.z / 2, s.y / 2, s.x / 2};
    for (auto& v : views_)
        v = ViewSettings();
    ++changes_;
    modified_ = false;
    emit imageChanged();
    emit organellesChanged();
    emit activeOrganelleChanged();
    emit cursorChanged();
    emit displayChanged();
    emit modifiedChanged(false);
}

void DocumentModel::setBrowsedOverview(Volume overview, const Shape3& factors) {
    if (!browsed_)
        return;
    browsedOverview_ = std::move(overview);
    browsedOverviewFactors_ = factors;
    emit imageChanged();
}

Shape3 DocumentModel::shape() const {
    return browsed_ ? browsed_->level(0).shape() : image_.shape();
}

Vec3d DocumentModel::voxelSize() const {
    return browsed_ ? browsedVoxelSize_ : image_.voxelSize();
}

bool DocumentModel::hasVoxelSize() const {
    return browsed_ ? browsedHasVoxelSize_ : image_.hasVoxelSize();
}

void DocumentModel::setVoxelSize(const Vec3d& size) {
    if (browsed_) {
        if (!(size.z > 0 && size.y > 0 && size.x > 0))
            throw InvalidArgument("voxel sizes must be positive, got " + toString(size));
        browsedVoxelSize_ = size;
        browsedHasVoxelSize_ = true;
        emit imageChanged();
        return;
    }
    if (image_.isNull())
        return;
    image_.setVoxelSize(size); // throws for non-positive sizes
    for (auto& o : organelles_)
        for (auto& l : o.layers)
            if (!l.isNull())
                l.setVoxelSize(size);
    if (!reference_.isNull())
        reference_.setVoxelSize(size);
    touch();
    emit imageChanged();
}

void DocumentModel::setReferenceLabels(Volume labels) {
    if (!labels.isNull() && labels.shape() != image_.shape())
        throw InvalidArgument("the reference labels have shape " + toString(labels.shape()) +
                              " but the image has shape " + toString(image_.shape()));
    reference_ = std::move(labels);
}

int DocumentModel::indexOfUid(int uid) const {
    for (std::size_t i = 0; i < organelles_.size(); ++i)
        if (organelles_[i].uid == uid)
            return int(i);
    return -1;
}

int DocumentModel::addOrganelle(const QString& name, const QColor& colour) {
    Organelle o;
    o.uid = nextUid_++;
    o.name = name;
    o.colour = colour.isValid() ? colour : defaultOrganelleColour(int(organelles_.size()));
    organelles_.push_back(std::move(o));
    const int index = int(organelles_.size()) - 1;
    touch();
    emit organellesChanged();
    if (active_ < 0)
        setActiveOrganelle(index);
    return index;
}

void DocumentModel::removeOrganelle(int index) {
    if (index < 0 || index >= organelleCount())
        return;
    // Undo commands address organelles by uid; those of a removed organelle would
    // have nothing to act on, so the history goes with it.
    undo_.clear();
    organelles_.erase(organelles_.begin() + index);
    if (active_ >= organelleCount())
        active_ = organelleCount() - 1;
    touch();
    emit organellesChanged();
    emit activeOrganelleChanged();
}

void DocumentModel::setOrganelleName(int index, const QString& name) {
    organelles_.at(std::size_t(index)).name = name;
    touch();
    emit organellesChanged();
}

void DocumentModel::setOrganelleColour(int index, const QColor& colour) {
    organelles_.at(std::size_t(index)).colour = colour;
    touch();
    emit organellesChanged();
}

void DocumentModel::setOrganelleVisible(int index, bool visible) {
    organelles_.at(std::size_t(index)).visible = visible;
    touch();
    emit organellesChanged();
}

void DocumentModel::setOrganelleOpacity(int index, double opacity) {
    organelles_.at(std::size_t(index)).opacity = std::clamp(opacity, 0.0, 1.0);
    touch();
    emit organellesChanged();
}

void DocumentModel::setOrganelleThreshold(int index, double threshold) {
    organelles_.at(std::size_t(index)).threshold = std::clamp(threshold, 0.0, 1.0);
    touch();
    emit organellesChanged();
    // The thresholded prediction is what the views and the 3D surface show.
    emit layerChanged(index, int(Layer::Prediction));
}

void DocumentModel::setOrganelleModels(int index, const QStringList& modelPaths) {
    organelles_.at(std::size_t(index)).modelPaths = modelPaths;
    touch();
    emit organellesChanged();
}

void DocumentModel::setPredictionSource(int index, const QString& source) {
    organelles_.at(std::size_t(index)).predictionSource = source;
    touch();
}

void DocumentModel::setGraphCutChoice(int index, const QString& choice) {
    organelles_.at(std::size_t(index)).graphCutChoice = choice;
    touch();
}

void DocumentModel::setActiveOrganelle(int index) {
    if (index < -1 || index >= organelleCount() || index == active_)
        return;
    active_ = index;
    emit activeOrganelleChanged();
}

const Volume& DocumentModel::layer(int organelle, Layer layer) const {
    return organelles_.at(std::size_t(organelle)).layer(layer);
}

std::uint64_t DocumentModel::layerRevision(int organelle, Layer layer) const {
    return organelles_.at(std::size_t(organelle)).revisions[std::size_t(layer)];
}

Volume& DocumentModel::ensureLayer(int organelle, Layer layer) {
    // The caller is about to write: whatever it writes, the layer is new from now.
    organelles_.at(std::size_t(organelle)).revisions[std::size_t(layer)] = nextRevision_++;
    Volume& v = organelles_.at(std::size_t(organelle)).layer(layer);
    if (v.isNull()) {
        v = Volume::allocate(DataType::UInt8, image_.shape(),
                             layer == Layer::Prediction ? VolumeRole::Image : VolumeRole::Label,
                             std::string(layerName(layer)) + " layer");
        if (image_.hasVoxelSize())
            v.setVoxelSize(image_.voxelSize());
        v.setOrigin(image_.origin());
    } else if (v.sharesVoxels()) {
        v = v.clone(); // copy-on-write: whoever holds the old voxels keeps them unchanged
    }
    return v;
}

void DocumentModel::setLayer(int organelle, Layer layer, Volume volume) {
    if (!volume.isNull()) {
        if (volume.shape() != image_.shape())
            throw InvalidArgument(std::string("the ") + layerName(layer) + " layer has shape " +
                                  toString(volume.shape()) + " but the image has shape " +
                                  toString(image_.shape()));
        if (volume.dataType() != DataType::UInt8)
            throw InvalidArgument(std::string("the ") + layerName(layer) +
                                  " layer must be uint8, not " + toString(volume.dataType()));
        if (!volume.isContiguous())
            volume = volume.contiguous();
        if (image_.hasVoxelSize())
            volume.setVoxelSize(image_.voxelSize());
    }
    organelles_.at(std::size_t(organelle)).layer(layer) = std::move(volume);
    organelles_.at(std::size_t(organelle)).revisions[std::size_t(layer)] = nextRevision_++;
    touch();
    emit layerChanged(organelle, int(layer));
}

void DocumentModel::notifyLayerEdited(int organelle, Layer layer) {
    organelles_.at(std::size_t(organelle)).revisions[std::size_t(layer)] = nextRevision_++;
    touch();
    emit layerChanged(organelle, int(layer));
}

void DocumentModel::setCursor(const Index3& voxel) {
    const Shape3 s = shape();
    Index3 c{std::clamp<std::int64_t>(voxel.z, 0, std::max<std::int64_t>(0, s.z - 1)),
             std::clamp<std::int64_t>(voxel.y, 0, std::max<std::int64_t>(0, s.y - 1)),
             std::clamp<std::int64_t>(voxel.x, 0, std::max<std::int64_t>(0, s.x - 1))};
    if (c == cursor_)
        return;
    cursor_ = c;
    emit cursorChanged();
}

void DocumentModel::setWindow(double level, double width) {
    level_ = level;
    width_ = std::max(1e-6, width);
    emit displayChanged();
}

} // namespace cisterna::ui
