#include "ui/model/Histogram.h"

#include <algorithm>
#include <cmath>

namespace cisterna::ui {

namespace {

// Calls f(value) for an even sample of about maxSamples voxels: every step-th voxel
// along each axis, so the sample covers the whole volume.
template <class T, class F> void forSample(const VolumeView<const T>& v, std::int64_t step, F&& f) {
    const Shape3 s = v.shape();
    for (std::int64_t z = 0; z < s.z; z += step)
        for (std::int64_t y = 0; y < s.y; y += step) {
            const T* row = v.row(z, y);
            for (std::int64_t x = 0; x < s.x; x += step)
                f(double(row[x * v.strides().x]));
        }
}

} // namespace

Histogram computeHistogram(const Volume& image, int bins, std::int64_t maxSamples) {
    Histogram h;
    if (image.isNull() || image.voxelCount() == 0 || bins <= 0)
        return h;
    const double ratio = double(image.voxelCount()) / double(std::max<std::int64_t>(1, maxSamples));
    const auto step = std::int64_t(std::max(1.0, std::ceil(std::cbrt(ratio))));
    dispatchDataType(image.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const auto v = image.view<T>();
        if (image.dataType() == DataType::UInt8) {
            // One bin per value: exact.
            h.min = 0;
            h.max = 256;
        } else {
            double lo = INFINITY, hi = -INFINITY;
            forSample(v, step, [&](double value) {
                if (std::isfinite(value)) {
                    lo = std::min(lo, value);
                    hi = std::max(hi, value);
                }
            });
            h.min = std::isfinite(lo) ? lo : 0;
            h.max = std::isfinite(hi) ? hi : 1;
            if (h.max <= h.min)
                h.max = h.min + 1;
        }
        const int n = image.dataType() == DataType::UInt8 ? 256 : bins;
        h.counts.assign(std::size_t(n), 0);
        const double scale = n / (h.max - h.min);
        forSample(v, step, [&](double value) {
            if (!std::isfinite(value))
                return;
            const auto bin =
                std::clamp<std::int64_t>(std::int64_t((value - h.min) * scale), 0, n - 1);
            ++h.counts[std::size_t(bin)];
            ++h.sampled;
        });
    });
    return h;
}

} // namespace cisterna::ui
