#pragma once
// Training data named by file paths (the CLI's and scripts' way to give it), read
// into a TrainingData. Full build only (needs core/io).
#include "core/learning/Training.h"

#include <string>

namespace cisterna {

struct TrainingFiles {
    std::string image, labels, mask; // mask optional
    std::string crop;                // "z0:z1,y0:y1,x0:x1" of all three; empty: whole
    std::string validationImage, validationLabels, validationMask;
    std::string validationRegion; // alternative: a box of the training volumes, or "auto"
};

// Reads only the cropped region of each file. Throws FormatError / InvalidArgument.
TrainingData loadTrainingData(const TrainingFiles& files);

} // namespace cisterna
