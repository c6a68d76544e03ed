#include "core/graphcut/Strokes.h"

#include "core/io/VolumeIO.h"
#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace cisterna {
namespace {

// The in-plane axes of a plane and their extents.
struct Plane {
    std::int64_t u = 0, v = 0; // extents of the first and second in-plane axes
    std::int64_t depth = 0;    // extent along the normal
};

Plane planeOf(const Shape3& s, int axis) {
    switch (axis) {
    case 0:
        return {s.y, s.x, s.z};
    case 1:
        return {s.z, s.x, s.y};
    default:
        return {s.z, s.y, s.x};
    }
}

Index3 voxelOf(int axis, std::int64_t slice, std::int64_t u, std::int64_t v) {
    switch (axis) {
    case 0:
        return {slice, u, v};
    case 1:
        return {u, slice, v};
    default:
        return {u, v, slice};
    }
}

double segmentDistance2(double pu, double pv, const std::array<double, 2>& a,
                        const std::array<double, 2>& b) {
    const double du = b[0] - a[0], dv = b[1] - a[1];
    const double len2 = du * du + dv * dv;
    double t = len2 > 0 ? ((pu - a[0]) * du + (pv - a[1]) * dv) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    const double eu = a[0] + t * du - pu, ev = a[1] + t * dv - pv;
    return eu * eu + ev * ev;
}

std::string describe(const Stroke& s, std::size_t index) {
    return "stroke " + std::to_string(index) + " (" +
           (s.label == kStrokeObject ? "object" : "background") + ", axis " +
           (s.axis >= 0 && s.axis <= 2 ? axisName(s.axis) : "?") + ", slice " +
           std::to_string(s.slice) + ")";
}

std::string pointText(const std::array<double, 2>& p) {
    auto num = [](double v) {
        std::string t = std::to_string(v);
        t.erase(t.find_last_not_of('0') + 1);
        if (!t.empty() && t.back() == '.')
            t.pop_back();
        return t;
    };
    return "(" + num(p[0]) + ", " + num(p[1]) + ")";
}

} // namespace

const char* axisName(int axis) {
    return axis == 0 ? "z" : axis == 1 ? "y" : "x";
}

int parseAxis(const std::string& name) {
    if (name == "z" || name == "0")
        return 0;
    if (name == "y" || name == "1")
        return 1;
    if (name == "x" || name == "2")
        return 2;
    throw InvalidArgument("unknown axis '" + name + "' (z, y or x)");
}

namespace {

// Checks `stroke` against a volume of `shape` and calls paint(voxel) for every voxel
// it covers: the one definition of a stroke's voxels, for painting a whole volume, a
// part of it, or finding their box.
template <class Paint>
void visitStroke(const Shape3& shape, const Stroke& stroke, std::size_t index, Paint&& paint) {
    if (stroke.label != kStrokeObject && stroke.label != kStrokeBackground)
        throw InvalidArgument(describe(stroke, index) + " has label " +
                              std::to_string(int(stroke.label)) +
                              "; strokes are object (1) or background (2)");
    if (stroke.axis < 0 || stroke.axis > 2)
        throw InvalidArgument("stroke " + std::to_string(index) + " has axis " +
                              std::to_string(stroke.axis) + "; axes are 0 (z), 1 (y), 2 (x)");
    if (!(stroke.radius >= 0) || !std::isfinite(stroke.radius) || stroke.radius > 1e4)
        throw InvalidArgument(describe(stroke, index) +
                              " has an invalid radius: " + std::to_string(stroke.radius));
    if (stroke.points.empty())
        throw InvalidArgument(describe(stroke, index) + " has no points");
    const Plane plane = planeOf(shape, stroke.axis);
    if (stroke.slice < 0 || stroke.slice >= plane.depth)
        throw InvalidArgument(describe(stroke, index) + " lies outside the volume: axis " +
                              axisName(stroke.axis) + " has " + std::to_string(plane.depth) +
                              " slices (" + toString(shape) + ")");
    for (const auto& p : stroke.points)
        if (!std::isfinite(p[0]) || !std::isfinite(p[1]) || p[0] < -0.5 ||
            p[0] > double(plane.u) - 0.5 || p[1] < -0.5 || p[1] > double(plane.v) - 0.5)
            throw InvalidArgument(describe(stroke, index) + " has point " + pointText(p) +
                                  " outside its " + std::to_string(plane.u) + " x " +
                                  std::to_string(plane.v) + " plane");
    const double r2 = stroke.radius * stroke.radius + 1e-9;
    const std::size_t segments = std::max<std::size_t>(1, stroke.points.size() - 1);
    for (std::size_t i = 0; i < segments; ++i) {
        const auto& a = stroke.points[i];
        const auto& b = stroke.points[std::min(i + 1, stroke.points.size() - 1)];
        const std::int64_t u0 = std::max<std::int64_t>(
            0, std::int64_t(std::floor(std::min(a[0], b[0]) - stroke.radius)));
        const std::int64_t u1 = std::min<std::int64_t>(
            plane.u - 1, std::int64_t(std::ceil(std::max(a[0], b[0]) + stroke.radius)));
        const std::int64_t v0 = std::max<std::int64_t>(
            0, std::int64_t(std::floor(std::min(a[1], b[1]) - stroke.radius)));
        const std::int64_t v1 = std::min<std::int64_t>(
            plane.v - 1, std::int64_t(std::ceil(std::max(a[1], b[1]) + stroke.radius)));
        for (std::int64_t u = u0; u <= u1; ++u)
            for (std::int64_t v = v0; v <= v1; ++v)
                if (segmentDistance2(double(u), double(v), a, b) <= r2)
                    paint(voxelOf(stroke.axis, stroke.slice, u, v));
    }
}

} // namespace

void paintStroke(Volume& volume, const Stroke& stroke, std::size_t index) {
    if (volume.dataType() != DataType::UInt8)
        throw InvalidArgument("strokes are painted into a uint8 volume");
    auto view = volume.view<std::uint8_t>();
    visitStroke(volume.shape(), stroke, index, [&](const Index3& p) { view(p) = stroke.label; });
}

Volume rasterizeStrokes(const StrokeList& list) {
    Volume volume = Volume::allocate(DataType::UInt8, list.shape, VolumeRole::Label, "strokes");
    for (std::size_t i = 0; i < list.strokes.size(); ++i)
        paintStroke(volume, list.strokes[i], i);
    return volume;
}

Volume rasterizeStrokes(const StrokeList& list, const Box3& box) {
    if (!box.fitsIn(list.shape))
        throw InvalidArgument("the box " + toString(box) + " does not fit in the strokes' " +
                              toString(list.shape) + " volume");
    Volume volume = Volume::allocate(DataType::UInt8, box.size, VolumeRole::Label, "strokes");
    auto view = volume.view<std::uint8_t>();
    const Index3 end{box.begin.z + box.size.z, box.begin.y + box.size.y, box.begin.x + box.size.x};
    for (std::size_t i = 0; i < list.strokes.size(); ++i) {
        const Stroke& stroke = list.strokes[i];
        visitStroke(list.shape, stroke, i, [&](const Index3& p) {
            if (p.z >= box.begin.z && p.z < end.z && p.y >= box.begin.y && p.y < end.y &&
                p.x >= box.begin.x && p.x < end.x)
                view(p.z - box.begin.z, p.y - box.begin.y, p.x - box.begin.x) = stroke.label;
        });
    }
    return volume;
}

Box3 strokeBounds(const StrokeList& list) {
    const Shape3 s = list.shape;
    Index3 lo{s.z, s.y, s.x}, hi{-1, -1, -1};
    for (std::size_t i = 0; i < list.strokes.size(); ++i)
        visitStroke(s, list.strokes[i], i, [&](const Index3& p) {
            lo = {std::min(lo.z, p.z), std::min(lo.y, p.y), std::min(lo.x, p.x)};
            hi = {std::max(hi.z, p.z), std::max(hi.y, p.y), std::max(hi.x, p.x)};
        });
    if (hi.z < 0)
        throw InvalidArgument("there are no strokes to take a region from");
    return {lo, {hi.z - lo.z + 1, hi.y - lo.y + 1, hi.x - lo.x + 1}};
}

StrokeList strokesFromVolume(const Volume& volume) {
    if (volume.dataType() != DataType::UInt8)
        throw InvalidArgument(std::string("a stroke volume is uint8, not ") +
                              toString(volume.dataType()));
    StrokeList list;
    list.shape = volume.shape();
    const auto v = volume.view<std::uint8_t>();
    const Shape3 s = volume.shape();
    for (std::int64_t z = 0; z < s.z; ++z)
        for (std::int64_t y = 0; y < s.y; ++y)
            for (std::int64_t x = 0; x < s.x;) {
                const std::uint8_t label = v(z, y, x);
                std::int64_t end = x + 1;
                while (end < s.x && v(z, y, end) == label)
                    ++end;
                if (label == kStrokeObject || label == kStrokeBackground) {
                    Stroke stroke;
                    stroke.label = label;
                    stroke.axis = 0;
                    stroke.slice = z;
                    stroke.radius = 0;
                    stroke.points = {{double(y), double(x)}, {double(y), double(end - 1)}};
                    list.strokes.push_back(std::move(stroke));
                } else if (label != kStrokeNone) {
                    throw InvalidArgument("stroke value " + std::to_string(int(label)) +
                                          " is not 0, 1 or 2");
                }
                x = end;
            }
    return list;
}

void writeStrokes(const std::string& path, const StrokeList& list) {
    nlohmann::json j;
    j["format"] = "cisterna-strokes";
    j["version"] = 1;
    j["shape"] = {list.shape.z, list.shape.y, list.shape.x};
    nlohmann::json strokes = nlohmann::json::array();
    for (const Stroke& s : list.strokes) {
        nlohmann::json js;
        js["label"] = s.label == kStrokeObject ? "object" : "background";
        js["axis"] = axisName(s.axis);
        js["slice"] = s.slice;
        js["radius"] = s.radius;
        nlohmann::json points = nlohmann::json::array();
        for (const auto& p : s.points)
            points.push_back({p[0], p[1]});
        js["points"] = std::move(points);
        strokes.push_back(std::move(js));
    }
    j["strokes"] = std::move(strokes);
    writeFileAtomically(path, j.dump(1) + "\n");
}

namespace {
// A string member of a JSON object, or "" when it is missing or not a string
// (json::value would throw a type_error for a number: a damaged file must give
// a FormatError that names the field, found by fuzzing).
std::string stringField(const nlohmann::json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}
} // namespace

StrokeList readStrokes(const std::string& path) {
    const std::string text = readWholeFile(path);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(path, std::string("not a valid JSON stroke file: ") + e.what());
    }
    auto fail = [&](const std::string& problem) { throw FormatError(path, problem); };
    if (!j.is_object() || stringField(j, "format") != "cisterna-strokes")
        fail("not a Cisterna stroke file (\"format\": \"cisterna-strokes\" is missing)");
    if (!j.contains("version") || !j["version"].is_number_integer() || j["version"] != 1)
        fail("unsupported stroke file version (expected 1)");
    if (!j.contains("shape"))
        fail("\"shape\" is missing");
    const auto& shape = j["shape"];
    if (!shape.is_array() || shape.size() != 3)
        fail("\"shape\" must be [z, y, x]");
    StrokeList list;
    std::int64_t extent[3];
    for (int a = 0; a < 3; ++a) {
        if (!shape[std::size_t(a)].is_number_integer() || shape[std::size_t(a)] < 1 ||
            shape[std::size_t(a)] > (std::int64_t(1) << 31))
            fail("\"shape\" must hold three positive integers below 2^31");
        extent[a] = shape[std::size_t(a)].get<std::int64_t>();
    }
    list.shape = {extent[0], extent[1], extent[2]};
    if (!j.contains("strokes"))
        fail("\"strokes\" is missing");
    const auto& strokes = j["strokes"];
    if (!strokes.is_array())
        fail("\"strokes\" must be a list");
    for (std::size_t i = 0; i < strokes.size(); ++i) {
        const auto& js = strokes[i];
        const std::string where = "stroke " + std::to_string(i) + ": ";
        if (!js.is_object())
            fail(where + "not an object");
        Stroke s;
        const auto label = stringField(js, "label");
        if (label == "object")
            s.label = kStrokeObject;
        else if (label == "background")
            s.label = kStrokeBackground;
        else
            fail(where + "\"label\" must be \"object\" or \"background\"");
        try {
            s.axis = parseAxis(stringField(js, "axis"));
        } catch (const InvalidArgument&) {
            fail(where + "\"axis\" must be \"z\", \"y\" or \"x\"");
        }
        if (!js.contains("slice") || !js["slice"].is_number_integer())
            fail(where + "\"slice\" must be an integer");
        s.slice = js["slice"].get<std::int64_t>();
        if (!js.contains("radius") || !js["radius"].is_number())
            fail(where + "\"radius\" must be a number");
        s.radius = js["radius"].get<double>();
        if (!js.contains("points"))
            fail(where + "\"points\" is missing");
        const auto& points = js["points"];
        if (!points.is_array() || points.empty())
            fail(where + "\"points\" must be a non-empty list of [u, v] pairs");
        for (const auto& p : points) {
            if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
                fail(where + "every point must be a pair of numbers");
            s.points.push_back({p[0].get<double>(), p[1].get<double>()});
        }
        list.strokes.push_back(std::move(s));
    }
    return list;
}

bool isStrokeListPath(const std::string& path) {
    std::string extension = std::filesystem::path(path).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return extension == ".json";
}

StrokeList readStrokesFor(const std::string& path, const Shape3& imageShape) {
    StrokeList list = readStrokes(path);
    if (list.shape != imageShape)
        throw InvalidArgument(path + ": the strokes were drawn on a " + toString(list.shape) +
                              " volume, the image is " + toString(imageShape));
    return list;
}

Volume loadStrokeVolume(const std::string& path, const Shape3& imageShape,
                        const std::optional<Box3>& box) {
    if (isStrokeListPath(path)) {
        const StrokeList list = readStrokesFor(path, imageShape);
        try {
            return box ? rasterizeStrokes(list, *box) : rasterizeStrokes(list);
        } catch (const InvalidArgument& e) {
            throw FormatError(path, e.what());
        }
    }
    const Shape3 shape = readVolumeInfo(path).shape;
    if (shape != imageShape)
        throw InvalidArgument(path + ": the stroke volume is " + toString(shape) +
                              ", the image is " + toString(imageShape));
    ReadOptions options;
    options.region = box;
    Volume v = readVolume(path, options);
    if (v.dataType() != DataType::UInt8) {
        // Label volumes written as uint16 are accepted when their values fit.
        Volume u8 = Volume::allocate(DataType::UInt8, v.shape(), VolumeRole::Label, "strokes");
        auto dst = u8.view<std::uint8_t>();
        dispatchDataType(v.dataType(), [&](auto tag) {
            const auto src = v.view<decltype(tag)>();
            for (std::int64_t z = 0; z < v.shape().z; ++z)
                for (std::int64_t y = 0; y < v.shape().y; ++y)
                    for (std::int64_t x = 0; x < v.shape().x; ++x) {
                        const double value = double(src(z, y, x));
                        if (!(value == 0 || value == 1 || value == 2))
                            throw FormatError(path, "stroke value " + std::to_string(value) +
                                                        " is not 0, 1 or 2");
                        dst(z, y, x) = std::uint8_t(value);
                    }
        });
        return u8;
    }
    return v;
}

} // namespace cisterna
