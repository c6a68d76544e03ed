#include "core/volume/Geometry.h"

#include "core/util/Error.h"
#include "core/util/Text.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace cisterna {
namespace {

std::int64_t parseInteger(const std::string& text, const std::string& whole) {
    try {
        std::size_t used = 0;
        const long long v = std::stoll(text, &used);
        if (used != text.size())
            throw std::invalid_argument(text);
        return v;
    } catch (const std::exception&) {
        throw InvalidArgument("'" + whole + "' is not a crop of the form z0:z1,y0:y1,x0:x1");
    }
}

} // namespace

std::string toString(const Shape3& s) {
    std::ostringstream out;
    out << s.z << " x " << s.y << " x " << s.x << " (z, y, x)";
    return out.str();
}

std::string toString(const Vec3d& v) {
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "(%g, %g, %g)", v.z, v.y, v.x);
    return buffer;
}

std::string toString(const Box3& b) {
    std::ostringstream out;
    const Index3 e = b.end();
    out << "z " << b.begin.z << ":" << e.z << ", y " << b.begin.y << ":" << e.y << ", x "
        << b.begin.x << ":" << e.x;
    return out.str();
}

Box3 parseBox(const std::string& text, const Shape3& shape) {
    const auto parts = split(text, ',');
    if (parts.size() != 3)
        throw InvalidArgument("'" + text + "' is not a crop of the form z0:z1,y0:y1,x0:x1");
    const std::int64_t extents[3] = {shape.z, shape.y, shape.x};
    std::int64_t begin[3], end[3];
    for (int axis = 0; axis < 3; ++axis) {
        const auto bounds = split(parts[axis], ':');
        if (bounds.size() != 2)
            throw InvalidArgument("'" + text + "' is not a crop of the form z0:z1,y0:y1,x0:x1");
        begin[axis] = bounds[0].empty() ? 0 : parseInteger(bounds[0], text);
        end[axis] = bounds[1].empty() ? extents[axis] : parseInteger(bounds[1], text);
        if (begin[axis] < 0 || end[axis] > extents[axis] || begin[axis] >= end[axis])
            throw InvalidArgument("crop '" + text + "' does not fit in a volume of shape " +
                                  toString(shape));
    }
    return Box3{{begin[0], begin[1], begin[2]},
                {end[0] - begin[0], end[1] - begin[1], end[2] - begin[2]}};
}

Vec3d parseVec3d(const std::string& text) {
    const auto parts = split(text, ',');
    if (parts.size() != 1 && parts.size() != 3)
        throw InvalidArgument("'" + text + "' is neither one number nor three (z,y,x)");
    double values[3];
    for (std::size_t i = 0; i < 3; ++i) {
        const std::string& p = parts[parts.size() == 1 ? 0 : i];
        try {
            std::size_t used = 0;
            values[i] = std::stod(p, &used);
            if (used != p.size())
                throw std::invalid_argument(p);
        } catch (const std::exception&) {
            throw InvalidArgument("'" + text + "' is not a number or a list z,y,x of numbers");
        }
    }
    return {values[0], values[1], values[2]};
}

Box3 planeBox(const Shape3& shape, int axis, std::int64_t index) {
    if (axis < 0 || axis > 2)
        throw InvalidArgument("plane axis " + std::to_string(axis) +
                              " is not 0 (z), 1 (y) or 2 (x)");
    Box3 b{{0, 0, 0}, shape};
    std::int64_t* begin[3] = {&b.begin.z, &b.begin.y, &b.begin.x};
    std::int64_t* size[3] = {&b.size.z, &b.size.y, &b.size.x};
    const std::int64_t extent = *size[axis];
    if (index < 0 || index >= extent)
        throw InvalidArgument("plane " + std::to_string(index) + " along " + "zyx"[axis] +
                              " is outside 0.." + std::to_string(extent - 1));
    *begin[axis] = index;
    *size[axis] = 1;
    return b;
}

Box3 intersect(const Box3& a, const Box3& b) {
    const Index3 ae = a.end(), be = b.end();
    const Index3 begin{std::max(a.begin.z, b.begin.z), std::max(a.begin.y, b.begin.y),
                       std::max(a.begin.x, b.begin.x)};
    const Index3 end{std::min(ae.z, be.z), std::min(ae.y, be.y), std::min(ae.x, be.x)};
    return {begin,
            {std::max<std::int64_t>(0, end.z - begin.z), std::max<std::int64_t>(0, end.y - begin.y),
             std::max<std::int64_t>(0, end.x - begin.x)}};
}

std::vector<Box3> blocksOf(const Shape3& shape, const Shape3& block) {
    std::vector<Box3> boxes;
    for (std::int64_t z = 0; z < shape.z; z += block.z)
        for (std::int64_t y = 0; y < shape.y; y += block.y)
            for (std::int64_t x = 0; x < shape.x; x += block.x)
                boxes.push_back({{z, y, x},
                                 {std::min(block.z, shape.z - z), std::min(block.y, shape.y - y),
                                  std::min(block.x, shape.x - x)}});
    return boxes;
}

} // namespace cisterna
