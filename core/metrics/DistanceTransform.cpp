#include "core/metrics/DistanceTransform.h"

#include <limits>

namespace cisterna {
namespace {

// Lower envelope of parabolas along one line: f in, d out (both length n, stride 1).
void transformLine(const float* f, float* d, std::int64_t n, std::vector<std::int64_t>& v,
                   std::vector<float>& z) {
    const float inf = std::numeric_limits<float>::infinity();
    v.resize(static_cast<std::size_t>(n));
    z.resize(static_cast<std::size_t>(n) + 1);
    std::int64_t k = -1;
    for (std::int64_t q = 0; q < n; ++q) {
        if (f[q] == inf)
            continue;
        float s = 0;
        while (k >= 0) {
            const std::int64_t p = v[k];
            s = ((f[q] + float(q) * q) - (f[p] + float(p) * p)) / (2.0f * float(q - p));
            if (s > z[k])
                break;
            --k;
        }
        ++k;
        v[k] = q;
        z[k] = k == 0 ? -inf : s;
        z[k + 1] = inf;
    }
    if (k < 0) {
        for (std::int64_t q = 0; q < n; ++q)
            d[q] = inf;
        return;
    }
    std::int64_t j = 0;
    for (std::int64_t q = 0; q < n; ++q) {
        while (z[j + 1] < float(q))
            ++j;
        const float dq = float(q - v[j]);
        d[q] = dq * dq + f[v[j]];
    }
}

} // namespace

std::vector<float> squaredDistanceToFeature(const std::vector<bool>& feature, const Shape3& shape) {
    const float inf = std::numeric_limits<float>::infinity();
    std::vector<float> dist(feature.size());
    for (std::size_t i = 0; i < feature.size(); ++i)
        dist[i] = feature[i] ? 0.0f : inf;
    const std::int64_t extents[3] = {shape.z, shape.y, shape.x};
    const std::int64_t strides[3] = {shape.y * shape.x, shape.x, 1};
    std::vector<float> in, out, z;
    std::vector<std::int64_t> v;
    for (int axis = 2; axis >= 0; --axis) {
        const std::int64_t n = extents[axis];
        in.resize(static_cast<std::size_t>(n));
        out.resize(static_cast<std::size_t>(n));
        // Iterate over every line along `axis`: the other two axes index the line start.
        const int a = (axis + 1) % 3, b = (axis + 2) % 3;
        for (std::int64_t i = 0; i < extents[a]; ++i)
            for (std::int64_t j = 0; j < extents[b]; ++j) {
                const std::int64_t start = i * strides[a] + j * strides[b];
                for (std::int64_t q = 0; q < n; ++q)
                    in[q] = dist[static_cast<std::size_t>(start + q * strides[axis])];
                transformLine(in.data(), out.data(), n, v, z);
                for (std::int64_t q = 0; q < n; ++q)
                    dist[static_cast<std::size_t>(start + q * strides[axis])] = out[q];
            }
    }
    return dist;
}

} // namespace cisterna
