#include "core/graphcut/VoxelFeatures.h"

#include "core/phantom/ParallelFor.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <vigra/mathutil.hxx>
#include <vigra/multi_array.hxx>
#include <vigra/multi_convolution.hxx>
#include <vigra/recursiveconvolution.hxx>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cisterna {
namespace {

using FloatVolume = vigra::MultiArray<3, float>;
// VIGRA's order is (x, y, z): the first index varies fastest, as Cisterna's x.
using Axes = vigra::TinyVector<double, 3>;

// From this many voxels on, a Gaussian is applied recursively (Young and van Vliet,
// Signal Processing 1995, as VIGRA implements it): a fixed eight multiplications per
// voxel instead of a kernel of 6 sigma taps; with the default scales that is the
// context smoothing at 20 pixels, 121 taps. Its response has the Gaussian's mass and
// variance but a peak about a tenth higher (L2 error 7-9 %,
// tests/core/test_graphcut_auto.cpp). The scales with derivatives stay exact kernels:
// made recursive too (from 3 voxels on), their Hessians changed the phantom's thin
// organelles by up to 0.3 in F1 (pores 0.59 -> 0.29, ER 0.67 -> 0.58), while the SBEM
// stacks did not move.
constexpr double kRecursiveFrom = 10.0;

// Every line of `in` along `axis`, smoothed into the same line of `out` (which may be
// `in`).
void recursiveAlong(const FloatVolume& in, FloatVolume& out, unsigned axis, double sigma) {
    const auto shape = in.shape();
    const std::ptrdiff_t length = shape[axis];
    const std::ptrdiff_t stride = in.stride(axis);
    const unsigned a1 = axis == 0 ? 1 : 0, a2 = axis == 2 ? 1 : 2;
    std::vector<float> line(std::size_t(length), 0.0f), smoothed(line.size(), 0.0f);
    for (std::ptrdiff_t j = 0; j < shape[a2]; ++j)
        for (std::ptrdiff_t i = 0; i < shape[a1]; ++i) {
            const std::ptrdiff_t start = i * in.stride(a1) + j * in.stride(a2);
            const float* src = in.data() + start;
            for (std::ptrdiff_t k = 0; k < length; ++k)
                line[std::size_t(k)] = src[k * stride];
            vigra::recursiveGaussianFilterLine(
                line.begin(), line.end(), vigra::StandardConstAccessor<float>(), smoothed.begin(),
                vigra::StandardAccessor<float>(), sigma);
            float* dst = out.data() + start;
            for (std::ptrdiff_t k = 0; k < length; ++k)
                dst[k * stride] = smoothed[std::size_t(k)];
        }
}

struct Geometry {
    Axes step; // voxel side per axis, in units of the smallest side
    // Per-axis Gaussian scale in those units for a scale s: never under half a voxel.
    Axes scale(double s) const {
        Axes a;
        for (int i = 0; i < 3; ++i)
            a[i] = std::max(s, 0.5 * step[i]);
        return a;
    }
    // Below kRecursiveFrom voxels, the same smoothing as VIGRA's gaussianSmoothMultiArray
    // with stepSize(step) and stdDev(scale(s)) (one Gaussian kernel per axis, sigma in
    // voxels = scale / step, radius 3 sigma, reflected borders); wider, recursively. One
    // axis at a time so that Cancel is honoured between the passes: a whole smoothing
    // takes a second on a 10 M-voxel stack.
    void smooth(const FloatVolume& in, FloatVolume& out, double s, const Progress& progress) const {
        const Axes sigma = scale(s);
        for (unsigned axis = 0; axis < 3; ++axis) {
            progress.throwIfCancelled();
            // On a volume thinner than the kernel (a small crop) the Gaussian is cut
            // to the line's length: reflected borders need a kernel shorter than it.
            const double longest = double(in.shape(axis) - 1);
            if (longest < 1) { // one voxel along this axis: nothing to smooth
                if (axis == 0)
                    out = in;
                continue;
            }
            const double voxels = sigma[axis] / step[axis];
            if (voxels >= kRecursiveFrom && longest >= 8) {
                recursiveAlong(axis == 0 ? in : out, out, axis, voxels);
                continue;
            }
            vigra::Kernel1D<double> kernel;
            kernel.initGaussian(voxels, 1.0, std::min(3.0, (longest - 0.5) / voxels));
            vigra::convolveMultiArrayOneDimension(axis == 0 ? in : out, out, axis, kernel);
        }
        progress.throwIfCancelled();
    }
};

// Per axis: the voxel side in units of the smallest, and 1 / (2 h) and 1 / h^2 for
// central differences per nm.
struct Differences {
    double half[3], square[3];
    double cross[3]; // 1 / (4 h_i h_j) for (x,y), (x,z), (y,z)
};

// The six features of one voxel at one scale, from the Gaussian-smoothed volume S:
// S, |grad S|, the Laplacian and the three Hessian eigenvalues (largest first).
// Derivatives of the smoothed volume by central differences are the Gaussian
// derivatives up to the grid's sampling, and cost a stencil instead of one more
// separable filter per derivative (13x fewer filter passes than VIGRA's
// hessianOfGaussian + gradient + Laplacian, measured 12 s -> see the commit).
void stencil(const float* S, std::int64_t x, std::int64_t y, std::int64_t z, const Shape3& s,
             const Differences& d, float out[6]) {
    const std::int64_t sx = 1, sy = s.x, sz = s.x * s.y;
    const std::int64_t i = (z * s.y + y) * s.x + x;
    // Neighbours clamped at the border (a one-sided difference there).
    const std::int64_t xm = x > 0 ? -sx : 0, xp = x + 1 < s.x ? sx : 0;
    const std::int64_t ym = y > 0 ? -sy : 0, yp = y + 1 < s.y ? sy : 0;
    const std::int64_t zm = z > 0 ? -sz : 0, zp = z + 1 < s.z ? sz : 0;
    const double c = S[i];
    const double gx = (S[i + xp] - S[i + xm]) * d.half[0];
    const double gy = (S[i + yp] - S[i + ym]) * d.half[1];
    const double gz = (S[i + zp] - S[i + zm]) * d.half[2];
    const double hxx = (S[i + xp] - 2 * c + S[i + xm]) * d.square[0];
    const double hyy = (S[i + yp] - 2 * c + S[i + ym]) * d.square[1];
    const double hzz = (S[i + zp] - 2 * c + S[i + zm]) * d.square[2];
    const double hxy =
        (S[i + xp + yp] - S[i + xp + ym] - S[i + xm + yp] + S[i + xm + ym]) * d.cross[0];
    const double hxz =
        (S[i + xp + zp] - S[i + xp + zm] - S[i + xm + zp] + S[i + xm + zm]) * d.cross[1];
    const double hyz =
        (S[i + yp + zp] - S[i + yp + zm] - S[i + ym + zp] + S[i + ym + zm]) * d.cross[2];
    double e0, e1, e2;
    vigra::symmetric3x3Eigenvalues(hxx, hxy, hxz, hyy, hyz, hzz, &e0, &e1, &e2);
    out[0] = float(c);
    out[1] = float(std::sqrt(gx * gx + gy * gy + gz * gz));
    out[2] = float(hxx + hyy + hzz);
    out[3] = float(e0);
    out[4] = float(e1);
    out[5] = float(e2);
}

// Byte mapping of one feature over its 0.5 to 99.5 percentile range.
struct Range {
    float low = 0, scale = 0;
    std::uint8_t operator()(float v) const {
        const float q = (v - low) * scale;
        return std::uint8_t(q >= 255.0f ? 255.0f : q > 0.0f ? q + 0.5f : 0.0f);
    }
};
Range rangeOf(std::vector<float>& sample) {
    Range r;
    if (sample.empty())
        return r;
    const auto at = [&](double q) {
        const std::size_t k = std::min(sample.size() - 1, std::size_t(q * double(sample.size())));
        std::nth_element(sample.begin(), sample.begin() + std::ptrdiff_t(k), sample.end());
        return sample[k];
    };
    const float lo = at(0.005), hi = at(0.995);
    r.low = lo;
    r.scale = hi > lo ? 255.0f / (hi - lo) : 0.0f;
    return r;
}

Geometry geometryOf(const Volume& image) {
    const Vec3d size = image.voxelSize();
    const double side = std::min({size.z, size.y, size.x});
    Geometry geometry;
    geometry.step = Axes(size.x / side, size.y / side, size.z / side);
    return geometry;
}

FloatVolume floatCopy(const Volume& image) {
    const Shape3 shape = image.shape();
    FloatVolume input(vigra::Shape3(shape.x, shape.y, shape.z));
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
    return input;
}

} // namespace

Volume gaussianSmoothed(const Volume& image, double scale, const Progress& progress) {
    if (image.isNull() || image.shape().isEmpty())
        throw InvalidArgument("smoothing needs a non-empty image");
    if (!(scale > 0) || !std::isfinite(scale))
        throw InvalidArgument("a smoothing scale must be a positive number");
    const FloatVolume input = floatCopy(image);
    FloatVolume smooth(input.shape());
    geometryOf(image).smooth(input, smooth, scale, progress);
    Volume out = Volume::allocate(DataType::Float32, image.shape(), VolumeRole::Image, "smoothed");
    std::copy(smooth.data(), smooth.data() + smooth.size(), static_cast<float*>(out.data()));
    if (image.hasVoxelSize())
        out.setVoxelSize(image.voxelSize());
    out.setOrigin(image.origin());
    return out;
}

int voxelFeatureCount(const VoxelFeatureOptions& options) {
    // Per scale: smoothing, gradient magnitude, LoG and 3 Hessian eigenvalues.
    return int(options.scales.size()) * 6 + (options.largestSmoothing > 0 ? 1 : 0);
}

std::uint64_t voxelFeatureBytes(const Shape3& shape, const VoxelFeatureOptions& options) {
    // The byte stack, the float copy of the image and one smoothed float volume per
    // worker (a task per scale, and one for the largest smoothing).
    const std::uint64_t voxels = std::uint64_t(shape.voxelCount());
    const std::int64_t tasks =
        std::int64_t(options.scales.size()) + (options.largestSmoothing > 0 ? 1 : 0);
    const unsigned workers = phantom::workerCount(tasks);
    return voxels * std::uint64_t(voxelFeatureCount(options)) + voxels * 4 +
           std::uint64_t(workers) * voxels * 4;
}

FeatureStack computeVoxelFeatures(const Volume& image, const VoxelFeatureOptions& options,
                                  const Progress& progress, double from, double to) {
    if (image.isNull() || image.shape().isEmpty())
        throw InvalidArgument("voxel features need a non-empty image");
    for (double s : options.scales)
        if (!(s > 0) || !std::isfinite(s))
            throw InvalidArgument("feature scales must be positive numbers");
    const Shape3 shape = image.shape();
    const Geometry geometry = geometryOf(image);
    Differences d;
    for (int a = 0; a < 3; ++a) {
        d.half[a] = 0.5 / geometry.step[a];
        d.square[a] = 1.0 / (geometry.step[a] * geometry.step[a]);
    }
    d.cross[0] = 0.25 / (geometry.step[0] * geometry.step[1]);
    d.cross[1] = 0.25 / (geometry.step[0] * geometry.step[2]);
    d.cross[2] = 0.25 / (geometry.step[1] * geometry.step[2]);

    // One task per scale (six features), and one for the largest smoothing.
    struct Task {
        double scale;
        int first;
        bool full; // the six features, or smoothing only
    };
    std::vector<Task> tasks;
    FeatureStack stack;
    stack.shape = shape;
    char label[64];
    for (double s : options.scales) {
        tasks.push_back({s, stack.count, true});
        stack.count += 6;
        for (const char* what :
             {"gaussian", "gradient magnitude", "laplacian of gaussian", "hessian eigenvalue 1",
              "hessian eigenvalue 2", "hessian eigenvalue 3"}) {
            std::snprintf(label, sizeof label, "%s %.2g", what, s);
            stack.names.push_back(label);
        }
    }
    if (options.largestSmoothing > 0) {
        tasks.push_back({options.largestSmoothing, stack.count, false});
        stack.count += 1;
        std::snprintf(label, sizeof label, "gaussian %.2g", options.largestSmoothing);
        stack.names.push_back(label);
    }
    const std::uint64_t voxels = std::uint64_t(shape.voxelCount());
    requireMemory(voxelFeatureBytes(shape, options), "voxel features of the learned data term");
    progress.report(from, "computing voxel features");
    stack.data.assign(std::size_t(voxels) * std::size_t(stack.count), 0);
    progress.throwIfCancelled();

    const vigra::Shape3 vshape(shape.x, shape.y, shape.z);
    const FloatVolume input = floatCopy(image);
    progress.throwIfCancelled();
    const std::size_t stride = std::size_t(stack.count);
    phantom::parallelFor(
        std::int64_t(tasks.size()),
        [&](std::int64_t t, unsigned) {
            const Task& task = tasks[std::size_t(t)];
            FloatVolume smooth(vshape);
            geometry.smooth(input, smooth, task.scale, progress);
            const float* S = smooth.data();
            std::uint8_t* out = stack.data.data() + task.first;
            const int channels = task.full ? 6 : 1;
            // Ranges from a sample of about 2^18 voxels, then every voxel to bytes.
            const std::uint64_t every = std::max<std::uint64_t>(1, voxels >> 18);
            std::vector<std::vector<float>> sample(static_cast<std::size_t>(channels));
            float f[6];
            for (std::uint64_t i = 0; i < voxels; i += every) {
                const std::int64_t x = std::int64_t(i) % shape.x;
                const std::int64_t y = (std::int64_t(i) / shape.x) % shape.y;
                const std::int64_t z = std::int64_t(i) / (shape.x * shape.y);
                if (task.full)
                    stencil(S, x, y, z, shape, d, f);
                else
                    f[0] = S[i];
                for (int c = 0; c < channels; ++c)
                    sample[std::size_t(c)].push_back(f[c]);
            }
            Range range[6];
            for (int c = 0; c < channels; ++c)
                range[c] = rangeOf(sample[std::size_t(c)]);
            // Cancel is honoured between planes too: a task takes seconds on big stacks.
            for (std::int64_t z = 0, i = 0; z < shape.z; ++z, progress.throwIfCancelled())
                for (std::int64_t y = 0; y < shape.y; ++y)
                    for (std::int64_t x = 0; x < shape.x; ++x, ++i) {
                        std::uint8_t* o = out + std::size_t(i) * stride;
                        if (!task.full) {
                            o[0] = range[0](S[i]);
                            continue;
                        }
                        stencil(S, x, y, z, shape, d, f);
                        for (int c = 0; c < 6; ++c)
                            o[c] = range[c](f[c]);
                    }
        },
        progress, from, to, "computing voxel features");
    return stack;
}

} // namespace cisterna
