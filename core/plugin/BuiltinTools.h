#pragma once
// Factories of the segmentation tools compiled into core.
#include "core/plugin/SegmentationTool.h"

#include <memory>

namespace cisterna {

std::shared_ptr<SegmentationTool> makeThresholdTool();

} // namespace cisterna
