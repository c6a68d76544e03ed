#pragma once
// A segmentation tool turns an image (and optionally the user's strokes) into a
// label volume. Built-in tools and plugin tools register the same way.
#include "core/util/Progress.h"
#include "core/volume/Volume.h"

#include <map>
#include <string>

namespace cisterna {

using ToolParameters = std::map<std::string, std::string>;

class SegmentationTool {
public:
    virtual ~SegmentationTool() = default;
    virtual std::string name() const = 0;
    virtual std::string description() const = 0;
    // strokes may be null for tools that need none; 0 = unlabelled, 1 = object,
    // 2 = background. Returns a uint8 label volume of the image's shape.
    virtual Volume segment(const Volume& image, const Volume* strokes,
                           const ToolParameters& parameters, const Progress& progress) const = 0;
};

} // namespace cisterna
