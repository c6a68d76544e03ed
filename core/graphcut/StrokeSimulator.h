#pragma once
// Simulated annotators for tests and benchmarks: from a ground-truth mask, draw
// strokes on chosen planes the way a person would. Object strokes run along the
// inside of each object the plane cuts (along its long axis, a few voxels wide,
// keeping clear of its boundary); background strokes are long straight lines across
// the background, keeping clear of every object. Deterministic for a given seed.
#include "core/graphcut/Strokes.h"

#include <cstdint>
#include <vector>

namespace cisterna {

struct StrokePlane {
    int axis = 0; // 0 = z, 1 = y, 2 = x
    std::int64_t slice = 0;
};

struct StrokeSimulation {
    std::vector<StrokePlane> planes;
    double radius = 2.0;           // brush radius in voxels
    double objectMargin = 1.0;     // object strokes stay this far inside the boundary
    double backgroundMargin = 3.0; // background strokes stay this far from objects
    // Objects whose cross-section is smaller than this many pixels get no stroke.
    std::int64_t minObjectArea = 12;
    // Background lines per plane; 0 = about one per 2000 pixels, at least 4.
    int backgroundStrokesPerPlane = 0;
    std::uint64_t seed = 1;
};

// `count` planes normal to `axis`, evenly spaced inside the volume.
std::vector<StrokePlane> evenlySpacedPlanes(const Shape3& shape, int axis, int count);
// One plane through the middle of each axis.
std::vector<StrokePlane> orthogonalPlanes(const Shape3& shape);
// Parses "z:40,y:64,x:10"; throws InvalidArgument.
std::vector<StrokePlane> parsePlanes(const std::string& text, const Shape3& shape);

// `truth` is non-zero on the object (integer volume). Throws InvalidArgument for a
// plane outside the volume or a bad parameter.
StrokeList simulateStrokes(const Volume& truth, const StrokeSimulation& simulation);

// The strokes the same annotator adds after looking at a cut on the same planes:
// background strokes along wrongly included regions and object strokes along missed
// ones (regions too thin for the brush are left alone, as a person would).
StrokeList correctiveStrokes(const Volume& truth, const Volume& prediction,
                             const StrokeSimulation& simulation);

} // namespace cisterna
