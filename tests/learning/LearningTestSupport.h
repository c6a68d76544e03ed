#pragma once
// Shared fixtures of the learning tests: tiny networks (CPU seconds, not hours),
// small phantom crops, a scratch folder.
#include "core/learning/Model.h"
#include "core/learning/Training.h"
#include "core/phantom/Phantom.h"
#include "core/volume/Volume.h"

#include <filesystem>
#include <string>

namespace cisterna::test {

// One level, factor 2, 4 feature maps: input 36 -> output 20.
inline UNetConfig tinyNetwork(int baseFeatures = 4) {
    UNetConfig c;
    c.baseFeatures = baseFeatures;
    c.downFactors = {{2, 2, 2}};
    return c;
}

// A fresh metadata record for tests that need a model without training.
inline ModelMetadata tinyMetadata(const UNetConfig& network, const Shape3& patch) {
    ModelMetadata m;
    m.organelle = "mito";
    m.classNames.assign(static_cast<std::size_t>(network.classes), "mito");
    if (network.classes > 1)
        for (int c = 0; c < network.classes; ++c)
            m.classNames[static_cast<std::size_t>(c)] = "class" + std::to_string(c + 1);
    m.network = network;
    m.trainingInput = patch;
    m.normalisation.low = 0;
    m.normalisation.high = 255;
    return m;
}

// A small phantom (cached per size and seed: generating it is the slow part).
const Phantom& phantomOf(std::int64_t size, std::uint64_t seed);

// Grey uint8 volume of deterministic pseudo-random values.
Volume noiseVolume(const Shape3& shape, std::uint32_t seed);

// Largest absolute difference of two float32 volumes of the same shape.
double maxAbsDifference(const Volume& a, const Volume& b);

class Scratch {
public:
    explicit Scratch(const std::string& name);
    ~Scratch();
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

} // namespace cisterna::test
