#include "core/volume/VolumeOps.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace cisterna {

ValueRange valueRange(const Volume& volume) {
    ValueRange range;
    bool first = true;
    dispatchDataType(volume.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const auto v = volume.view<T>();
        T lo = std::numeric_limits<T>::max(), hi = std::numeric_limits<T>::lowest();
        forEachRow(v, [&](std::int64_t, std::int64_t, const T* row) {
            for (std::int64_t x = 0; x < v.shape().x; ++x) {
                const T value = row[x * v.strides().x];
                if constexpr (std::is_floating_point_v<T>) {
                    if (std::isnan(value)) {
                        range.hasNaN = true;
                        continue;
                    }
                }
                lo = std::min(lo, value);
                hi = std::max(hi, value);
                first = false;
            }
        });
        if (!first) {
            range.min = double(lo);
            range.max = double(hi);
        }
    });
    return range;
}

void extendRange(ValueRange& range, const ValueRange& more, bool first) {
    if (first) {
        range = more;
        return;
    }
    range.min = std::min(range.min, more.min);
    range.max = std::max(range.max, more.max);
    range.hasNaN = range.hasNaN || more.hasNaN;
}

Volume convertDataType(const Volume& volume, DataType target) {
    Volume out = Volume::allocate(target, volume.shape(), volume.role(), "converted volume");
    if (volume.hasVoxelSize())
        out.setVoxelSize(volume.voxelSize());
    out.setOrigin(volume.origin());
    dispatchDataType(volume.dataType(), [&](auto srcTag) {
        using S = decltype(srcTag);
        dispatchDataType(target, [&](auto dstTag) {
            using D = decltype(dstTag);
            const auto src = volume.view<S>();
            const auto dst = out.view<D>();
            forEachRow(src, [&](std::int64_t z, std::int64_t y, const S* row) {
                D* d = dst.row(z, y);
                for (std::int64_t x = 0; x < src.shape().x; ++x) {
                    const double value = double(row[x * src.strides().x]);
                    if constexpr (std::is_floating_point_v<D>) {
                        d[x] = D(value);
                    } else {
                        const double lo = double(std::numeric_limits<D>::lowest());
                        const double hi = double(std::numeric_limits<D>::max());
                        d[x] = std::isnan(value) ? D(0) : D(std::clamp(std::round(value), lo, hi));
                    }
                }
            });
        });
    });
    return out;
}

bool sameVoxels(const Volume& a, const Volume& b) {
    if (a.shape() != b.shape() || a.dataType() != b.dataType())
        return false;
    return dispatchDataType(a.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const auto va = a.view<T>();
        const auto vb = b.view<T>();
        for (std::int64_t z = 0; z < va.shape().z; ++z)
            for (std::int64_t y = 0; y < va.shape().y; ++y)
                for (std::int64_t x = 0; x < va.shape().x; ++x) {
                    const T p = va(z, y, x), q = vb(z, y, x);
                    if (p != q && !(p != p && q != q)) // NaN equals NaN here
                        return false;
                }
        return true;
    });
}

} // namespace cisterna
