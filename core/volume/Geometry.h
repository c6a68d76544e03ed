#pragma once
// Small value types for 3D geometry. Axis order is always (z, y, x), matching the
// row-major layout in memory (x fastest) and the HDF5/Zarr/NumPy convention.
#include <cstdint>
#include <string>
#include <vector>

namespace cisterna {

struct Index3 {
    std::int64_t z = 0, y = 0, x = 0;
    bool operator==(const Index3& o) const { return z == o.z && y == o.y && x == o.x; }
    bool operator!=(const Index3& o) const { return !(*this == o); }
};

struct Shape3 {
    std::int64_t z = 0, y = 0, x = 0;
    std::int64_t voxelCount() const { return z * y * x; }
    bool isEmpty() const { return z <= 0 || y <= 0 || x <= 0; }
    bool contains(const Index3& i) const {
        return i.z >= 0 && i.y >= 0 && i.x >= 0 && i.z < z && i.y < y && i.x < x;
    }
    bool operator==(const Shape3& o) const { return z == o.z && y == o.y && x == o.x; }
    bool operator!=(const Shape3& o) const { return !(*this == o); }
};

// Physical spacing or position in nanometres.
struct Vec3d {
    double z = 0, y = 0, x = 0;
    bool operator==(const Vec3d& o) const { return z == o.z && y == o.y && x == o.x; }
    bool operator!=(const Vec3d& o) const { return !(*this == o); }
};

// A box of voxels: [begin, begin + size).
struct Box3 {
    Index3 begin;
    Shape3 size;
    Index3 end() const { return {begin.z + size.z, begin.y + size.y, begin.x + size.x}; }
    bool fitsIn(const Shape3& shape) const {
        return begin.z >= 0 && begin.y >= 0 && begin.x >= 0 && size.z >= 0 && size.y >= 0 &&
               size.x >= 0 && begin.z + size.z <= shape.z && begin.y + size.y <= shape.y &&
               begin.x + size.x <= shape.x;
    }
    bool operator==(const Box3& o) const { return begin == o.begin && size == o.size; }
};

// The intersection of two boxes; empty size when they do not meet.
Box3 intersect(const Box3& a, const Box3& b);

// The boxes of `block` that tile `shape`, z slowest (smaller at the far faces).
std::vector<Box3> blocksOf(const Shape3& shape, const Shape3& block);

std::string toString(const Shape3& s); // "64 x 128 x 128 (z, y, x)"
std::string toString(const Vec3d& v);  // "(40, 8, 8)"
std::string toString(const Box3& b);   // "z 0:10, y 5:20, x 0:64"

// Parses a crop written as "z0:z1,y0:y1,x0:x1" (empty bounds mean the full axis, as
// in NumPy slicing) against the shape it will crop. Throws InvalidArgument.
Box3 parseBox(const std::string& text, const Shape3& shape);

// The plane `index` across `axis` (0 = z, 1 = y, 2 = x, as Stroke::axis) of `shape`.
// Throws InvalidArgument for another axis or an index outside the shape.
Box3 planeBox(const Shape3& shape, int axis, std::int64_t index);

// Parses "z,y,x" or a single value for all three axes. Throws InvalidArgument.
Vec3d parseVec3d(const std::string& text);

} // namespace cisterna
