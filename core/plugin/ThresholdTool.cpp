// The simplest segmentation tool: a global threshold, Otsu's by default. It gives
// the registry a built-in tool and the CLI a baseline to compare other tools with.
#include "core/plugin/BuiltinTools.h"
#include "core/util/Error.h"

#include <array>
#include <cmath>

namespace cisterna {
namespace {

class ThresholdTool final : public SegmentationTool {
public:
    std::string name() const override { return "threshold"; }
    std::string description() const override {
        return "global threshold (level=<value> or Otsu's); invert=1 labels dark voxels";
    }

    Volume segment(const Volume& image, const Volume*, const ToolParameters& parameters,
                   const Progress& progress) const override {
        if (image.isNull() || image.shape().isEmpty())
            throw InvalidArgument("the threshold tool needs a non-empty image");
        double level = 0;
        auto it = parameters.find("level");
        if (it != parameters.end()) {
            try {
                level = std::stod(it->second);
            } catch (...) {
                throw InvalidArgument("threshold level '" + it->second + "' is not a number");
            }
        } else {
            level = otsuLevel(image);
        }
        const auto inv = parameters.find("invert");
        const bool invert = inv != parameters.end() && inv->second != "0";
        Volume out = Volume::allocate(DataType::UInt8, image.shape(), VolumeRole::Label, "mask");
        if (image.hasVoxelSize())
            out.setVoxelSize(image.voxelSize());
        out.setOrigin(image.origin());
        auto dst = out.view<std::uint8_t>();
        dispatchDataType(image.dataType(), [&](auto tag) {
            using T = decltype(tag);
            const auto src = image.view<T>();
            for (std::int64_t z = 0; z < src.shape().z; ++z) {
                progress.report(double(z) / src.shape().z, "thresholding");
                for (std::int64_t y = 0; y < src.shape().y; ++y)
                    for (std::int64_t x = 0; x < src.shape().x; ++x)
                        dst(z, y, x) = ((double(src(z, y, x)) > level) != invert) ? 1 : 0;
            }
        });
        return out;
    }

private:
    static double otsuLevel(const Volume& image) {
        constexpr int bins = 256;
        double lo = 0, hi = 0;
        bool first = true;
        dispatchDataType(image.dataType(), [&](auto tag) {
            const auto v = image.view<decltype(tag)>();
            forEachRow(v, [&](std::int64_t, std::int64_t, auto* row) {
                for (std::int64_t x = 0; x < v.shape().x; ++x) {
                    const double value = double(row[x * v.strides().x]);
                    if (first || value < lo)
                        lo = value;
                    if (first || value > hi)
                        hi = value;
                    first = false;
                }
            });
        });
        if (!(hi > lo))
            return lo;
        std::array<double, bins> histogram{};
        const double scale = (bins - 1) / (hi - lo);
        dispatchDataType(image.dataType(), [&](auto tag) {
            const auto v = image.view<decltype(tag)>();
            forEachRow(v, [&](std::int64_t, std::int64_t, auto* row) {
                for (std::int64_t x = 0; x < v.shape().x; ++x)
                    histogram[std::size_t(
                        std::lround((double(row[x * v.strides().x]) - lo) * scale))] += 1;
            });
        });
        double total = 0, sum = 0;
        for (int i = 0; i < bins; ++i) {
            total += histogram[i];
            sum += i * histogram[i];
        }
        double weightBelow = 0, sumBelow = 0, best = -1;
        int bestBin = 0;
        for (int i = 0; i < bins; ++i) {
            weightBelow += histogram[i];
            sumBelow += i * histogram[i];
            const double weightAbove = total - weightBelow;
            if (weightBelow == 0 || weightAbove == 0)
                continue;
            const double meanBelow = sumBelow / weightBelow;
            const double meanAbove = (sum - sumBelow) / weightAbove;
            const double between =
                weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best) {
                best = between;
                bestBin = i;
            }
        }
        return lo + (bestBin + 0.5) / scale;
    }
};

} // namespace

std::shared_ptr<SegmentationTool> makeThresholdTool() {
    return std::make_shared<ThresholdTool>();
}

} // namespace cisterna
