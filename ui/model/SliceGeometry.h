#pragma once
// How a 2D slice view maps onto the 3D volume: which axis it looks along, which
// volume axes become its columns and rows, and the physical aspect of a pixel.
// Pure logic, no widgets, so tests drive it without a window.
#include "core/volume/Geometry.h"

namespace cisterna::ui {

enum class ViewAxis { XY, XZ, YZ }; // XY looks along z, XZ along y, YZ along x

const char* viewAxisName(ViewAxis axis);

struct SliceGeometry {
    ViewAxis axis = ViewAxis::XY;
    Shape3 shape;
    Vec3d voxelSize{1, 1, 1};

    std::int64_t sliceCount() const; // extent along the viewing axis
    std::int64_t columns() const;    // image width in voxels
    std::int64_t rows() const;       // image height in voxels
    double columnSpacing() const;    // nm per column
    double rowSpacing() const;       // nm per row
    // Voxel at (column, row) of slice `slice`.
    Index3 voxelAt(std::int64_t slice, std::int64_t column, std::int64_t row) const;
    // The slice of this view that contains `voxel`, and its column/row there.
    std::int64_t sliceOf(const Index3& voxel) const;
    std::int64_t columnOf(const Index3& voxel) const;
    std::int64_t rowOf(const Index3& voxel) const;
};

} // namespace cisterna::ui
