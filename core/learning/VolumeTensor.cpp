#include "core/learning/VolumeTensor.h"

#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace cisterna {

torch::Tensor imageTensor(const Volume& image, const Normalisation& normalisation) {
    const Shape3 s = image.shape();
    requireMemory(checkedByteCount(s, sizeof(float), "normalised image"), "normalised image");
    torch::Tensor t = torch::empty({s.z, s.y, s.x}, torch::kFloat);
    float* out = t.data_ptr<float>();
    const float scale = static_cast<float>(normalisation.scale());
    const float shift = static_cast<float>(normalisation.shift());
    dispatchDataType(image.dataType(), [&](auto tag) {
        using T = decltype(tag);
        forEachRow(image.view<T>(), [&](std::int64_t z, std::int64_t y, const T* row) {
            float* dst = out + (z * s.y + y) * s.x;
            for (std::int64_t x = 0; x < s.x; ++x) {
                const float v = static_cast<float>(row[x]) * scale + shift;
                dst[x] = std::isnan(v) ? 0.0f : v;
            }
        });
    });
    return t;
}

torch::Tensor targetTensor(const Volume& labels, const Volume& mask, const LabelSpec& spec) {
    if (!isIntegerType(labels.dataType()))
        throw InvalidArgument(std::string("labels must be an integer volume, not ") +
                              toString(labels.dataType()));
    if (!mask.isNull() && mask.shape() != labels.shape())
        throw InvalidArgument("the mask is " + toString(mask.shape()) + " but the labels are " +
                              toString(labels.shape()));
    const int classes = spec.classCount();
    if (classes < 1 || classes > 254)
        throw InvalidArgument("1 to 254 classes can be trained, not " + std::to_string(classes));
    // Lookup from label value to target; integer labels are at most 16 bits.
    std::vector<std::uint8_t> lookup(65536, 0);
    if (spec.classValues.empty()) {
        for (std::size_t v = 1; v < lookup.size(); ++v)
            lookup[v] = 1;
    } else {
        for (int c = 0; c < classes; ++c)
            for (std::int64_t v : spec.classValues[static_cast<std::size_t>(c)]) {
                if (v < 0 || v > 65535)
                    throw InvalidArgument("label value " + std::to_string(v) +
                                          " is outside 0..65535");
                if (v == 0)
                    throw InvalidArgument("label value 0 is the background; it cannot be a class");
                lookup[static_cast<std::size_t>(v)] = static_cast<std::uint8_t>(c + 1);
            }
    }
    if (spec.unlabelledValue) {
        const std::int64_t v = *spec.unlabelledValue;
        if (v >= 0 && v <= 65535)
            lookup[static_cast<std::size_t>(v)] = kIgnoreTarget;
    }
    const Shape3 s = labels.shape();
    requireMemory(checkedByteCount(s, 1, "training targets"), "training targets");
    torch::Tensor t = torch::empty({s.z, s.y, s.x}, torch::kUInt8);
    std::uint8_t* out = t.data_ptr<std::uint8_t>();
    dispatchDataType(labels.dataType(), [&](auto tag) {
        using T = decltype(tag);
        if constexpr (!std::is_same_v<T, float>) {
            forEachRow(labels.view<T>(), [&](std::int64_t z, std::int64_t y, const T* row) {
                std::uint8_t* dst = out + (z * s.y + y) * s.x;
                for (std::int64_t x = 0; x < s.x; ++x)
                    dst[x] = lookup[row[x]];
            });
        }
    });
    if (!mask.isNull()) {
        dispatchDataType(mask.dataType(), [&](auto tag) {
            using T = decltype(tag);
            forEachRow(mask.view<T>(), [&](std::int64_t z, std::int64_t y, const T* row) {
                std::uint8_t* dst = out + (z * s.y + y) * s.x;
                for (std::int64_t x = 0; x < s.x; ++x)
                    if (row[x] == T(0))
                        dst[x] = kIgnoreTarget;
            });
        });
    }
    return t;
}

void storeProbabilities(const torch::Tensor& probabilities, Volume& out, const Index3& at) {
    const torch::Tensor p = probabilities.to(torch::kFloat).contiguous();
    const std::int64_t sz = p.size(0), sy = p.size(1), sx = p.size(2);
    const float* src = p.data_ptr<float>();
    if (out.dataType() == DataType::UInt8) {
        auto view = out.view<std::uint8_t>();
        for (std::int64_t z = 0; z < sz; ++z)
            for (std::int64_t y = 0; y < sy; ++y) {
                std::uint8_t* dst = view.row(at.z + z, at.y + y) + at.x;
                const float* row = src + (z * sy + y) * sx;
                for (std::int64_t x = 0; x < sx; ++x)
                    dst[x] = static_cast<std::uint8_t>(
                        std::lround(std::min(1.0f, std::max(0.0f, row[x])) * 255.0f));
            }
    } else if (out.dataType() == DataType::Float32) {
        auto view = out.view<float>();
        for (std::int64_t z = 0; z < sz; ++z)
            for (std::int64_t y = 0; y < sy; ++y)
                std::memcpy(view.row(at.z + z, at.y + y) + at.x, src + (z * sy + y) * sx,
                            static_cast<std::size_t>(sx) * sizeof(float));
    } else {
        throw InvalidArgument("probability maps are uint8 or float32");
    }
}

} // namespace cisterna
