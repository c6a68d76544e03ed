#include "core/util/Error.h"
#include "core/volume/Volume.h"
#include "core/volume/VolumeDelta.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <random>

using namespace cisterna;

namespace {

bool sameVoxels(const Volume& a, const Volume& b) {
    return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.byteCount()) == 0;
}

// A label volume holding a ball of `label` (a graph cut's kind of result).
Volume ballLabels(const Shape3& s, double radius, std::uint8_t label) {
    Volume v = Volume::allocate(DataType::UInt8, s, VolumeRole::Label);
    auto view = v.view<std::uint8_t>();
    for (std::int64_t z = 0; z < s.z; ++z)
        for (std::int64_t y = 0; y < s.y; ++y)
            for (std::int64_t x = 0; x < s.x; ++x) {
                const double dz = z - s.z / 2.0, dy = y - s.y / 2.0, dx = x - s.x / 2.0;
                if (dz * dz + dy * dy + dx * dx <= radius * radius)
                    view(z, y, x) = label;
            }
    return v;
}

} // namespace

TEST_CASE("a volume delta turns one layer into the other and back", "[volume]") {
    const Shape3 s{12, 40, 52};
    std::mt19937 random(7);
    Volume before = Volume::allocate(DataType::UInt8, s);
    Volume after = Volume::allocate(DataType::UInt8, s);
    auto* b = static_cast<std::uint8_t*>(before.data());
    auto* a = static_cast<std::uint8_t*>(after.data());
    // Noisy probabilities with scattered and clustered changes, gaps of every length.
    for (std::int64_t i = 0; i < s.voxelCount(); ++i) {
        b[i] = std::uint8_t(random() % 256);
        a[i] = (random() % 5 == 0 || (i / 300) % 7 == 3) ? std::uint8_t(random() % 256) : b[i];
    }
    const VolumeDelta delta = VolumeDelta::between(before, after);
    REQUIRE(delta.changedVoxels() > 0);

    Volume work = after.clone();
    delta.applyBefore(work);
    REQUIRE(sameVoxels(work, before));
    delta.applyAfter(work);
    REQUIRE(sameVoxels(work, after));
}

TEST_CASE("a label layer's delta costs a small part of the layer", "[volume]") {
    const Shape3 s{32, 96, 96};
    const Volume before = ballLabels(s, 10, 1);
    const Volume after = ballLabels(s, 14, 1);
    const VolumeDelta delta = VolumeDelta::between(before, after);
    // Only the shell between the two balls changed, and it changed from 0 to 1.
    std::int64_t shell = 0;
    for (std::int64_t i = 0; i < s.voxelCount(); ++i)
        shell += static_cast<const std::uint8_t*>(before.data())[i] !=
                 static_cast<const std::uint8_t*>(after.data())[i];
    REQUIRE(delta.changedVoxels() == shell);
    REQUIRE(delta.bytes() < std::uint64_t(s.voxelCount()) / 10);

    Volume work = before.clone();
    delta.applyAfter(work);
    REQUIRE(sameVoxels(work, after));
}

TEST_CASE("a null side of a delta stands for zeros", "[volume]") {
    const Shape3 s{4, 16, 16};
    const Volume after = ballLabels(s, 5, 2);
    const VolumeDelta delta = VolumeDelta::between(Volume(), after);
    REQUIRE(delta.beforeWasNull());
    REQUIRE_FALSE(delta.afterIsNull());
    Volume work = Volume::allocate(DataType::UInt8, s);
    delta.applyAfter(work);
    REQUIRE(sameVoxels(work, after));
    delta.applyBefore(work);
    REQUIRE(sameVoxels(work, Volume::allocate(DataType::UInt8, s)));

    const VolumeDelta none = VolumeDelta::between(after, after);
    REQUIRE(none.changedVoxels() == 0);
}

TEST_CASE("a delta refuses layers it does not fit", "[volume]") {
    const Volume a = Volume::allocate(DataType::UInt8, {2, 3, 4});
    const Volume b = Volume::allocate(DataType::UInt8, {2, 3, 5});
    REQUIRE_THROWS_AS(VolumeDelta::between(a, b), InvalidArgument);
    REQUIRE_THROWS_AS(VolumeDelta::between(Volume(), Volume()), InvalidArgument);
    REQUIRE_THROWS_AS(VolumeDelta::between(Volume::allocate(DataType::UInt16, {2, 3, 4}), a),
                      InvalidArgument);
    const VolumeDelta delta = VolumeDelta::between(Volume(), a);
    Volume other = b.clone();
    REQUIRE_THROWS_AS(delta.applyAfter(other), InvalidArgument);
}
