#include "core/learning/UNetConfig.h"

#include "core/util/Error.h"
#include "core/util/Text.h"

#include <algorithm>
#include <sstream>

namespace cisterna {
namespace {

std::int64_t axisOf(const Index3& v, int axis) {
    return axis == 0 ? v.z : axis == 1 ? v.y : v.x;
}
std::int64_t axisOf(const Shape3& v, int axis) {
    return axis == 0 ? v.z : axis == 1 ? v.y : v.x;
}
const char* axisName(int axis) {
    return axis == 0 ? "z" : axis == 1 ? "y" : "x";
}

// Voxels lost per level by its two valid convolutions.
std::int64_t convShrink(const UNetConfig& config, int level, int axis) {
    return 2 * (axisOf(config.kernelSize(level), axis) - 1);
}

std::int64_t parsePositive(const std::string& token, const std::string& text) {
    try {
        std::size_t used = 0;
        const long long v = std::stoll(token, &used);
        if (used == token.size() && v > 0)
            return v;
    } catch (const std::exception&) {
    }
    throw InvalidArgument("'" + text + "' is not a list of positive integers (z,y,x;z,y,x;...)");
}

Index3 parseTriple(const std::string& part, const std::string& text) {
    const std::vector<std::string> tokens = split(part, ',');
    if (tokens.size() == 1) {
        const std::int64_t v = parsePositive(tokens[0], text);
        return {v, v, v};
    }
    if (tokens.size() != 3)
        throw InvalidArgument("'" + text + "': each level needs one value or three (z,y,x)");
    return {parsePositive(tokens[0], text), parsePositive(tokens[1], text),
            parsePositive(tokens[2], text)};
}

// Sizes of the feature maps of one forward pass, in floats.
struct FeatureMaps {
    double all = 0;     // every map (input, convolutions, pooled, upsampled, concatenated)
    double largest = 0; // the largest single map
    double skips = 0;   // the maps the skip connections hold until the decoder
};

FeatureMaps featureMaps(const UNetConfig& config, const Shape3& input) {
    unetGeometry(config, input); // valid, or InvalidArgument
    FeatureMaps m;
    std::int64_t s[3] = {input.z, input.y, input.x};
    const auto add = [&](std::int64_t channels) {
        const double floats = double(channels) * double(s[0]) * double(s[1]) * double(s[2]);
        m.all += floats;
        m.largest = std::max(m.largest, floats);
        return floats;
    };
    const auto conv = [&](int level) {
        for (int a = 0; a < 3; ++a)
            s[a] -= axisOf(config.kernelSize(level), a) - 1;
        add(config.featuresAt(level));
    };
    add(1);
    const int levels = config.levels();
    for (int l = 0; l < levels; ++l) {
        conv(l);
        conv(l);
        m.skips += double(config.featuresAt(l)) * double(s[0]) * double(s[1]) * double(s[2]);
        for (int a = 0; a < 3; ++a)
            s[a] /= axisOf(config.downFactors[static_cast<std::size_t>(l)], a);
        add(config.featuresAt(l));
    }
    conv(levels);
    conv(levels);
    for (int l = levels - 1; l >= 0; --l) {
        for (int a = 0; a < 3; ++a)
            s[a] *= axisOf(config.downFactors[static_cast<std::size_t>(l)], a);
        add(config.featuresAt(l + 1));
        for (int a = 0; a < 3; ++a) {
            std::int64_t factor = 1;
            for (int j = l; j < levels; ++j)
                factor *= axisOf(config.downFactors[static_cast<std::size_t>(j)], a);
            const std::int64_t c = convShrink(config, l, a);
            s[a] = ((s[a] - c) / factor) * factor + c;
        }
        add(config.featuresAt(l) + config.featuresAt(l + 1));
        conv(l);
        conv(l);
    }
    for (int a = 0; a < 3; ++a)
        s[a] -= config.headKernel - 1;
    add(config.outputChannels());
    return m;
}

} // namespace

std::uint64_t unetTrainingBytes(const UNetConfig& config, const Shape3& input, int batch) {
    const FeatureMaps m = featureMaps(config, input);
    // Every map is kept for the backward pass, whose gradients come and go level by
    // level: 1.5 x the maps bounds what LibTorch 1.13 on the CPU was measured to hold
    // (ASEM network, 204^3: 6.8 GiB estimated, 5.9 GiB peak resident).
    return static_cast<std::uint64_t>(1.5 * m.all * sizeof(float) * std::max(1, batch));
}

std::uint64_t unetInferenceBytes(const UNetConfig& config, const Shape3& input) {
    const FeatureMaps m = featureMaps(config, input);
    // Without autograd a map is freed once the next one exists: the skips plus the
    // largest map, its successor and the concatenation that may follow it.
    return static_cast<std::uint64_t>((m.skips + 3.0 * m.largest) * sizeof(float));
}

const char* toString(Upsampling u) {
    return u == Upsampling::TransposedConv ? "transposed" : "nearest";
}

Upsampling parseUpsampling(const std::string& text) {
    const std::string t = toLower(text);
    if (t == "nearest")
        return Upsampling::Nearest;
    if (t == "transposed" || t == "transposed-conv" || t == "transposed_conv")
        return Upsampling::TransposedConv;
    throw InvalidArgument("unknown upsampling '" + text + "' (nearest or transposed)");
}

Index3 UNetConfig::kernelSize(int level) const {
    if (kernelSizes.empty())
        return {3, 3, 3};
    return kernelSizes.at(static_cast<std::size_t>(level));
}

int UNetConfig::featuresAt(int level) const {
    std::int64_t f = baseFeatures;
    for (int i = 0; i < level; ++i)
        f *= featureFactor;
    return static_cast<int>(f);
}

Index3 UNetConfig::totalFactor() const {
    Index3 p{1, 1, 1};
    for (const Index3& f : downFactors) {
        p.z *= f.z;
        p.y *= f.y;
        p.x *= f.x;
    }
    return p;
}

void UNetConfig::validate() const {
    if (downFactors.empty() || downFactors.size() > 6)
        throw InvalidArgument("the U-Net needs 1 to 6 downsampling levels, not " +
                              std::to_string(downFactors.size()));
    for (const Index3& f : downFactors)
        for (std::int64_t v : {f.z, f.y, f.x})
            if (v < 1 || v > 8)
                throw InvalidArgument("downsampling factors must be 1 to 8, not " +
                                      std::to_string(v));
    if (!kernelSizes.empty() && kernelSizes.size() != downFactors.size() + 1)
        throw InvalidArgument("the U-Net has " + std::to_string(downFactors.size() + 1) +
                              " levels (bottom included) but " +
                              std::to_string(kernelSizes.size()) + " kernel sizes were given");
    for (const Index3& k : kernelSizes)
        for (std::int64_t v : {k.z, k.y, k.x})
            if (v < 1 || v > 7 || v % 2 == 0)
                throw InvalidArgument("kernel sizes must be odd, 1 to 7, not " + std::to_string(v));
    if (headKernel < 1 || headKernel > 7 || headKernel % 2 == 0)
        throw InvalidArgument("the head kernel must be 1 or another odd size up to 7, not " +
                              std::to_string(headKernel));
    if (baseFeatures < 1 || baseFeatures > 1024)
        throw InvalidArgument("base feature maps must be 1 to 1024, not " +
                              std::to_string(baseFeatures));
    if (featureFactor < 1 || featureFactor > 8)
        throw InvalidArgument("the feature factor must be 1 to 8, not " +
                              std::to_string(featureFactor));
    std::int64_t deepest = baseFeatures;
    for (std::size_t i = 0; i < downFactors.size(); ++i)
        deepest *= featureFactor;
    if (deepest > 16384)
        throw InvalidArgument("the bottom level would have " + std::to_string(deepest) +
                              " feature maps; use fewer levels or a smaller factor");
    if (classes < 1 || classes > 254)
        throw InvalidArgument("the number of classes must be 1 to 254, not " +
                              std::to_string(classes));
}

std::string UNetConfig::describe() const {
    std::ostringstream out;
    out << baseFeatures << " features x" << featureFactor << " per level, " << levels()
        << " levels, factors " << formatLevelTriples(downFactors) << ", kernels "
        << (kernelSizes.empty() ? std::string("3x3x3") : formatLevelTriples(kernelSizes)) << ", "
        << toString(upsampling) << " upsampling, " << headKernel << "^3 head, " << classes
        << (classes == 1 ? " class" : " classes");
    return out.str();
}

std::int64_t unetOutputSize(const UNetConfig& config, int axis, std::int64_t inputSize,
                            std::string* why) {
    const auto fail = [&](const std::string& reason) {
        if (why)
            *why = reason;
        return std::int64_t{-1};
    };
    const int levels = config.levels();
    std::vector<std::int64_t> skip(static_cast<std::size_t>(levels));
    std::int64_t s = inputSize;
    for (int l = 0; l < levels; ++l) {
        s -= convShrink(config, l, axis);
        if (s < 1)
            return fail("too small for the convolutions of level " + std::to_string(l));
        const std::int64_t f = axisOf(config.downFactors[static_cast<std::size_t>(l)], axis);
        // Pooling must not drop voxels: the maps of both paths stay centred on each other.
        if (s % f != 0)
            return fail(std::to_string(s) + " voxels at level " + std::to_string(l) +
                        " do not divide by the downsampling factor " + std::to_string(f));
        skip[static_cast<std::size_t>(l)] = s;
        s /= f;
    }
    s -= convShrink(config, levels, axis);
    if (s < 1)
        return fail("too small for the convolutions of the bottom level");
    for (int l = levels - 1; l >= 0; --l) {
        s *= axisOf(config.downFactors[static_cast<std::size_t>(l)], axis);
        // funlib's crop_to_factor: after the next convolutions the map must be a multiple
        // of the factors below, so that outputs of shifted inputs line up voxel for voxel.
        std::int64_t factor = 1;
        for (int j = l; j < levels; ++j)
            factor *= axisOf(config.downFactors[static_cast<std::size_t>(j)], axis);
        const std::int64_t conv = convShrink(config, l, axis);
        const std::int64_t target = ((s - conv) / factor) * factor + conv;
        if (target <= conv)
            return fail("too small to keep translation equivariance at level " + std::to_string(l));
        if ((s - target) % 2 != 0 || (skip[static_cast<std::size_t>(l)] - target) % 2 != 0 ||
            skip[static_cast<std::size_t>(l)] < target)
            return fail("the skip connection of level " + std::to_string(l) +
                        " would be cropped off-centre");
        s = target - conv;
    }
    s -= config.headKernel - 1;
    if (s < 1)
        return fail("too small for the head");
    return s;
}

std::int64_t nextValidInputSize(const UNetConfig& config, int axis, std::int64_t atLeast,
                                std::int64_t limit) {
    for (std::int64_t n = std::max<std::int64_t>(1, atLeast); n <= limit; ++n)
        if (unetOutputSize(config, axis, n) > 0)
            return n;
    return -1;
}

std::int64_t previousValidInputSize(const UNetConfig& config, int axis, std::int64_t atMost) {
    for (std::int64_t n = atMost; n >= 1; --n)
        if (unetOutputSize(config, axis, n) > 0)
            return n;
    return -1;
}

std::vector<std::int64_t> validInputSizes(const UNetConfig& config, int axis, std::int64_t limit) {
    std::vector<std::int64_t> sizes;
    for (std::int64_t n = 1; n <= limit; ++n)
        if (unetOutputSize(config, axis, n) > 0)
            sizes.push_back(n);
    return sizes;
}

UNetGeometry unetGeometry(const UNetConfig& config, const Shape3& input) {
    config.validate();
    UNetGeometry g;
    g.input = input;
    std::int64_t out[3], off[3];
    for (int axis = 0; axis < 3; ++axis) {
        const std::int64_t n = axisOf(input, axis);
        std::string why;
        out[axis] = unetOutputSize(config, axis, n, &why);
        if (out[axis] < 0) {
            std::ostringstream msg;
            msg << "the network cannot take " << n << " voxels along " << axisName(axis) << " ("
                << why << ")";
            const std::int64_t below = previousValidInputSize(config, axis, n);
            const std::int64_t above = nextValidInputSize(config, axis, n + 1, n + 4096);
            if (below > 0 || above > 0) {
                msg << "; nearest valid sizes:";
                if (below > 0)
                    msg << " " << below;
                if (above > 0)
                    msg << " " << above;
            }
            throw InvalidArgument(msg.str());
        }
        off[axis] = (n - out[axis]) / 2;
    }
    g.output = {out[0], out[1], out[2]};
    g.offset = {off[0], off[1], off[2]};
    return g;
}

Shape3 inputForOutput(const UNetConfig& config, const Shape3& output) {
    std::int64_t in[3];
    for (int axis = 0; axis < 3; ++axis) {
        const std::int64_t want = axisOf(output, axis);
        std::int64_t n = nextValidInputSize(config, axis, want, want + 8192);
        while (n > 0 && unetOutputSize(config, axis, n) < want)
            n = nextValidInputSize(config, axis, n + 1, n + 8192);
        if (n < 0)
            throw InvalidArgument("no valid network input gives an output of " +
                                  std::to_string(want) + " voxels along " + axisName(axis));
        in[axis] = n;
    }
    return {in[0], in[1], in[2]};
}

std::int64_t unetParameterCount(const UNetConfig& config) {
    config.validate();
    const auto volume = [](const Index3& k) { return k.z * k.y * k.x; };
    const auto conv = [](std::int64_t kernel, std::int64_t in, std::int64_t out) {
        return kernel * in * out + out;
    };
    std::int64_t total = 0;
    const int levels = config.levels();
    for (int l = 0; l <= levels; ++l) {
        const std::int64_t k = volume(config.kernelSize(l));
        const std::int64_t in = l == 0 ? 1 : config.featuresAt(l - 1);
        const std::int64_t f = config.featuresAt(l);
        total += conv(k, in, f) + conv(k, f, f);
    }
    for (int l = levels - 1; l >= 0; --l) {
        const std::int64_t k = volume(config.kernelSize(l));
        const std::int64_t below = config.featuresAt(l + 1);
        const std::int64_t f = config.featuresAt(l);
        if (config.upsampling == Upsampling::TransposedConv)
            total += conv(volume(config.downFactors[static_cast<std::size_t>(l)]), below, below);
        total += conv(k, below + f, f) + conv(k, f, f);
    }
    const std::int64_t head =
        std::int64_t(config.headKernel) * config.headKernel * config.headKernel;
    total += conv(head, config.baseFeatures, config.outputChannels());
    return total;
}

std::vector<Index3> parseLevelTriples(const std::string& text, int levels) {
    const std::vector<std::string> parts = split(text, ';');
    std::vector<Index3> triples;
    if (parts.size() == 1) {
        const Index3 t = parseTriple(parts[0], text);
        triples.assign(static_cast<std::size_t>(std::max(levels, 1)), t);
        return triples;
    }
    for (const std::string& part : parts)
        triples.push_back(parseTriple(part, text));
    if (levels > 0 && static_cast<int>(triples.size()) != levels)
        throw InvalidArgument("'" + text + "' gives " + std::to_string(triples.size()) +
                              " levels, expected " + std::to_string(levels));
    return triples;
}

std::string formatLevelTriples(const std::vector<Index3>& triples) {
    std::string out;
    for (std::size_t i = 0; i < triples.size(); ++i) {
        if (i)
            out += ';';
        out += std::to_string(triples[i].z) + ',' + std::to_string(triples[i].y) + ',' +
               std::to_string(triples[i].x);
    }
    return out;
}

} // namespace cisterna
