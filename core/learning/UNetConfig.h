#pragma once
// The architecture of the 3D U-Net of ASEM / Funke et al. (funlib's UNet) and the
// arithmetic of its valid convolutions: which input sizes the network accepts, the
// output size each gives and how many parameters it has. Free of LibTorch so that the
// CLI and the GUI can tell the user the sizes without loading it.
#include "core/volume/Geometry.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cisterna {

enum class Upsampling : std::uint8_t { Nearest, TransposedConv };
const char* toString(Upsampling u); // "nearest", "transposed"
Upsampling parseUpsampling(const std::string& text);

struct UNetConfig {
    int baseFeatures = 32; // feature maps at the top level
    int featureFactor = 2; // feature maps grow by this factor per level
    // One entry per downsampling level, (z, y, x) factors: (1, 2, 2) for data whose z
    // voxels are about twice as large as x/y.
    std::vector<Index3> downFactors{{2, 2, 2}, {2, 2, 2}, {2, 2, 2}};
    // Kernel of both convolutions of each level (levels + 1 entries: the last is the
    // bottom), each axis 1 or 3. Empty: 3x3x3 everywhere. (1, 3, 3) at the top levels
    // keeps thin anisotropic stacks usable.
    std::vector<Index3> kernelSizes;
    Upsampling upsampling = Upsampling::Nearest;
    int headKernel = 1; // 1: the 1x1x1 head; 3: ASEM's final 3x3x3 convolution pass
    // Organelle classes predicted; the head has classes + 1 outputs (background first),
    // trained with softmax cross-entropy as ASEM. 1 = one binary network per organelle.
    int classes = 1;

    int levels() const { return static_cast<int>(downFactors.size()); }
    Index3 kernelSize(int level) const; // level 0..levels()
    int featuresAt(int level) const;    // base * factor^level
    int outputChannels() const { return classes + 1; }
    // Product of the downsampling factors per axis: inputs shifted by a multiple of it
    // give shifted outputs (translation equivariance), which blockwise prediction needs.
    Index3 totalFactor() const;

    // Throws InvalidArgument naming the first unusable setting.
    void validate() const;
    // "32 features x2, factors (2,2,2)(2,2,2)(2,2,2), kernels 3x3x3, nearest, head 1, 1 class"
    std::string describe() const;
};

// What one axis (or all three) of a given input size turns into.
struct UNetGeometry {
    Shape3 input;
    Shape3 output;
    Index3 offset; // first output voxel sits at input voxel `offset` (the context on each side)
};

// The output size for `inputSize` voxels along `axis` (0 z, 1 y, 2 x), or -1 when that
// size is not valid; then `why` (if given) says which step fails.
std::int64_t unetOutputSize(const UNetConfig& config, int axis, std::int64_t inputSize,
                            std::string* why = nullptr);

// Throws InvalidArgument (saying which axis and suggesting the nearest valid sizes)
// when `input` is not valid.
UNetGeometry unetGeometry(const UNetConfig& config, const Shape3& input);

// The smallest valid input size >= `atLeast` along an axis (and its output), or -1 if
// none up to `limit`.
std::int64_t nextValidInputSize(const UNetConfig& config, int axis, std::int64_t atLeast,
                                std::int64_t limit = 4096);
// The largest valid input size <= `atMost`, or -1.
std::int64_t previousValidInputSize(const UNetConfig& config, int axis, std::int64_t atMost);
// All valid input sizes in [1, limit] along an axis.
std::vector<std::int64_t> validInputSizes(const UNetConfig& config, int axis,
                                          std::int64_t limit = 512);
// Smallest valid input whose output is at least `output` on each axis.
Shape3 inputForOutput(const UNetConfig& config, const Shape3& output);

// Learnable parameters (weights and biases), counted from the architecture alone.
std::int64_t unetParameterCount(const UNetConfig& config);

// What the feature maps of one patch of `input` (valid) take in fp32, counted from the
// architecture, so that a job too large for the machine is refused before LibTorch
// allocates it. Training keeps every map for the backward pass and adds their
// gradients; prediction holds the skip connections and a few maps at a time.
std::uint64_t unetTrainingBytes(const UNetConfig& config, const Shape3& input, int batch);
std::uint64_t unetInferenceBytes(const UNetConfig& config, const Shape3& input);

// Parses "2" (all levels, all axes), "1,2,2" (all levels) or "1,2,2;1,2,2;2,2,2" (per level).
std::vector<Index3> parseLevelTriples(const std::string& text, int levels);
std::string formatLevelTriples(const std::vector<Index3>& triples); // "1,2,2;1,2,2"

} // namespace cisterna
