#include "core/learning/PostProcess.h"

#include "core/util/Error.h"
#include "core/util/Text.h"
#include "core/volume/MemoryBudget.h"

#include <algorithm>
#include <vector>

namespace cisterna {
namespace {

// Calls f(z, y, probabilityRow) with the row's probabilities as floats in [0, 1].
template <class F> void forEachProbabilityRow(const Volume& v, F&& f) {
    const Shape3 s = v.shape();
    std::vector<float> row(static_cast<std::size_t>(s.x));
    if (v.dataType() == DataType::UInt8) {
        forEachRow(v.view<std::uint8_t>(),
                   [&](std::int64_t z, std::int64_t y, const std::uint8_t* r) {
                       for (std::int64_t x = 0; x < s.x; ++x)
                           row[static_cast<std::size_t>(x)] = float(r[x]) / 255.0f;
                       f(z, y, row.data());
                   });
    } else if (v.dataType() == DataType::Float32) {
        forEachRow(v.view<float>(),
                   [&](std::int64_t z, std::int64_t y, const float* r) { f(z, y, r); });
    } else {
        throw InvalidArgument("probability maps are uint8 (0..255) or float32 (0..1), not " +
                              std::string(toString(v.dataType())));
    }
}

Volume labelVolumeLike(const Volume& like, DataType type) {
    Volume out = Volume::allocate(type, like.shape(), VolumeRole::Label, "the segmentation");
    if (like.hasVoxelSize())
        out.setVoxelSize(like.voxelSize());
    out.setOrigin(like.origin());
    return out;
}

// Threshold on the uint8 scale, so that 0.5 splits 127 from 128 exactly as on floats.
bool above(float p, double threshold) {
    return double(p) > threshold;
}

} // namespace

Volume thresholdProbabilities(const Volume& probabilities, double threshold) {
    Volume out = labelVolumeLike(probabilities, DataType::UInt8);
    auto view = out.view<std::uint8_t>();
    const std::int64_t nx = probabilities.shape().x;
    forEachProbabilityRow(probabilities, [&](std::int64_t z, std::int64_t y, const float* p) {
        std::uint8_t* dst = view.row(z, y);
        for (std::int64_t x = 0; x < nx; ++x)
            dst[x] = above(p[x], threshold) ? 1 : 0;
    });
    return out;
}

std::int64_t removeSmallComponents(Volume& labels, std::int64_t minVoxels,
                                   Connectivity connectivity) {
    if (minVoxels <= 1)
        return 0;
    if (labels.dataType() != DataType::UInt8 && labels.dataType() != DataType::UInt16)
        throw InvalidArgument("small components are removed from uint8 or uint16 volumes");
    // Components of each label value separately, so touching organelles stay apart.
    std::vector<bool> present(65536, false);
    dispatchDataType(labels.dataType(), [&](auto tag) {
        using T = decltype(tag);
        forEachRow(labels.view<T>(), [&](std::int64_t, std::int64_t, const T* r) {
            for (std::int64_t x = 0; x < labels.shape().x; ++x)
                present[static_cast<std::size_t>(r[x])] = true;
        });
    });
    std::int64_t removed = 0;
    const Shape3 s = labels.shape();
    for (std::size_t value = 1; value < present.size(); ++value) {
        if (!present[value])
            continue;
        Volume one = Volume::allocate(DataType::UInt8, s, VolumeRole::Label, "one label's mask");
        auto oneView = one.view<std::uint8_t>();
        dispatchDataType(labels.dataType(), [&](auto tag) {
            using T = decltype(tag);
            forEachRow(labels.view<T>(), [&](std::int64_t z, std::int64_t y, const T* r) {
                std::uint8_t* dst = oneView.row(z, y);
                for (std::int64_t x = 0; x < s.x; ++x)
                    dst[x] = static_cast<std::size_t>(r[x]) == value;
            });
        });
        const Components c = connectedComponents(one, connectivity);
        std::vector<bool> small(c.sizes.size(), false);
        for (std::size_t k = 1; k < c.sizes.size(); ++k)
            if (c.sizes[k] < minVoxels) {
                small[k] = true;
                ++removed;
            }
        dispatchDataType(labels.dataType(), [&](auto tag) {
            using T = decltype(tag);
            auto view = labels.view<T>();
            std::size_t i = 0;
            for (std::int64_t z = 0; z < s.z; ++z)
                for (std::int64_t y = 0; y < s.y; ++y) {
                    T* row = view.row(z, y);
                    for (std::int64_t x = 0; x < s.x; ++x, ++i)
                        if (small[c.labels[i]])
                            row[x] = 0;
                }
        });
    }
    return removed;
}

Volume postProcess(const Volume& probabilities, const PostProcessOptions& options) {
    Volume binary = thresholdProbabilities(probabilities, options.threshold);
    removeSmallComponents(binary, options.minComponentVoxels, options.connectivity);
    return binary;
}

OverlapRule parseOverlapRule(const std::string& text) {
    const std::string t = toLower(text);
    if (t == "highest" || t == "highest-probability" || t == "probability")
        return OverlapRule::HighestProbability;
    if (t == "priority" || t == "order")
        return OverlapRule::Priority;
    throw InvalidArgument("unknown overlap rule '" + text + "' (highest or priority)");
}

Volume combineOrganelles(const std::vector<OrganelleMap>& maps, OverlapRule rule,
                         const PostProcessOptions& options, const Progress& progress) {
    if (maps.empty())
        throw InvalidArgument("no probability maps to combine");
    std::uint16_t maxLabel = 0;
    for (const OrganelleMap& m : maps) {
        if (m.probabilities.isNull() || m.probabilities.shape() != maps[0].probabilities.shape())
            throw InvalidArgument("the probability map of " + m.name + " is " +
                                  toString(m.probabilities.shape()) + " but that of " +
                                  maps[0].name + " is " + toString(maps[0].probabilities.shape()));
        if (m.label == 0)
            throw InvalidArgument("organelle " + m.name + " needs a label value above 0");
        maxLabel = std::max(maxLabel, m.label);
    }
    const Shape3 s = maps[0].probabilities.shape();
    // Best probability so far per voxel (HighestProbability) or "taken" (Priority).
    requireMemory(checkedByteCount(s, sizeof(float) + sizeof(std::uint16_t), "overlap bookkeeping"),
                  "overlap bookkeeping");
    std::vector<float> best(static_cast<std::size_t>(s.voxelCount()), -1.0f);
    std::vector<std::uint16_t> label(static_cast<std::size_t>(s.voxelCount()), 0);
    for (std::size_t m = 0; m < maps.size(); ++m) {
        progress.report(double(m) / double(maps.size() + 1), "combining " + maps[m].name);
        const double threshold = maps[m].threshold.value_or(options.threshold);
        forEachProbabilityRow(maps[m].probabilities, [&](std::int64_t z, std::int64_t y,
                                                         const float* p) {
            const std::size_t base = static_cast<std::size_t>((z * s.y + y) * s.x);
            for (std::int64_t x = 0; x < s.x; ++x) {
                if (!above(p[x], threshold))
                    continue;
                const std::size_t i = base + static_cast<std::size_t>(x);
                const bool take = rule == OverlapRule::Priority ? label[i] == 0 : p[x] > best[i];
                if (take) {
                    best[i] = p[x];
                    label[i] = maps[m].label;
                }
            }
        });
    }
    Volume out =
        labelVolumeLike(maps[0].probabilities, maxLabel > 255 ? DataType::UInt16 : DataType::UInt8);
    dispatchDataType(out.dataType(), [&](auto tag) {
        using T = decltype(tag);
        if constexpr (!std::is_same_v<T, float>) {
            auto view = out.view<T>();
            std::size_t i = 0;
            for (std::int64_t z = 0; z < s.z; ++z)
                for (std::int64_t y = 0; y < s.y; ++y) {
                    T* row = view.row(z, y);
                    for (std::int64_t x = 0; x < s.x; ++x, ++i)
                        row[x] = static_cast<T>(label[i]);
                }
        }
    });
    progress.report(double(maps.size()) / double(maps.size() + 1), "removing small components");
    removeSmallComponents(out, options.minComponentVoxels, options.connectivity);
    progress.report(1.0, "done");
    return out;
}

} // namespace cisterna
