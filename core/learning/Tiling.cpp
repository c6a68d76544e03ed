#include "core/learning/Tiling.h"

#include "core/util/Error.h"

#include <algorithm>

namespace cisterna {
namespace {

std::int64_t& axisRef(Index3& v, int a) {
    return a == 0 ? v.z : a == 1 ? v.y : v.x;
}
std::int64_t& axisRef(Shape3& v, int a) {
    return a == 0 ? v.z : a == 1 ? v.y : v.x;
}
std::int64_t axisOf(const Shape3& v, int a) {
    return a == 0 ? v.z : a == 1 ? v.y : v.x;
}
std::int64_t axisOf(const Index3& v, int a) {
    return a == 0 ? v.z : a == 1 ? v.y : v.x;
}

// Output voxels a tile may contribute: a multiple of the total factor, so that the
// next tile's input starts on the same pooling grid.
std::int64_t stepFor(std::int64_t output, std::int64_t factor) {
    return (output / factor) * factor;
}

} // namespace

std::int64_t mirrorIndex(std::int64_t i, std::int64_t n) {
    if (n <= 1)
        return 0;
    const std::int64_t period = 2 * (n - 1);
    std::int64_t m = i % period;
    if (m < 0)
        m += period;
    return m < n ? m : period - m;
}

Box3 TilePlan::outputBox(const Index3& t, const Shape3& volume) const {
    Box3 box;
    box.begin = {t.z * step.z, t.y * step.y, t.x * step.x};
    box.size = {std::min(step.z, volume.z - box.begin.z), std::min(step.y, volume.y - box.begin.y),
                std::min(step.x, volume.x - box.begin.x)};
    return box;
}

Index3 TilePlan::inputOrigin(const Index3& t) const {
    return {t.z * step.z - tile.offset.z, t.y * step.y - tile.offset.y,
            t.x * step.x - tile.offset.x};
}

TilePlan planTiles(const UNetConfig& config, const Shape3& volume, const Shape3& requestedInput) {
    if (volume.isEmpty())
        throw InvalidArgument("cannot predict an empty volume " + toString(volume));
    config.validate();
    const Index3 factor = config.totalFactor();
    // The input that covers the whole volume in one tile (per axis).
    const Shape3 whole = inputForOutput(config, volume);
    Shape3 input;
    for (int a = 0; a < 3; ++a) {
        const std::int64_t f = axisOf(factor, a);
        std::int64_t n = axisOf(requestedInput, a) > 0
                             ? std::min(axisOf(requestedInput, a), axisOf(whole, a))
                             : axisOf(whole, a);
        n = previousValidInputSize(config, a, n);
        // Too small to contribute a whole factor's worth of output: grow.
        while (n < 0 || stepFor(unetOutputSize(config, a, n), f) < 1) {
            n = nextValidInputSize(config, a, n < 0 ? 1 : n + 1, axisOf(whole, a) + 8192);
            if (n < 0)
                throw InvalidArgument("the network has no usable tile size");
        }
        axisRef(input, a) = n;
    }
    TilePlan plan;
    plan.tile = unetGeometry(config, input);
    for (int a = 0; a < 3; ++a) {
        std::int64_t step = stepFor(axisOf(plan.tile.output, a), axisOf(factor, a));
        // A single tile covering the axis contributes everything.
        if (axisOf(plan.tile.output, a) >= axisOf(volume, a))
            step = std::max(step, axisOf(volume, a));
        axisRef(plan.step, a) = step;
        axisRef(plan.counts, a) = (axisOf(volume, a) + step - 1) / step;
    }
    return plan;
}

// A small network trained on small patches has a small output per tile, and most of
// each tile's work goes into its context; growing the output towards 128 voxels per
// axis (or the volume) cuts that overhead.
Shape3 defaultPredictionTile(const UNetConfig& network, const Shape3& trainingInput,
                             const Shape3& volume) {
    constexpr std::uint64_t cheapBytes = 2ull << 30;
    const std::uint64_t allowed = std::max(cheapBytes, unetInferenceBytes(network, trainingInput));
    const Shape3 trainingOutput = unetGeometry(network, trainingInput).output;
    Shape3 want{std::max(trainingOutput.z, std::min<std::int64_t>(volume.z, 128)),
                std::max(trainingOutput.y, std::min<std::int64_t>(volume.y, 128)),
                std::max(trainingOutput.x, std::min<std::int64_t>(volume.x, 128))};
    for (;;) {
        const Shape3 input = inputForOutput(network, want);
        if (unetInferenceBytes(network, input) <= allowed)
            return input;
        // Shrink the largest axis that is still above the training output.
        std::int64_t* axes[3] = {&want.z, &want.y, &want.x};
        const std::int64_t floors[3] = {trainingOutput.z, trainingOutput.y, trainingOutput.x};
        int largest = -1;
        for (int a = 0; a < 3; ++a)
            if (*axes[a] > floors[a] && (largest < 0 || *axes[a] > *axes[largest]))
                largest = a;
        if (largest < 0)
            return trainingInput;
        *axes[largest] = std::max(floors[largest], *axes[largest] / 2);
    }
}

} // namespace cisterna
