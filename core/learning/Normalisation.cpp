#include "core/learning/Normalisation.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

namespace cisterna {
namespace {

constexpr double kLowPercentile = 0.001;
constexpr double kHighPercentile = 0.999;

// Every k-th voxel, so that percentiles of a large float volume cost a bounded sort.
std::vector<float> sampleValues(const Volume& image, std::int64_t maxSamples) {
    const std::int64_t stride = std::max<std::int64_t>(1, image.voxelCount() / maxSamples);
    std::vector<float> values;
    values.reserve(static_cast<std::size_t>(std::min(image.voxelCount(), maxSamples) + 1));
    std::int64_t counter = 0;
    dispatchDataType(image.dataType(), [&](auto tag) {
        using T = decltype(tag);
        forEachRow(image.view<T>(), [&](std::int64_t, std::int64_t, const T* row) {
            for (std::int64_t x = 0; x < image.shape().x; ++x, ++counter)
                if (counter % stride == 0 && !std::isnan(static_cast<double>(row[x])))
                    values.push_back(static_cast<float>(row[x]));
        });
    });
    return values;
}

} // namespace

std::string Normalisation::describe() const {
    std::ostringstream out;
    out << "grey " << low << ".." << high << " -> [-1, 1] (" << method << ")";
    return out.str();
}

Normalisation normalisationFor(const Volume& image) {
    if (image.isNull() || image.voxelCount() == 0)
        throw InvalidArgument("the image is empty: nothing to normalise");
    Normalisation n;
    if (image.dataType() == DataType::UInt8) {
        n.low = 0;
        n.high = 255;
        n.method = "range";
        return n;
    }
    std::vector<float> values = sampleValues(image, std::int64_t(1) << 22);
    if (values.empty())
        throw InvalidArgument("the image holds only NaN values");
    const auto at = [&](double q) {
        const auto k = static_cast<std::size_t>(q * double(values.size() - 1));
        std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k),
                         values.end());
        return static_cast<double>(values[k]);
    };
    n.low = at(kLowPercentile);
    n.high = at(kHighPercentile);
    n.method = "percentile";
    if (!(n.high > n.low)) {
        // Nearly constant images: fall back to the full range of values.
        const auto [mn, mx] = std::minmax_element(values.begin(), values.end());
        n.low = *mn;
        n.high = *mx;
        n.method = "range";
    }
    if (!(n.high > n.low))
        throw InvalidArgument("the image is constant (every voxel " + std::to_string(n.low) +
                              "): a network cannot learn from it");
    return n;
}

} // namespace cisterna
