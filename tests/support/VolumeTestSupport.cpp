#include "VolumeTestSupport.h"

#include "core/volume/MemoryBudget.h"

#include <fstream>
#include <type_traits>

namespace cisterna::test {

Volume patternVolume(DataType type, const Shape3& shape) {
    Volume v = Volume::allocate(type, shape);
    dispatchDataType(type, [&](auto tag) {
        using T = decltype(tag);
        auto view = v.view<T>();
        for (std::int64_t z = 0; z < shape.z; ++z)
            for (std::int64_t y = 0; y < shape.y; ++y)
                for (std::int64_t x = 0; x < shape.x; ++x) {
                    const std::int64_t n = z * 4099 + y * 257 + x * 3;
                    if constexpr (std::is_same_v<T, float>)
                        view(z, y, x) = static_cast<float>(n) * 0.25f - 100.5f;
                    else
                        view(z, y, x) = static_cast<T>(n % (sizeof(T) == 1 ? 251 : 65521));
                }
    });
    return v;
}

void requireSameVoxels(const Volume& a, const Volume& b) {
    REQUIRE(a.dataType() == b.dataType());
    REQUIRE(a.shape() == b.shape());
    std::int64_t mismatches = 0;
    dispatchDataType(a.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const auto va = a.view<T>();
        const auto vb = b.view<T>();
        for (std::int64_t z = 0; z < a.shape().z; ++z)
            for (std::int64_t y = 0; y < a.shape().y; ++y)
                for (std::int64_t x = 0; x < a.shape().x; ++x)
                    if (va(z, y, x) != vb(z, y, x))
                        ++mismatches;
    });
    REQUIRE(mismatches == 0);
}

void writeFileBytes(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out)
        FAIL("could not write " << path);
}

MemoryLimit::MemoryLimit(std::uint64_t bytes) {
    setMemoryLimitOverride(bytes);
}

MemoryLimit::~MemoryLimit() {
    setMemoryLimitOverride(std::nullopt);
}

} // namespace cisterna::test
