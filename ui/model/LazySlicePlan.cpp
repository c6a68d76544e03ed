#include "ui/model/LazySlicePlan.h"

#include <algorithm>
#include <cmath>

namespace cisterna::ui {

int axisIndexOf(ViewAxis axis) {
    return axis == ViewAxis::XY ? 0 : axis == ViewAxis::XZ ? 1 : 2;
}

namespace {

std::int64_t& along(Index3& i, int axis) {
    return axis == 0 ? i.z : axis == 1 ? i.y : i.x;
}

} // namespace

LazySlicePlan planLazySlice(const LazyPyramid& pyramid, const SliceGeometry& g, std::int64_t slice,
                            double c0, double c1, double r0, double r1, double pixelsPerColumn,
                            double pixelsPerRow) {
    LazySlicePlan plan;
    const auto first = [](double v, std::int64_t n) {
        return std::clamp<std::int64_t>(std::int64_t(std::floor(v)), 0, n);
    };
    const auto last = [](double v, std::int64_t n) {
        return std::clamp<std::int64_t>(std::int64_t(std::ceil(v)), 0, n);
    };
    const std::int64_t col0 = first(c0, g.columns()), col1 = last(c1, g.columns());
    const std::int64_t row0 = first(r0, g.rows()), row1 = last(r1, g.rows());
    if (col1 <= col0 || row1 <= row0)
        return plan;
    const int axis = axisIndexOf(g.axis);
    // Level-0 voxels per screen pixel along the columns' and the rows' volume axes.
    const double perColumn = 1.0 / std::max(pixelsPerColumn, 1e-9);
    const double perRow = 1.0 / std::max(pixelsPerRow, 1e-9);
    Vec3d perPixel{perRow, perRow, perColumn}; // XY: rows are y, columns x
    if (g.axis == ViewAxis::XZ)
        perPixel = {perRow, 1, perColumn};
    else if (g.axis == ViewAxis::YZ)
        perPixel = {perRow, perColumn, 1};
    plan.level = pyramid.levelFor(axis, perPixel);
    plan.factors = pyramid.scaleOf(plan.level);
    const Shape3 levelShape = pyramid.level(plan.level).shape();

    // The level-0 box of the visible part, then the level's voxels that cover it.
    const Index3 a = g.voxelAt(slice, col0, row0);
    const Index3 b = g.voxelAt(slice, col1 - 1, row1 - 1);
    const Shape3& f = plan.factors;
    const Index3 begin{std::min(a.z, b.z) / f.z, std::min(a.y, b.y) / f.y,
                       std::min(a.x, b.x) / f.x};
    const Index3 end{std::min(levelShape.z, std::max(a.z, b.z) / f.z + 1),
                     std::min(levelShape.y, std::max(a.y, b.y) / f.y + 1),
                     std::min(levelShape.x, std::max(a.x, b.x) / f.x + 1)};
    plan.box = {begin, {end.z - begin.z, end.y - begin.y, end.x - begin.x}};

    // Back to level-0 columns and rows.
    const Shape3 full = g.shape;
    Index3 lo{begin.z * f.z, begin.y * f.y, begin.x * f.x};
    Index3 hi{std::min(full.z, end.z * f.z) - 1, std::min(full.y, end.y * f.y) - 1,
              std::min(full.x, end.x * f.x) - 1};
    along(lo, axis) = slice;
    along(hi, axis) = slice;
    plan.column = g.columnOf(lo);
    plan.row = g.rowOf(lo);
    plan.columns = g.columnOf(hi) - plan.column + 1;
    plan.rows = g.rowOf(hi) - plan.row + 1;
    return plan;
}

} // namespace cisterna::ui
