#include "core/graphcut/VoxelFeatures.h"

#include "core/phantom/ParallelFor.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <vigra/multi_array.hxx>
#include <vigra/multi_convolution.hxx>
#include <vigra/multi_tensorutilities.hxx>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

namespace cisterna {
namespace {

using FloatVolume = vigra::MultiArray<3, float>;
using Options = vigra::ConvolutionOptions<3>;
// VIGRA's order is (x, y, z): the first index varies fastest, as Cisterna's x.
using Axes = vigra::TinyVector<double, 3>;

struct Geometry {
    Axes step; // voxel side per axis, in units of the smallest side
    // Per-axis Gaussian scale in those units for a scale s: never under half a voxel.
    Axes scale(double s) const {
        Axes a;
        for (int i = 0; i < 3; ++i)
            a[i] = std::max(s, 0.5 * step[i]);
        return a;
    }
    Options options(double s) const { return Options().stepSize(step).stdDev(scale(s)); }
};

// One feature task writes `channels` features starting at `first`.
struct Task {
    std::string name;
    int first = 0, channels = 1;
    std::function<void(const FloatVolume&, std::vector<FloatVolume>&)> compute;
};

// Maps a float feature to bytes over its robust range (0.5 to 99.5 percentile of a
// sample of about a million voxels), writing every `stride`-th byte of `out`.
void quantise(const FloatVolume& f, std::uint8_t* out, int stride) {
    const std::size_t n = f.size();
    const float* v = f.data();
    const std::size_t step = std::max<std::size_t>(1, n / (1u << 20));
    std::vector<float> sample;
    sample.reserve(n / step + 1);
    for (std::size_t i = 0; i < n; i += step)
        if (std::isfinite(v[i]))
            sample.push_back(v[i]);
    float lo = 0, hi = 0;
    if (!sample.empty()) {
        const auto at = [&](double q) {
            const std::size_t k =
                std::min(sample.size() - 1, std::size_t(q * double(sample.size())));
            std::nth_element(sample.begin(), sample.begin() + std::ptrdiff_t(k), sample.end());
            return sample[k];
        };
        lo = at(0.005);
        hi = at(0.995);
    }
    const float scale = hi > lo ? 255.0f / (hi - lo) : 0.0f;
    for (std::size_t i = 0; i < n; ++i) {
        const float q = (v[i] - lo) * scale;
        out[i * std::size_t(stride)] = std::uint8_t(q >= 255.0f ? 255.0f
                                                    : q > 0.0f  ? q + 0.5f
                                                                : 0.0f);
    }
}

std::vector<Task> featureTasks(const VoxelFeatureOptions& options, const Geometry& geometry) {
    std::vector<Task> tasks;
    int next = 0;
    auto add = [&](std::string name, int channels,
                   std::function<void(const FloatVolume&, std::vector<FloatVolume>&)> f) {
        tasks.push_back({std::move(name), next, channels, std::move(f)});
        next += channels;
    };
    char label[64];
    std::vector<double> smoothing = options.scales;
    if (options.largestSmoothing > 0)
        smoothing.push_back(options.largestSmoothing);
    for (double s : smoothing) {
        std::snprintf(label, sizeof label, "gaussian %.2g", s);
        add(label, 1, [geometry, s](const FloatVolume& in, std::vector<FloatVolume>& out) {
            vigra::gaussianSmoothMultiArray(in, out[0], geometry.options(s));
        });
    }
    for (double s : options.scales) {
        std::snprintf(label, sizeof label, "gradient magnitude %.2g", s);
        add(label, 1, [geometry, s](const FloatVolume& in, std::vector<FloatVolume>& out) {
            vigra::gaussianGradientMagnitude(in, out[0], geometry.options(s));
        });
        std::snprintf(label, sizeof label, "laplacian of gaussian %.2g", s);
        add(label, 1, [geometry, s](const FloatVolume& in, std::vector<FloatVolume>& out) {
            vigra::laplacianOfGaussianMultiArray(in, out[0], geometry.options(s));
        });
    }
    auto eigen = [](const vigra::MultiArray<3, vigra::TinyVector<float, 6>>& tensor,
                    std::vector<FloatVolume>& out) {
        vigra::MultiArray<3, vigra::TinyVector<float, 3>> values(tensor.shape());
        vigra::tensorEigenvaluesMultiArray(tensor, values);
        for (int c = 0; c < 3; ++c)
            out[std::size_t(c)] = values.bindElementChannel(c);
    };
    for (double s : options.scales) {
        std::snprintf(label, sizeof label, "hessian eigenvalues %.2g", s);
        add(label, 3, [geometry, s, eigen](const FloatVolume& in, std::vector<FloatVolume>& out) {
            vigra::MultiArray<3, vigra::TinyVector<float, 6>> hessian(in.shape());
            vigra::hessianOfGaussianMultiArray(in, hessian, geometry.options(s));
            eigen(hessian, out);
        });
        if (!options.structureTensor)
            continue;
        std::snprintf(label, sizeof label, "structure tensor eigenvalues %.2g", s);
        // Gradients at scale s / 2, integrated over scale s.
        add(label, 3, [geometry, s, eigen](const FloatVolume& in, std::vector<FloatVolume>& out) {
            vigra::MultiArray<3, vigra::TinyVector<float, 6>> tensor(in.shape());
            const Options o = Options()
                                  .stepSize(geometry.step)
                                  .innerScale(geometry.scale(0.5 * s))
                                  .outerScale(geometry.scale(s));
            vigra::structureTensorMultiArray(in, tensor, o);
            eigen(tensor, out);
        });
    }
    return tasks;
}

} // namespace

int voxelFeatureCount(const VoxelFeatureOptions& options) {
    // Per scale: smoothing, gradient magnitude, LoG, 3 Hessian (+ 3 tensor) eigenvalues.
    return int(options.scales.size()) * (options.structureTensor ? 9 : 6) +
           (options.largestSmoothing > 0 ? 1 : 0);
}

FeatureStack computeVoxelFeatures(const Volume& image, const VoxelFeatureOptions& options,
                                  const Progress& progress, double from, double to) {
    if (image.isNull() || image.shape().isEmpty())
        throw InvalidArgument("voxel features need a non-empty image");
    for (double s : options.scales)
        if (!(s > 0) || !std::isfinite(s))
            throw InvalidArgument("feature scales must be positive numbers");
    const Shape3 shape = image.shape();
    const Vec3d size = image.voxelSize();
    const double side = std::min({size.z, size.y, size.x});
    Geometry geometry;
    geometry.step = Axes(size.x / side, size.y / side, size.z / side);
    const std::vector<Task> tasks = featureTasks(options, geometry);
    FeatureStack stack;
    stack.shape = shape;
    stack.count = tasks.empty() ? 0 : tasks.back().first + tasks.back().channels;
    const std::uint64_t voxels = std::uint64_t(shape.voxelCount());
    // The byte stack, the float copy of the image, and per worker the largest task's
    // temporaries: a 6-component tensor, 3 eigenvalues and 3 outputs (float each).
    const unsigned workers = phantom::workerCount(std::int64_t(tasks.size()));
    requireMemory(voxels * std::uint64_t(stack.count) + voxels * 4 +
                      std::uint64_t(workers) * voxels * 4 * 12,
                  "the voxel features of the learned data term");
    stack.data.assign(std::size_t(voxels) * std::size_t(stack.count), 0);

    const vigra::Shape3 vshape(shape.x, shape.y, shape.z);
    FloatVolume input(vshape);
    dispatchDataType(image.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const auto v = image.view<T>();
        float* out = input.data();
        forEachRow(v, [&](std::int64_t z, std::int64_t y, const T* row) {
            float* o = out + (z * shape.y + y) * shape.x;
            for (std::int64_t x = 0; x < shape.x; ++x) {
                const float value = float(row[x * v.strides().x]);
                o[x] = std::isfinite(value) ? value : 0.0f;
            }
        });
    });
    for (std::size_t t = 0; t < tasks.size(); ++t)
        for (int c = 0; c < tasks[t].channels; ++c)
            stack.names.push_back(tasks[t].channels == 1
                                      ? tasks[t].name
                                      : tasks[t].name + " " + std::to_string(c + 1));
    phantom::parallelFor(
        std::int64_t(tasks.size()),
        [&](std::int64_t i, unsigned) {
            const Task& task = tasks[std::size_t(i)];
            std::vector<FloatVolume> out(std::size_t(task.channels));
            if (task.channels == 1)
                out[0].reshape(vshape);
            task.compute(input, out);
            for (int c = 0; c < task.channels; ++c)
                quantise(out[std::size_t(c)], stack.data.data() + task.first + c, stack.count);
        },
        progress, from, to, "computing voxel features");
    return stack;
}

} // namespace cisterna
