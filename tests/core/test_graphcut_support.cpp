#include "test_graphcut_support.h"

#include <algorithm>
#include <cmath>

namespace cisterna::test {

BlobVolume makeBlobVolume(const Shape3& shape, std::uint32_t seed, double noise) {
    BlobVolume b;
    b.image = Volume::allocate(DataType::UInt8, shape, VolumeRole::Image, "blob image");
    b.truth = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label, "blob truth");
    std::mt19937 rng(seed);
    std::normal_distribution<double> gauss(0.0, noise);
    const double cz = shape.z / 2.0, cy = shape.y / 2.0, cx = shape.x / 2.0;
    const double rz = shape.z / 3.5, ry = shape.y / 3.0, rx = shape.x / 2.8;
    auto img = b.image.view<std::uint8_t>();
    auto tru = b.truth.view<std::uint8_t>();
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x) {
                const double dz = (z - cz) / rz, dy = (y - cy) / ry, dx = (x - cx) / rx;
                const bool inside = dz * dz + dy * dy + dx * dx <= 1.0;
                tru(z, y, x) = inside ? 1 : 0;
                const double value = (inside ? 170.0 : 80.0) + gauss(rng);
                img(z, y, x) = std::uint8_t(std::clamp(std::lround(value), 0L, 255L));
            }
    return b;
}

Volume strokesOnSlices(const Volume& truth, const std::vector<std::int64_t>& slices) {
    const Shape3 s = truth.shape();
    Volume strokes = Volume::allocate(DataType::UInt8, s, VolumeRole::Label, "strokes");
    const auto t = truth.view<std::uint8_t>();
    auto out = strokes.view<std::uint8_t>();
    const int r = 2;
    for (std::int64_t z : slices)
        for (std::int64_t y = 0; y < s.y; ++y)
            for (std::int64_t x = 0; x < s.x; ++x) {
                bool allInside = true, allOutside = true;
                for (int dy = -r - 1; dy <= r + 1; ++dy)
                    for (int dx = -r - 1; dx <= r + 1; ++dx) {
                        const Index3 q{z, y + dy, x + dx};
                        const bool in = s.contains(q) && t(q) != 0;
                        if (std::abs(dy) <= r && std::abs(dx) <= r)
                            allInside = allInside && in;
                        allOutside = allOutside && !in;
                    }
                if (allInside && t(z, y, x))
                    out(z, y, x) = kStrokeObject;
                else if (allOutside)
                    out(z, y, x) = kStrokeBackground;
            }
    return strokes;
}

} // namespace cisterna::test
