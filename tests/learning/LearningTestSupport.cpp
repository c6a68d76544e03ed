#include "LearningTestSupport.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <unistd.h>

namespace cisterna::test {

const Phantom& phantomOf(std::int64_t size, std::uint64_t seed) {
    static std::map<std::pair<std::int64_t, std::uint64_t>, Phantom> cache;
    auto it = cache.find({size, seed});
    if (it == cache.end()) {
        PhantomParams p;
        p.seed = seed;
        p.shape = {size, size, size};
        it = cache.emplace(std::make_pair(size, seed), generatePhantom(p)).first;
    }
    return it->second;
}

Volume noiseVolume(const Shape3& shape, std::uint32_t seed) {
    Volume v = Volume::allocate(DataType::UInt8, shape);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> grey(0, 255);
    auto view = v.view<std::uint8_t>();
    forEachRow(view, [&](std::int64_t, std::int64_t, std::uint8_t* row) {
        for (std::int64_t x = 0; x < shape.x; ++x)
            row[x] = static_cast<std::uint8_t>(grey(rng));
    });
    return v;
}

double maxAbsDifference(const Volume& a, const Volume& b) {
    const auto va = a.view<float>();
    const auto vb = b.view<float>();
    double worst = 0;
    for (std::int64_t z = 0; z < a.shape().z; ++z)
        for (std::int64_t y = 0; y < a.shape().y; ++y)
            for (std::int64_t x = 0; x < a.shape().x; ++x)
                worst = std::max(worst, double(std::abs(va(z, y, x) - vb(z, y, x))));
    return worst;
}

Scratch::Scratch(const std::string& name) {
    path_ = std::filesystem::temp_directory_path() /
            ("cisterna-learning-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
}

Scratch::~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

} // namespace cisterna::test
