// Stroke lists (core/graphcut/Strokes.h readStrokes): the input is one JSON file; a
// list that reads is also painted, as loading strokes for a graph cut does.
#include "FuzzSupport.h"

#include "core/graphcut/Strokes.h"

namespace fs = std::filesystem;

namespace cisterna::fuzz {

void writeSeeds(const fs::path& dir) {
    StrokeList list;
    list.shape = {4, 6, 8};
    Stroke object;
    object.label = kStrokeObject;
    object.axis = 0;
    object.slice = 2;
    object.radius = 1.5;
    object.points = {{1, 1}, {4, 6}};
    Stroke background;
    background.label = kStrokeBackground;
    background.axis = 2;
    background.slice = 7;
    background.radius = 0;
    background.points = {{0, 0}, {3, 5}, {1, 2}};
    list.strokes = {object, background};
    const fs::path file = caseDir() / "seed.json";
    writeStrokes(file.string(), list);
    writeSeed(dir, "two-strokes", readFile(file));
}

void fuzzOne(const std::string& input) {
    const fs::path file = caseDir() / "input.json";
    writeFile(file, input);
    const StrokeList list = readStrokes(file.string());
    const Volume painted = rasterizeStrokes(list);
    if (painted.shape() != list.shape)
        finding("painted strokes have shape " + toString(painted.shape()) + ", the list " +
                toString(list.shape));
}

} // namespace cisterna::fuzz
