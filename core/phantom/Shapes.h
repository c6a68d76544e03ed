#pragma once
// Points, vectors and the distance functions the phantom's organelles are built from.
// All coordinates are nanometres in (z, y, x) order, measured from the corner of the
// volume, so that a scene does not depend on how it is sampled.
#include <cmath>

namespace cisterna::phantom {

struct Vec {
    double z = 0, y = 0, x = 0;
};

inline Vec operator+(const Vec& a, const Vec& b) {
    return {a.z + b.z, a.y + b.y, a.x + b.x};
}
inline Vec operator-(const Vec& a, const Vec& b) {
    return {a.z - b.z, a.y - b.y, a.x - b.x};
}
inline Vec operator*(const Vec& a, double s) {
    return {a.z * s, a.y * s, a.x * s};
}
inline double dot(const Vec& a, const Vec& b) {
    return a.z * b.z + a.y * b.y + a.x * b.x;
}
inline double length(const Vec& a) {
    return std::sqrt(dot(a, a));
}
inline Vec cross(const Vec& a, const Vec& b) {
    return {a.y * b.x - a.x * b.y, a.x * b.z - a.z * b.x, a.z * b.y - a.y * b.z};
}
inline Vec normalized(const Vec& a) {
    return a * (1.0 / length(a));
}

// Half the width of a voxel seen along a unit direction: the box filter that the
// voxel applies across a membrane with this normal (variance-matched, so that
// membranes parallel to a coarse 30 nm axis are smeared out rather than missed).
inline double halfFootprint(const Vec& unitNormal, const Vec& voxelSize) {
    const double z = unitNormal.z * voxelSize.z, y = unitNormal.y * voxelSize.y,
                 x = unitNormal.x * voxelSize.x;
    return 0.5 * std::sqrt(z * z + y * y + x * x);
}

// Two unit vectors completing `axis` (unit) to a right-handed orthonormal frame.
void perpendicularFrame(const Vec& axis, Vec& e1, Vec& e2);

// Distance from p to the segment [a, b].
double pointSegmentDistance(const Vec& p, const Vec& a, const Vec& b);

// Shortest distance between segments [p0, p1] and [q0, q1] (either may be a point).
double segmentSegmentDistance(const Vec& p0, const Vec& p1, const Vec& q0, const Vec& q1);

// A thin curved sheet: the part of the sphere |p - center| = radius within the angle
// rimAngle of `axis` (unit, from the centre of curvature towards the sheet), i.e. a
// cap with a rounded rim once thickened. Golgi cisternae and ER sheets are these.
struct SphericalCap {
    Vec center;
    Vec axis;
    double radius = 0;
    double cosRim = 1, sinRim = 0;
};

struct SurfaceDistance {
    double distance = 0; // unsigned, to the mid-surface
    Vec normal;          // unit, from the surface towards the point
};

SurfaceDistance capDistance(const SphericalCap& cap, const Vec& p);

// The point of the cap's sphere at polar angle (cos, sin) from the axis and at unit
// azimuth direction `side` (perpendicular to the axis).
inline Vec capPoint(const SphericalCap& cap, double cosAngle, double sinAngle, const Vec& side,
                    double radius) {
    return cap.center + (cap.axis * cosAngle + side * sinAngle) * radius;
}

} // namespace cisterna::phantom
