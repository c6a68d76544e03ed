#pragma once
// Text in and out of the learning jobs, shared by the CLI and the app: parsing of
// label and class specifications, progress lines, the network's valid sizes.
#include "core/learning/Training.h"
#include "core/learning/UNetConfig.h"

#include <string>
#include <vector>

namespace cisterna {

// "1" or "1,4": one class made of those label values. Empty: every non-zero value.
LabelSpec parseLabelValues(const std::string& text);

struct ClassSpec {
    LabelSpec labels;
    std::vector<std::string> names;
};
// "mito=1;er=3,4": one class per entry, in that order.
ClassSpec parseClassSpec(const std::string& text);

// "204" or "20,204,204" (z, y, x).
Shape3 parseShape3(const std::string& text);

// "iteration 120/1000  loss 0.4123 (mean 0.4420)  val F1 0.812  1.9 it/s  ETA 7m 43s"
std::string formatTrainingProgress(const TrainingProgress& progress);
std::string formatDuration(double seconds); // "45s", "7m 43s", "2h 05m"

// Several lines: parameters, the geometry of `input` when valid, the valid input sizes
// per axis up to `limit`, for `--sizes` and the app's patch size field.
std::string describeNetworkSizes(const UNetConfig& network, const Shape3& input,
                                 std::int64_t limit = 256);

} // namespace cisterna
