#pragma once
// The grey-value histogram behind the window/level control. On large volumes it is
// computed from an even sample of voxels, which looks the same and costs milliseconds.
#include "core/volume/Volume.h"

#include <cstdint>
#include <vector>

namespace cisterna::ui {

struct Histogram {
    double min = 0, max = 0; // value range of the bins
    std::vector<std::int64_t> counts;
    std::int64_t sampled = 0;
    double binWidth() const { return counts.empty() ? 1 : (max - min) / double(counts.size()); }
};

Histogram computeHistogram(const Volume& image, int bins = 256,
                           std::int64_t maxSamples = std::int64_t(1) << 22);

} // namespace cisterna::ui
