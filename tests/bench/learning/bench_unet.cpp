// bench_unet [--quick] [--asem-iterations N] [--small-iterations N] [--asem-tiles N]
// Training iterations/s and inference throughput (million output voxels/s) of the
// ASEM-size U-Net (32 features, 3 levels, ASEM's 3x3x3 head: 204^3 -> 110^3) and a
// small one (8 features, 2 levels, 84^3 -> 44^3), on the
// device LibTorch picks (CUDA when present, else all CPU cores). Figures only.
#include "core/learning/Prediction.h"
#include "core/learning/TorchRuntime.h"
#include "core/learning/Training.h"
#include "core/util/PeakMemory.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

using namespace cisterna;

namespace {

double peakResidentGiB() {
    return double(peakResidentBytes()) / (1ull << 30);
}

// Noise with a bright ball per 64^3 block: some of everything for the sampler.
TrainingData syntheticData(const Shape3& shape) {
    TrainingData d;
    d.image = Volume::allocate(DataType::UInt8, shape);
    d.labels = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    auto image = d.image.view<std::uint8_t>();
    auto labels = d.labels.view<std::uint8_t>();
    std::mt19937 rng(1);
    std::uniform_int_distribution<int> grey(0, 127);
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x) {
                const double dz = z % 64 - 32, dy = y % 64 - 32, dx = x % 64 - 32;
                const bool inside = dz * dz + dy * dy + dx * dx < 20 * 20;
                labels(z, y, x) = inside;
                image(z, y, x) = static_cast<std::uint8_t>(grey(rng) + (inside ? 100 : 0));
            }
    return d;
}

struct Figures {
    double trainItPerSecond = 0;
    double inferenceMvoxPerSecond = 0;
};

// tiles: output tiles per axis of the inference volume (tiles^3 tiles in all).
Figures bench(const char* name, const UNetConfig& network, const Shape3& patch,
              std::int64_t iterations, std::int64_t tiles) {
    const UNetGeometry g = unetGeometry(network, patch);
    std::printf("\n%s: %s\n  %lld parameters, input %s -> output %s\n", name,
                network.describe().c_str(), static_cast<long long>(unetParameterCount(network)),
                toString(g.input).c_str(), toString(g.output).c_str());
    std::fflush(stdout);
    const TrainingData data = syntheticData(patch);
    TrainOptions o;
    o.network = network;
    o.inputShape = patch;
    o.iterations = iterations + 1; // the first one warms up (allocations, kernel choice)
    o.organelle = "ball";
    using Clock = std::chrono::steady_clock;
    Clock::time_point afterFirst;
    o.onProgress = [&](const TrainingProgress& p) {
        if (p.iteration == 1)
            afterFirst = Clock::now();
        std::printf("  iteration %lld: loss %.4f\n", static_cast<long long>(p.iteration), p.loss);
        std::fflush(stdout);
    };
    const TrainResult r = trainModel(data, o);
    Figures f;
    f.trainItPerSecond =
        double(iterations) / std::chrono::duration<double>(Clock::now() - afterFirst).count();
    std::printf("  training on %s: %.3f it/s (%.1f s per iteration), peak RSS %.1f GiB\n",
                r.device.c_str(), f.trainItPerSecond, 1.0 / f.trainItPerSecond, peakResidentGiB());

    // Inference: a volume of tiles^3 output tiles (after one warm-up tile).
    PredictOptions p;
    p.tileInput = patch;
    const Shape3 volume{tiles * g.output.z, tiles * g.output.y, tiles * g.output.x};
    Volume image = Volume::allocate(DataType::UInt8, volume);
    predictVolume(r.model, image.crop({{0, 0, 0}, g.output}), p);
    const auto start = Clock::now();
    predictVolume(r.model, image, p);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    f.inferenceMvoxPerSecond = double(volume.voxelCount()) / 1e6 / seconds;
    std::printf("  inference: %s in %.1f s = %.3f Mvoxel/s (%lld tiles), peak RSS %.1f GiB\n",
                toString(volume).c_str(), seconds, f.inferenceMvoxPerSecond,
                static_cast<long long>(tiles * tiles * tiles), peakResidentGiB());
    std::printf("  estimated feature maps: training %.1f GiB, inference %.1f GiB\n",
                double(unetTrainingBytes(network, patch, 1)) / (1 << 30),
                double(unetInferenceBytes(network, patch)) / (1 << 30));
    return f;
}

} // namespace

int main(int argc, char** argv) {
    bool quick = false;
    std::int64_t asemIterations = 2, smallIterations = 20, asemTiles = 2;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--quick"))
            quick = true;
        else if (!std::strcmp(argv[i], "--asem-iterations") && i + 1 < argc)
            asemIterations = std::stoll(argv[++i]);
        else if (!std::strcmp(argv[i], "--small-iterations") && i + 1 < argc)
            smallIterations = std::stoll(argv[++i]);
        else if (!std::strcmp(argv[i], "--asem-tiles") && i + 1 < argc)
            asemTiles = std::stoll(argv[++i]);
    }
    std::printf("bench_unet: %s\n", detectTorchRuntime().describe().c_str());

    UNetConfig small;
    small.baseFeatures = 8;
    small.downFactors = {{2, 2, 2}, {2, 2, 2}};
    bench("small network", small, {84, 84, 84}, smallIterations, 2);
    if (!quick) {
        UNetConfig asem;
        asem.headKernel = 3;
        bench("ASEM network", asem, {204, 204, 204}, asemIterations, asemTiles);
    }
    return 0;
}
