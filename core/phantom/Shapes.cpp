#include "core/phantom/FloatDeterminism.h" // first: see there

#include "core/phantom/Shapes.h"

#include <algorithm>

namespace cisterna::phantom {

void perpendicularFrame(const Vec& axis, Vec& e1, Vec& e2) {
    // Cross with the coordinate axis least aligned with `axis` for a well-conditioned frame.
    const double az = std::fabs(axis.z), ay = std::fabs(axis.y), ax = std::fabs(axis.x);
    Vec helper{0, 0, 1};
    if (az <= ay && az <= ax)
        helper = {1, 0, 0};
    else if (ay <= ax)
        helper = {0, 1, 0};
    e1 = normalized(cross(axis, helper));
    e2 = cross(axis, e1);
}

double pointSegmentDistance(const Vec& p, const Vec& a, const Vec& b) {
    const Vec ab = b - a;
    const double len2 = dot(ab, ab);
    double t = len2 > 0 ? dot(p - a, ab) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    return length(p - (a + ab * t));
}

// Closest points of two segments (Ericson, Real-Time Collision Detection, 5.1.9).
double segmentSegmentDistance(const Vec& p0, const Vec& p1, const Vec& q0, const Vec& q1) {
    const Vec d1 = p1 - p0, d2 = q1 - q0, r = p0 - q0;
    const double a = dot(d1, d1), e = dot(d2, d2), f = dot(d2, r);
    const double eps = 1e-12;
    double s = 0, t = 0;
    if (a <= eps && e <= eps)
        return length(r);
    if (a <= eps) {
        t = std::clamp(f / e, 0.0, 1.0);
    } else {
        const double c = dot(d1, r);
        if (e <= eps) {
            s = std::clamp(-c / a, 0.0, 1.0);
        } else {
            const double b = dot(d1, d2);
            const double denom = a * e - b * b;
            s = denom > eps ? std::clamp((b * f - c * e) / denom, 0.0, 1.0) : 0.0;
            t = (b * s + f) / e;
            if (t < 0) {
                t = 0;
                s = std::clamp(-c / a, 0.0, 1.0);
            } else if (t > 1) {
                t = 1;
                s = std::clamp((b - c) / a, 0.0, 1.0);
            }
        }
    }
    return length((p0 + d1 * s) - (q0 + d2 * t));
}

SurfaceDistance capDistance(const SphericalCap& cap, const Vec& p) {
    const Vec v = p - cap.center;
    const double r = length(v);
    if (r < 1e-9)
        return {cap.radius, cap.axis * -1.0};
    const double along = dot(v, cap.axis);
    const double cosAngle = along / r;
    if (cosAngle >= cap.cosRim) {
        const Vec radial = v * (1.0 / r);
        return r >= cap.radius ? SurfaceDistance{r - cap.radius, radial}
                               : SurfaceDistance{cap.radius - r, radial * -1.0};
    }
    // Beyond the rim: the nearest point is on the rim circle, in p's meridian plane.
    const Vec lateral = v - cap.axis * along;
    const double lateralLength = length(lateral);
    const Vec side = lateralLength > 1e-9 ? lateral * (1.0 / lateralLength) : Vec{0, 0, 0};
    const Vec rimPoint = capPoint(cap, cap.cosRim, cap.sinRim, side, cap.radius);
    const Vec offset = p - rimPoint;
    const double distance = length(offset);
    return {distance, distance > 1e-9 ? offset * (1.0 / distance) : cap.axis};
}

} // namespace cisterna::phantom
