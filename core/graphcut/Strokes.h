#pragma once
// Brush strokes, the user's input to the graph cut, in two forms: a stroke volume
// (uint8: 0 = none, 1 = object, 2 = background) and a list of strokes, each a
// polyline with a brush radius painted on one plane of one of the three axes.
// Stroke lists are stored as small JSON files:
//   {"format": "cisterna-strokes", "version": 1, "shape": [z, y, x],
//    "strokes": [{"label": "object", "axis": "z", "slice": 40, "radius": 2,
//                 "points": [[y, x], [y, x], ...]}, ...]}
// Points are in voxel coordinates of the plane: (y, x) on a z plane, (z, x) on a y
// plane, (z, y) on an x plane.
#include "core/graphcut/Energy.h"
#include "core/volume/Volume.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cisterna {

struct Stroke {
    std::uint8_t label = kStrokeObject; // kStrokeObject or kStrokeBackground
    int axis = 0;                       // the plane's normal: 0 = z, 1 = y, 2 = x
    std::int64_t slice = 0;             // index along that axis
    double radius = 1.0;                // brush radius in voxels; 0 paints the line only
    std::vector<std::array<double, 2>> points;
};

struct StrokeList {
    Shape3 shape; // of the volume the strokes were drawn on
    std::vector<Stroke> strokes;
};

const char* axisName(int axis);         // "z", "y", "x"
int parseAxis(const std::string& name); // throws InvalidArgument

// Paints the voxels whose centres lie within `radius` of the polyline; later strokes
// paint over earlier ones. Throws InvalidArgument naming the stroke when its plane or
// a point lies outside the volume, or its label, radius or points are invalid.
void paintStroke(Volume& strokeVolume, const Stroke& stroke, std::size_t index = 0);
Volume rasterizeStrokes(const StrokeList& list);
// Only the voxels inside `box` (a volume of box.size): a part of strokes drawn on a
// volume larger than memory. Strokes are checked against the whole list.shape.
Volume rasterizeStrokes(const StrokeList& list, const Box3& box);
// The box of the voxels the strokes paint, without painting the volume. Throws
// InvalidArgument when there are none or a stroke is invalid.
Box3 strokeBounds(const StrokeList& list);

// The stroke list that paints exactly this stroke volume: one radius-0 stroke per
// run of equal labels along x on each z plane.
StrokeList strokesFromVolume(const Volume& strokeVolume);

// JSON files; FormatError naming the file and the problem on bad content.
void writeStrokes(const std::string& path, const StrokeList& list);
StrokeList readStrokes(const std::string& path);

// Whether `path` names a stroke list (.json, any case) rather than a label volume.
bool isStrokeListPath(const std::string& path);
// readStrokes(), checked against the shape of the image the strokes are for.
StrokeList readStrokesFor(const std::string& path, const Shape3& imageShape);

// A stroke volume from either a stroke list (.json) or any readable label volume,
// checked against the image shape; with `box`, only that box of it (read by region,
// so that strokes on a volume larger than memory can be loaded in part).
Volume loadStrokeVolume(const std::string& path, const Shape3& imageShape,
                        const std::optional<Box3>& box = std::nullopt);

} // namespace cisterna
