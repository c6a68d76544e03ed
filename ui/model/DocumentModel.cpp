#include "ui/model/DocumentModel.h"

#include "core/util/Error.h"
#include "core/volume/VolumeOps.h"

#include <algorithm>

namespace cisterna::ui {

DocumentModel::DocumentModel(QObject* parent) : QObject(parent) {}

void DocumentModel::setImage(Volume image, const QString& name) {
    image_ = std::move(image);
    name_ = name;
    labels_ = Volume();
    const ValueRange range = valueRange(image_);
    level_ = (range.min + range.max) / 2;
    width_ = std::max(1.0, range.max - range.min);
    const Shape3 s = image_.shape();
    cursor_ = {s.z / 2, s.y / 2, s.x / 2};
    emit imageChanged();
    emit labelsChanged();
    emit cursorChanged();
    emit displayChanged();
}

void DocumentModel::setLabels(Volume labels) {
    if (!labels.isNull() && labels.shape() != image_.shape())
        throw InvalidArgument("the labels have shape " + toString(labels.shape()) +
                              " but the image has shape " + toString(image_.shape()));
    labels_ = std::move(labels);
    emit labelsChanged();
}

void DocumentModel::setCursor(const Index3& voxel) {
    const Shape3 s = image_.shape();
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

void DocumentModel::setLabelOpacity(double opacity) {
    labelOpacity_ = std::clamp(opacity, 0.0, 1.0);
    emit displayChanged();
}

} // namespace cisterna::ui
