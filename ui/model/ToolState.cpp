#include "ui/model/ToolState.h"

#include <algorithm>
#include <cmath>

namespace cisterna::ui {

const char* toolName(Tool tool) {
    switch (tool) {
    case Tool::Navigate:
        return "navigate";
    case Tool::ObjectBrush:
        return "object brush";
    case Tool::BackgroundBrush:
        return "background brush";
    case Tool::Eraser:
        return "eraser";
    }
    return "?";
}

ToolState::ToolState(QObject* parent) : QObject(parent) {}

void ToolState::setTool(Tool tool) {
    if (tool_ == tool)
        return;
    tool_ = tool;
    emit changed();
}

void ToolState::setTarget(PaintTarget target) {
    if (target_ == target)
        return;
    target_ = target;
    emit changed();
}

void ToolState::setRadiusVoxels(double radius) {
    radius = std::clamp(radius, 0.0, 200.0);
    if (radius == radiusVoxels_)
        return;
    radiusVoxels_ = radius;
    emit changed();
}

void ToolState::setFinestSpacing(double nm) {
    if (!(nm > 0) || nm == finestSpacing_)
        return;
    finestSpacing_ = nm;
    emit changed();
}

void ToolState::growBrush() {
    setRadiusVoxels(radiusVoxels_ < 1 ? 1 : std::round(radiusVoxels_ * 1.25 + 0.5));
}

void ToolState::shrinkBrush() {
    setRadiusVoxels(radiusVoxels_ <= 1 ? 0 : std::floor(radiusVoxels_ / 1.25));
}

std::uint8_t ToolState::paintValue() const {
    if (target_ == PaintTarget::Strokes) {
        switch (tool_) {
        case Tool::ObjectBrush:
            return kStrokeValueObject;
        case Tool::BackgroundBrush:
            return kStrokeValueBackground;
        default:
            return 0;
        }
    }
    return tool_ == Tool::ObjectBrush ? 1 : 0; // labels: background brush removes too
}

} // namespace cisterna::ui
