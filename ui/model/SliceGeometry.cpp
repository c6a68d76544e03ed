#include "ui/model/SliceGeometry.h"

namespace cisterna::ui {

const char* viewAxisName(ViewAxis axis) {
    switch (axis) {
    case ViewAxis::XY:
        return "XY";
    case ViewAxis::XZ:
        return "XZ";
    case ViewAxis::YZ:
        return "YZ";
    }
    return "?";
}

std::int64_t SliceGeometry::sliceCount() const {
    return axis == ViewAxis::XY ? shape.z : axis == ViewAxis::XZ ? shape.y : shape.x;
}
std::int64_t SliceGeometry::columns() const {
    return axis == ViewAxis::YZ ? shape.y : shape.x;
}
std::int64_t SliceGeometry::rows() const {
    return axis == ViewAxis::XY ? shape.y : shape.z;
}
double SliceGeometry::columnSpacing() const {
    return axis == ViewAxis::YZ ? voxelSize.y : voxelSize.x;
}
double SliceGeometry::rowSpacing() const {
    return axis == ViewAxis::XY ? voxelSize.y : voxelSize.z;
}

Index3 SliceGeometry::voxelAt(std::int64_t slice, std::int64_t column, std::int64_t row) const {
    switch (axis) {
    case ViewAxis::XY:
        return {slice, row, column};
    case ViewAxis::XZ:
        return {row, slice, column};
    case ViewAxis::YZ:
    default:
        return {row, column, slice};
    }
}

std::int64_t SliceGeometry::sliceOf(const Index3& v) const {
    return axis == ViewAxis::XY ? v.z : axis == ViewAxis::XZ ? v.y : v.x;
}
std::int64_t SliceGeometry::columnOf(const Index3& v) const {
    return axis == ViewAxis::YZ ? v.y : v.x;
}
std::int64_t SliceGeometry::rowOf(const Index3& v) const {
    return axis == ViewAxis::XY ? v.y : v.z;
}

} // namespace cisterna::ui
