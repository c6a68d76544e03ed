#pragma once
// The layers the project writer of the kill -9 test saves: a pseudo-random function of
// the generation, so that compression cannot make a save instant and any mixture of
// two generations shows. Shared by the writer and the test.
#include "core/volume/Volume.h"

#include <cstdint>

namespace cisterna::test {

inline Volume generationLayer(std::uint64_t generation, int k, std::int64_t edge) {
    Volume v = Volume::allocate(DataType::UInt8, {edge / 2, edge, edge}, VolumeRole::Label);
    auto* p = static_cast<std::uint8_t*>(v.data());
    std::uint64_t state = generation * 0x9E3779B97F4A7C15ull + std::uint64_t(k) + 1;
    for (std::int64_t i = 0; i < v.voxelCount(); ++i) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        p[i] = std::uint8_t((state >> 59) % 3); // 0, 1, 2 like strokes
    }
    return v;
}

} // namespace cisterna::test
