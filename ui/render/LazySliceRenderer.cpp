#include "ui/render/LazySliceRenderer.h"

#include "ui/render/SliceRenderer.h"

#include <algorithm>

namespace cisterna::ui {

LazySliceImage renderLazySlice(const LazyPyramid& pyramid, const LazySlicePlan& plan, ViewAxis axis,
                               double windowLevel, double windowWidth) {
    LazySliceImage out;
    out.plan = plan;
    if (plan.columns <= 0 || plan.rows <= 0)
        return out;
    LazyVolume& level = pyramid.level(plan.level);
    const LazyVolume::CachedRead cached = level.readCached(plan.box);
    out.complete = cached.complete();
    // Read-ahead: this plane first when incomplete, and the planes on either side, so
    // that the next wheel step finds its chunks cached.
    const int a = axisIndexOf(axis);
    Box3 ahead = plan.box;
    std::int64_t& begin = a == 0 ? ahead.begin.z : a == 1 ? ahead.begin.y : ahead.begin.x;
    std::int64_t& size = a == 0 ? ahead.size.z : a == 1 ? ahead.size.y : ahead.size.x;
    const Shape3& s = level.shape();
    const std::int64_t extent = a == 0 ? s.z : a == 1 ? s.y : s.x;
    const std::int64_t from = std::max<std::int64_t>(0, begin - 1);
    const std::int64_t to = std::min(extent, begin + 2);
    begin = from;
    size = to - from;
    level.prefetch(ahead);

    SliceRenderRequest request;
    request.geometry.axis = axis;
    request.geometry.shape = cached.volume.shape();
    request.slice = 0;
    request.windowLevel = windowLevel;
    request.windowWidth = windowWidth;
    out.image = renderSlice(cached.volume, request);
    return out;
}

} // namespace cisterna::ui
