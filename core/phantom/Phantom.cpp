#include "core/phantom/FloatDeterminism.h" // first: see there

#include "core/phantom/Phantom.h"

#include "core/phantom/Blur.h"
#include "core/phantom/DetMath.h"
#include "core/phantom/ParallelFor.h"
#include "core/phantom/Render.h"
#include "core/phantom/Scene.h"
#include "core/util/Error.h"
#include "core/util/Text.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace cisterna {
namespace {

// Beyond ~100 nm voxels no organelle of the phantom is resolved, and the scene (sized
// in nanometres) would hold absurd numbers of objects for the voxels it gets.
constexpr double kMaxVoxelNm = 100.0;
constexpr double kMaxBlurNm = 1000.0;

void validate(const PhantomParams& p) {
    if (p.shape.isEmpty())
        throw InvalidArgument("the phantom's shape " + toString(p.shape) +
                              " must have at least one voxel on every axis");
    for (double v : {p.voxelSize.z, p.voxelSize.y, p.voxelSize.x})
        if (!(v > 0 && v <= kMaxVoxelNm))
            throw InvalidArgument("the phantom's voxel size " + toString(p.voxelSize) +
                                  " nm must be positive and at most 100 nm on every axis");
    if (!(p.noiseSigma >= 0 && p.noiseSigma <= 1000))
        throw InvalidArgument("the phantom's noise sigma must be between 0 and 1000 grey levels");
    if (!(p.blurSigmaNm >= 0 && p.blurSigmaNm <= kMaxBlurNm))
        throw InvalidArgument("the phantom's blur sigma must be between 0 and 1000 nm");
}

std::uint8_t quantize(double value) {
    const double rounded = std::floor(value + 0.5);
    return static_cast<std::uint8_t>(std::clamp(rounded, 0.0, 255.0));
}

} // namespace

const char* organelleName(PhantomOrganelle o) {
    switch (o) {
    case PhantomOrganelle::Mitochondrion:
        return "mito";
    case PhantomOrganelle::Golgi:
        return "golgi";
    case PhantomOrganelle::ER:
        return "er";
    case PhantomOrganelle::Nucleus:
        return "nucleus";
    case PhantomOrganelle::NuclearPore:
        return "pore";
    case PhantomOrganelle::None:
    default:
        return "none";
    }
}

const std::vector<PhantomOrganelle>& allOrganelles() {
    static const std::vector<PhantomOrganelle> all{
        PhantomOrganelle::Mitochondrion, PhantomOrganelle::Golgi, PhantomOrganelle::ER,
        PhantomOrganelle::Nucleus, PhantomOrganelle::NuclearPore};
    return all;
}

PhantomOrganelle parseOrganelle(const std::string& name) {
    const std::string key = toLower(name);
    if (key == "mito" || key == "mitochondria" || key == "mitochondrion")
        return PhantomOrganelle::Mitochondrion;
    if (key == "golgi")
        return PhantomOrganelle::Golgi;
    if (key == "er")
        return PhantomOrganelle::ER;
    if (key == "nucleus")
        return PhantomOrganelle::Nucleus;
    if (key == "pore" || key == "nuclear_pore")
        return PhantomOrganelle::NuclearPore;
    throw InvalidArgument("unknown organelle '" + name + "': use mito, golgi, er, nucleus or pore");
}

Phantom generatePhantom(const PhantomParams& params, const Progress& progress) {
    validate(params);
    const Shape3 shape = params.shape;
    Phantom result;
    result.image = Volume::allocate(DataType::UInt8, shape, VolumeRole::Image, "phantom image");
    result.labels = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label, "phantom labels");
    // The clean intensities before blur and noise, in float.
    Volume clean =
        Volume::allocate(DataType::Float32, shape, VolumeRole::Image, "phantom intensity buffer");

    progress.report(0.0, "laying out the cell");
    const Vec3d& vs = params.voxelSize;
    const phantom::Vec extent{shape.z * vs.z, shape.y * vs.y, shape.x * vs.x};
    const phantom::Scene scene = phantom::generateScene(params.seed, extent, progress);
    const phantom::SceneRenderer renderer(scene, shape, vs);

    const std::vector<float> kernelZ = phantom::gaussianKernel(params.blurSigmaNm / vs.z);
    const std::vector<float> kernelY = phantom::gaussianKernel(params.blurSigmaNm / vs.y);
    const std::vector<float> kernelX = phantom::gaussianKernel(params.blurSigmaNm / vs.x);
    const std::int64_t plane = shape.y * shape.x;
    float* values = static_cast<float*>(clean.data());
    auto* labels = static_cast<std::uint8_t*>(result.labels.data());
    auto* image = static_cast<std::uint8_t*>(result.image.data());

    // Stage 1, per z-slice: render, then blur within the slice (x, then y).
    const unsigned workers = phantom::workerCount(shape.z);
    std::vector<phantom::SceneRenderer::Scratch> scratch(workers);
    std::vector<std::vector<float>> temp(workers);
    phantom::parallelFor(
        shape.z,
        [&](std::int64_t z, unsigned w) {
            float* slice = values + z * plane;
            renderer.renderSlice(z, slice, labels + z * plane, scratch[w]);
            phantom::blurRows(slice, shape.y, shape.x, kernelX, temp[w]);
            if (kernelY.size() > 1) {
                temp[w].assign(slice, slice + plane);
                phantom::blurAcrossRows(temp[w].data(), slice, shape.y, shape.x, kernelY);
            }
        },
        progress, 0.02, 0.7, "rendering organelles");

    // Stage 2, per y: blur along z, add detector noise, quantize.
    const std::uint64_t noiseSeed = phantom::hashCoords(params.seed, 0x401CE);
    const std::int64_t zxPlane = shape.z * shape.x;
    const unsigned noiseWorkers = phantom::workerCount(shape.y);
    std::vector<std::vector<float>> gathered(noiseWorkers), blurred(noiseWorkers);
    phantom::parallelFor(
        shape.y,
        [&](std::int64_t y, unsigned w) {
            std::vector<float>& in = gathered[w];
            std::vector<float>& out = blurred[w];
            in.resize(static_cast<std::size_t>(zxPlane));
            out.resize(static_cast<std::size_t>(zxPlane));
            for (std::int64_t z = 0; z < shape.z; ++z)
                std::memcpy(in.data() + z * shape.x, values + z * plane + y * shape.x,
                            sizeof(float) * static_cast<std::size_t>(shape.x));
            phantom::blurAcrossRows(in.data(), out.data(), shape.z, shape.x, kernelZ);
            for (std::int64_t z = 0; z < shape.z; ++z) {
                const float* src = out.data() + z * shape.x;
                std::uint8_t* dst = image + z * plane + y * shape.x;
                const std::int64_t first = z * plane + y * shape.x;
                // Voxels 2k and 2k+1 (in linear order) share one Box-Muller pair.
                std::int64_t pairIndex = -1;
                double pair[2] = {0, 0};
                for (std::int64_t x = 0; x < shape.x; ++x) {
                    double value = src[x];
                    if (params.noiseSigma > 0) {
                        const std::int64_t index = first + x;
                        if ((index >> 1) != pairIndex) {
                            pairIndex = index >> 1;
                            phantom::gaussianPair(
                                phantom::mix64(noiseSeed ^ (static_cast<std::uint64_t>(pairIndex) *
                                                            0x9E3779B97F4A7C15ull)),
                                pair[0], pair[1]);
                        }
                        value += params.noiseSigma * pair[index & 1];
                    }
                    dst[x] = quantize(value);
                }
            }
        },
        progress, 0.7, 1.0, "blurring and adding noise");

    result.image.setVoxelSize(vs);
    result.labels.setVoxelSize(vs);
    progress.report(1.0, "phantom ready");
    return result;
}

Volume organelleMask(const Volume& labels, PhantomOrganelle organelle) {
    if (labels.isNull())
        throw InvalidArgument("cannot take an organelle mask of an empty label volume");
    if (!isIntegerType(labels.dataType()))
        throw InvalidArgument(std::string("an organelle mask needs an integer label volume, not ") +
                              toString(labels.dataType()));
    Volume mask = Volume::allocate(DataType::UInt8, labels.shape(), VolumeRole::Label,
                                   std::string(organelleName(organelle)) + " mask");
    if (labels.hasVoxelSize())
        mask.setVoxelSize(labels.voxelSize());
    mask.setOrigin(labels.origin());
    const auto target = static_cast<unsigned>(organelle);
    auto dst = mask.view<std::uint8_t>();
    dispatchDataType(labels.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const auto src = labels.view<T>();
        const std::int64_t step = src.strides().x;
        forEachRow(src, [&](std::int64_t z, std::int64_t y, const T* row) {
            std::uint8_t* out = dst.row(z, y);
            for (std::int64_t x = 0; x < src.shape().x; ++x)
                out[x] = static_cast<unsigned>(row[x * step]) == target ? 1 : 0;
        });
    });
    return mask;
}

} // namespace cisterna
