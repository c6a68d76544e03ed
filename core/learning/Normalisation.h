#pragma once
// The intensity normalisation a network was trained with: grey values in [low, high]
// map linearly to [-1, 1] (ASEM feeds uint8 / 255 * 2 - 1). Recorded in the model so
// that prediction applies exactly the same mapping.
#include "core/volume/Volume.h"

#include <string>

namespace cisterna {

struct Normalisation {
    double low = 0;
    double high = 255;
    std::string method = "range"; // "range" (full uint8 range) or "percentile"

    double scale() const { return 2.0 / (high - low); }
    double shift() const { return -1.0 - low * scale(); }
    std::string describe() const; // "grey 0..255 -> [-1, 1] (range)"
};

// uint8 images: the full range 0..255, as ASEM. uint16 and float images: the 0.1 and
// 99.9 percentiles, so a few hot voxels do not squash the contrast. Throws
// InvalidArgument for an empty or constant image.
Normalisation normalisationFor(const Volume& image);

} // namespace cisterna
