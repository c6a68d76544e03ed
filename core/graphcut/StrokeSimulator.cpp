#include "core/graphcut/StrokeSimulator.h"

#include "core/util/Error.h"
#include "core/util/Text.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace cisterna {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// One row of the exact squared Euclidean distance transform (Felzenszwalb and
// Huttenlocher): f holds 0 at features and infinity elsewhere.
void distanceRow(std::vector<double>& f, std::int64_t n, std::vector<double>& out,
                 std::vector<std::int64_t>& v, std::vector<double>& z) {
    std::int64_t k = 0;
    v[0] = 0;
    z[0] = -kInfinity;
    z[1] = kInfinity;
    std::int64_t first = -1;
    for (std::int64_t q = 0; q < n; ++q)
        if (f[std::size_t(q)] < kInfinity) {
            first = q;
            break;
        }
    if (first < 0) {
        std::fill(out.begin(), out.begin() + n, kInfinity);
        return;
    }
    v[0] = first;
    for (std::int64_t q = first + 1; q < n; ++q) {
        if (!(f[std::size_t(q)] < kInfinity))
            continue;
        double s;
        while (true) { // z[0] is -infinity, so k never drops below 0
            const std::int64_t p = v[std::size_t(k)];
            s = ((f[std::size_t(q)] + double(q * q)) - (f[std::size_t(p)] + double(p * p))) /
                double(2 * q - 2 * p);
            if (s > z[std::size_t(k)])
                break;
            --k;
        }
        ++k;
        v[std::size_t(k)] = q;
        z[std::size_t(k)] = s;
        z[std::size_t(k) + 1] = kInfinity;
    }
    k = 0;
    for (std::int64_t q = 0; q < n; ++q) {
        while (z[std::size_t(k) + 1] < double(q))
            ++k;
        const double d = double(q - v[std::size_t(k)]);
        out[std::size_t(q)] = d * d + f[std::size_t(v[std::size_t(k)])];
    }
}

// Squared distance of every pixel of a u x v plane to the nearest feature pixel.
std::vector<double> squaredDistance(const std::vector<std::uint8_t>& feature, std::int64_t nu,
                                    std::int64_t nv) {
    std::vector<double> d(feature.size());
    const std::int64_t n = std::max(nu, nv);
    std::vector<double> f(std::size_t(n), 0.0), out(std::size_t(n), 0.0);
    std::vector<std::int64_t> v(std::size_t(n) + 1);
    std::vector<double> z(std::size_t(n) + 2);
    for (std::int64_t u = 0; u < nu; ++u) {
        for (std::int64_t x = 0; x < nv; ++x)
            f[std::size_t(x)] = feature[std::size_t(u * nv + x)] ? 0.0 : kInfinity;
        distanceRow(f, nv, out, v, z);
        for (std::int64_t x = 0; x < nv; ++x)
            d[std::size_t(u * nv + x)] = out[std::size_t(x)];
    }
    for (std::int64_t x = 0; x < nv; ++x) {
        for (std::int64_t u = 0; u < nu; ++u)
            f[std::size_t(u)] = d[std::size_t(u * nv + x)];
        distanceRow(f, nu, out, v, z);
        for (std::int64_t u = 0; u < nu; ++u)
            d[std::size_t(u * nv + x)] = out[std::size_t(u)];
    }
    return d;
}

struct PlaneImage {
    std::int64_t nu = 0, nv = 0;
    std::vector<std::uint8_t> object;
    std::vector<double> inside;  // distance to the nearest non-object pixel (or the edge)
    std::vector<double> outside; // distance to the nearest object pixel
    bool contains(std::int64_t u, std::int64_t v) const {
        return u >= 0 && v >= 0 && u < nu && v < nv;
    }
    std::size_t at(std::int64_t u, std::int64_t v) const { return std::size_t(u * nv + v); }
};

// The non-zero pixels of a volume on one plane.
std::vector<std::uint8_t> planeMask(const Volume& volume, const StrokePlane& plane,
                                    std::int64_t& nu, std::int64_t& nv) {
    const Shape3 s = volume.shape();
    nu = plane.axis == 0 ? s.y : s.z;
    nv = plane.axis == 2 ? s.y : s.x;
    std::vector<std::uint8_t> mask(std::size_t(nu * nv));
    dispatchDataType(volume.dataType(), [&](auto tag) {
        const auto t = volume.view<decltype(tag)>();
        for (std::int64_t u = 0; u < nu; ++u)
            for (std::int64_t v = 0; v < nv; ++v) {
                const Index3 i = plane.axis == 0   ? Index3{plane.slice, u, v}
                                 : plane.axis == 1 ? Index3{u, plane.slice, v}
                                                   : Index3{u, v, plane.slice};
                mask[std::size_t(u * nv + v)] = t(i) != 0;
            }
    });
    return mask;
}

PlaneImage planeFromMask(std::vector<std::uint8_t> mask, std::int64_t nu, std::int64_t nv) {
    PlaneImage p;
    p.nu = nu;
    p.nv = nv;
    p.object = std::move(mask);
    // Inside distances count the plane's edge as background: a stroke must not run
    // off the image. The plane is padded by one background pixel for that.
    const std::int64_t pu = p.nu + 2, pv = p.nv + 2;
    std::vector<std::uint8_t> background(std::size_t(pu * pv), 1);
    for (std::int64_t u = 0; u < p.nu; ++u)
        for (std::int64_t v = 0; v < p.nv; ++v)
            background[std::size_t((u + 1) * pv + v + 1)] = !p.object[p.at(u, v)];
    const std::vector<double> in2 = squaredDistance(background, pu, pv);
    const std::vector<double> out2 = squaredDistance(p.object, p.nu, p.nv);
    p.inside.resize(p.object.size());
    p.outside.resize(p.object.size());
    for (std::int64_t u = 0; u < p.nu; ++u)
        for (std::int64_t v = 0; v < p.nv; ++v) {
            p.inside[p.at(u, v)] = std::sqrt(in2[std::size_t((u + 1) * pv + v + 1)]);
            p.outside[p.at(u, v)] = std::sqrt(out2[p.at(u, v)]);
        }
    return p;
}

PlaneImage extractPlane(const Volume& truth, const StrokePlane& plane) {
    std::int64_t nu = 0, nv = 0;
    std::vector<std::uint8_t> mask = planeMask(truth, plane, nu, nv);
    return planeFromMask(std::move(mask), nu, nv);
}

// True when every pixel a segment of this radius paints in the plane satisfies `ok`.
template <class Ok>
bool segmentPaintsOnly(const PlaneImage& p, const std::array<double, 2>& a,
                       const std::array<double, 2>& b, double radius, Ok&& ok) {
    const double du = b[0] - a[0], dv = b[1] - a[1];
    const double len2 = du * du + dv * dv;
    const std::int64_t u0 = std::int64_t(std::floor(std::min(a[0], b[0]) - radius));
    const std::int64_t u1 = std::int64_t(std::ceil(std::max(a[0], b[0]) + radius));
    const std::int64_t v0 = std::int64_t(std::floor(std::min(a[1], b[1]) - radius));
    const std::int64_t v1 = std::int64_t(std::ceil(std::max(a[1], b[1]) + radius));
    for (std::int64_t u = u0; u <= u1; ++u)
        for (std::int64_t v = v0; v <= v1; ++v) {
            double t = len2 > 0 ? ((double(u) - a[0]) * du + (double(v) - a[1]) * dv) / len2 : 0;
            t = std::clamp(t, 0.0, 1.0);
            const double eu = a[0] + t * du - double(u), ev = a[1] + t * dv - double(v);
            if (eu * eu + ev * ev > radius * radius + 1e-9)
                continue;
            if (!p.contains(u, v))
                continue; // painting clips at the plane's edge
            if (!ok(p.at(u, v)))
                return false;
        }
    return true;
}

// 8-connected components of the object pixels.
std::vector<std::vector<std::size_t>> components(const PlaneImage& p) {
    std::vector<std::vector<std::size_t>> out;
    std::vector<std::uint8_t> seen(p.object.size(), 0);
    std::vector<std::size_t> stack;
    for (std::size_t start = 0; start < p.object.size(); ++start) {
        if (!p.object[start] || seen[start])
            continue;
        out.emplace_back();
        seen[start] = 1;
        stack.push_back(start);
        while (!stack.empty()) {
            const std::size_t i = stack.back();
            stack.pop_back();
            out.back().push_back(i);
            const std::int64_t u = std::int64_t(i) / p.nv, v = std::int64_t(i) % p.nv;
            for (int du = -1; du <= 1; ++du)
                for (int dv = -1; dv <= 1; ++dv) {
                    if (!p.contains(u + du, v + dv))
                        continue;
                    const std::size_t j = p.at(u + du, v + dv);
                    if (p.object[j] && !seen[j]) {
                        seen[j] = 1;
                        stack.push_back(j);
                    }
                }
        }
    }
    return out;
}

// Splits a polyline where a segment would paint outside what `ok` allows.
template <class Ok>
void emitPolyline(const PlaneImage& p, const std::vector<std::array<double, 2>>& points,
                  double radius, const StrokePlane& plane, std::uint8_t label, Ok&& ok,
                  std::vector<Stroke>& out) {
    std::vector<std::array<double, 2>> current;
    auto flush = [&] {
        if (!current.empty()) {
            out.push_back(Stroke{label, plane.axis, plane.slice, radius, current});
            current.clear();
        }
    };
    for (const auto& point : points) {
        if (current.empty()) {
            if (segmentPaintsOnly(p, point, point, radius, ok))
                current.push_back(point);
            continue;
        }
        if (segmentPaintsOnly(p, current.back(), point, radius, ok)) {
            current.push_back(point);
        } else {
            flush();
            if (segmentPaintsOnly(p, point, point, radius, ok))
                current.push_back(point);
        }
    }
    flush();
}

// One stroke along the long axis of each 8-connected component of `region`, as a
// person draws along an object: through the pixels where a brush of the full radius
// fits (depth(i) >= radius, depth being the largest radius allowed at pixel i), as a
// polyline split wherever it would paint a pixel `ok` forbids. Components too thin
// for the brush get a dot as wide as fits.
template <class Depth, class Ok>
void centreLineStrokes(const PlaneImage& region, Depth&& depth, Ok&& ok, const StrokePlane& plane,
                       const StrokeSimulation& sim, std::uint8_t label, std::vector<Stroke>& out) {
    const std::int64_t nv = region.nv;
    auto uOf = [&](std::size_t i) { return double(std::int64_t(i) / nv); };
    auto vOf = [&](std::size_t i) { return double(std::int64_t(i) % nv); };
    for (const auto& comp : components(region)) {
        if (std::int64_t(comp.size()) < sim.minObjectArea)
            continue;
        std::vector<std::size_t> core;
        std::size_t deepest = comp.front();
        for (std::size_t i : comp) {
            if (depth(i) >= sim.radius)
                core.push_back(i);
            if (depth(i) > depth(deepest))
                deepest = i;
        }
        if (core.empty()) {
            const double r = std::floor(depth(deepest));
            if (r >= 0)
                emitPolyline(region, {{uOf(deepest), vOf(deepest)}}, r, plane, label, ok, out);
            continue;
        }
        // The long axis of the brushable core, by principal components.
        double mu = 0, mv = 0;
        for (std::size_t i : core) {
            mu += uOf(i);
            mv += vOf(i);
        }
        mu /= double(core.size());
        mv /= double(core.size());
        double suu = 0, suv = 0, svv = 0;
        for (std::size_t i : core) {
            const double du = uOf(i) - mu, dv = vOf(i) - mv;
            suu += du * du;
            suv += du * dv;
            svv += dv * dv;
        }
        const double angle = 0.5 * std::atan2(2 * suv, suu - svv);
        const double eu = std::cos(angle), ev = std::sin(angle);
        // Along the axis, the deepest core pixel of each step: a centre line.
        const double step = std::max(2.0, 2.0 * sim.radius);
        std::vector<std::pair<std::int64_t, std::size_t>> bucket;
        for (std::size_t i : core) {
            const double t = (uOf(i) - mu) * eu + (vOf(i) - mv) * ev;
            bucket.emplace_back(std::int64_t(std::floor(t / step)), i);
        }
        std::sort(bucket.begin(), bucket.end(), [&](const auto& a, const auto& b) {
            if (a.first != b.first)
                return a.first < b.first;
            const double da = depth(a.second), db = depth(b.second);
            return da != db ? da > db : a.second < b.second;
        });
        std::vector<std::array<double, 2>> points;
        for (std::size_t k = 0; k < bucket.size(); ++k)
            if (k == 0 || bucket[k].first != bucket[k - 1].first)
                points.push_back({uOf(bucket[k].second), vOf(bucket[k].second)});
        emitPolyline(region, points, sim.radius, plane, label, ok, out);
    }
}

void objectStrokes(const PlaneImage& p, const StrokePlane& plane, const StrokeSimulation& sim,
                   std::vector<Stroke>& out) {
    const double clearance = 1.0 + sim.objectMargin; // inside distance of painted pixels
    auto ok = [&](std::size_t i) { return p.object[i] && p.inside[i] >= clearance - 1e-9; };
    auto depth = [&](std::size_t i) { return p.inside[i] - clearance; };
    centreLineStrokes(p, depth, ok, plane, sim, kStrokeObject, out);
}

void backgroundStrokes(const PlaneImage& p, const StrokePlane& plane, const StrokeSimulation& sim,
                       std::mt19937_64& rng, std::vector<Stroke>& out) {
    const double clearance = 1.0 + sim.backgroundMargin;
    auto ok = [&](std::size_t i) { return !p.object[i] && p.outside[i] >= clearance - 1e-9; };
    std::vector<std::size_t> core;
    for (std::size_t i = 0; i < p.object.size(); ++i)
        if (!p.object[i] && p.outside[i] >= sim.radius + clearance + 1.0)
            core.push_back(i);
    if (core.empty())
        return;
    const int wanted = sim.backgroundStrokesPerPlane > 0 ? sim.backgroundStrokesPerPlane
                                                         : std::max(4, int(p.nu * p.nv / 2000));
    const double minLength = std::max(4.0 * sim.radius, 0.2 * double(std::min(p.nu, p.nv)));
    // Walking in half-pixel steps, one pixel of slack keeps the brush clear.
    auto inCore = [&](double u, double v) {
        const std::int64_t iu = std::int64_t(std::lround(u)), iv = std::int64_t(std::lround(v));
        return p.contains(iu, iv) && !p.object[p.at(iu, iv)] &&
               p.outside[p.at(iu, iv)] >= sim.radius + clearance + 1.0;
    };
    // Starts are spread over a grid of cells, in random order, so that the lines
    // sample every part of the background as a careful annotator's would.
    const std::int64_t cells =
        std::max<std::int64_t>(1, std::int64_t(std::ceil(std::sqrt(double(wanted)))));
    std::vector<std::vector<std::size_t>> byCell(std::size_t(cells * cells));
    for (std::size_t i : core) {
        const std::int64_t cu = std::int64_t(i) / p.nv * cells / p.nu;
        const std::int64_t cv = std::int64_t(i) % p.nv * cells / p.nv;
        byCell[std::size_t(cu * cells + cv)].push_back(i);
    }
    std::vector<std::size_t> order;
    for (std::size_t c = 0; c < byCell.size(); ++c)
        if (!byCell[c].empty())
            order.push_back(c);
    for (std::size_t k = order.size(); k > 1; --k)
        std::swap(order[k - 1], order[std::size_t(rng() % k)]);
    int made = 0;
    for (int attempt = 0; attempt < 30 * wanted && made < wanted; ++attempt) {
        const auto& cell = byCell[order[std::size_t(attempt) % order.size()]];
        const std::size_t start = cell[std::size_t(rng() % cell.size())];
        const double angle = double(rng() >> 11) * 0x1.0p-53 * 2 * 3.14159265358979323846;
        const double eu = std::cos(angle), ev = std::sin(angle);
        const double u0 = double(std::int64_t(start) / p.nv),
                     v0 = double(std::int64_t(start) % p.nv);
        double forward = 0, backward = 0;
        while (inCore(u0 + (forward + 0.5) * eu, v0 + (forward + 0.5) * ev))
            forward += 0.5;
        while (inCore(u0 - (backward + 0.5) * eu, v0 - (backward + 0.5) * ev))
            backward += 0.5;
        if (forward + backward < minLength)
            continue;
        const std::array<double, 2> a{u0 - backward * eu, v0 - backward * ev};
        const std::array<double, 2> b{u0 + forward * eu, v0 + forward * ev};
        if (!segmentPaintsOnly(p, a, b, sim.radius, ok))
            continue;
        out.push_back(Stroke{kStrokeBackground, plane.axis, plane.slice, sim.radius, {a, b}});
        ++made;
    }
}

} // namespace

std::vector<StrokePlane> evenlySpacedPlanes(const Shape3& shape, int axis, int count) {
    if (axis < 0 || axis > 2)
        throw InvalidArgument("axis must be 0 (z), 1 (y) or 2 (x)");
    if (count < 1)
        throw InvalidArgument("at least one plane is needed");
    const std::int64_t depth = axis == 0 ? shape.z : axis == 1 ? shape.y : shape.x;
    std::vector<StrokePlane> planes;
    for (int i = 0; i < count; ++i) {
        const std::int64_t slice = std::min<std::int64_t>(depth - 1, depth * (i + 1) / (count + 1));
        if (planes.empty() || planes.back().slice != slice)
            planes.push_back({axis, slice});
    }
    return planes;
}

std::vector<StrokePlane> orthogonalPlanes(const Shape3& shape) {
    return {{0, shape.z / 2}, {1, shape.y / 2}, {2, shape.x / 2}};
}

std::vector<StrokePlane> parsePlanes(const std::string& text, const Shape3& shape) {
    std::vector<StrokePlane> planes;
    std::size_t at = 0;
    while (at <= text.size()) {
        const std::size_t comma = std::min(text.find(',', at), text.size());
        const std::string item = text.substr(at, comma - at);
        const std::size_t colon = item.find(':');
        if (colon == std::string::npos)
            throw InvalidArgument("plane '" + item + "' is not axis:slice, e.g. z:40");
        StrokePlane plane;
        plane.axis = parseAxis(item.substr(0, colon));
        try {
            std::size_t used = 0;
            plane.slice = std::stoll(item.substr(colon + 1), &used);
            if (used != item.size() - colon - 1)
                throw std::invalid_argument("trailing text");
        } catch (const std::exception&) {
            throw InvalidArgument("plane '" + item + "' has no integer slice");
        }
        const std::int64_t depth = plane.axis == 0 ? shape.z : plane.axis == 1 ? shape.y : shape.x;
        if (plane.slice < 0 || plane.slice >= depth)
            throw InvalidArgument("plane '" + item + "' lies outside the volume (" +
                                  toString(shape) + ")");
        planes.push_back(plane);
        at = comma + 1;
    }
    return planes;
}

void checkSimulation(const Volume& truth, const StrokeSimulation& sim) {
    if (truth.isNull() || truth.shape().isEmpty())
        throw InvalidArgument("stroke simulation needs a non-empty ground truth");
    if (!(sim.radius >= 0) || sim.radius > 1000 || !(sim.objectMargin >= 0) ||
        !(sim.backgroundMargin >= 0))
        throw InvalidArgument("stroke radius and margins must be >= 0");
    if (sim.planes.empty())
        throw InvalidArgument("stroke simulation needs at least one plane");
    for (const StrokePlane& plane : sim.planes) {
        if (plane.axis < 0 || plane.axis > 2)
            throw InvalidArgument("plane axis must be 0 (z), 1 (y) or 2 (x)");
        const std::int64_t depth = plane.axis == 0   ? truth.shape().z
                                   : plane.axis == 1 ? truth.shape().y
                                                     : truth.shape().x;
        if (plane.slice < 0 || plane.slice >= depth)
            throw InvalidArgument(std::string("plane ") + axisName(plane.axis) + ":" +
                                  std::to_string(plane.slice) + " lies outside the volume (" +
                                  toString(truth.shape()) + ")");
    }
}

StrokeList simulateStrokes(const Volume& truth, const StrokeSimulation& sim) {
    checkSimulation(truth, sim);
    StrokeList list;
    list.shape = truth.shape();
    for (std::size_t k = 0; k < sim.planes.size(); ++k) {
        const StrokePlane& plane = sim.planes[k];
        const PlaneImage p = extractPlane(truth, plane);
        objectStrokes(p, plane, sim, list.strokes);
        std::mt19937_64 rng(sim.seed * 0x9E3779B97F4A7C15ull + k);
        backgroundStrokes(p, plane, sim, rng, list.strokes);
    }
    return list;
}

StrokeList correctiveStrokes(const Volume& truth, const Volume& prediction,
                             const StrokeSimulation& sim) {
    checkSimulation(truth, sim);
    if (prediction.shape() != truth.shape())
        throw InvalidArgument("the prediction (" + toString(prediction.shape()) +
                              ") and the ground truth (" + toString(truth.shape()) +
                              ") differ in shape");
    StrokeList list;
    list.shape = truth.shape();
    for (const StrokePlane& plane : sim.planes) {
        const PlaneImage t = extractPlane(truth, plane);
        std::int64_t nu = 0, nv = 0;
        const std::vector<std::uint8_t> predicted = planeMask(prediction, plane, nu, nv);
        std::vector<std::uint8_t> falsePositive(predicted.size()), falseNegative(predicted.size());
        for (std::size_t i = 0; i < predicted.size(); ++i) {
            falsePositive[i] = predicted[i] && !t.object[i];
            falseNegative[i] = !predicted[i] && t.object[i];
        }
        // Background strokes over wrongly included regions, clear of true objects.
        const PlaneImage fp = planeFromMask(std::move(falsePositive), nu, nv);
        const double bgClear = 1.0 + sim.backgroundMargin;
        centreLineStrokes(
            fp, [&](std::size_t i) { return std::min(fp.inside[i] - 1.0, t.outside[i] - bgClear); },
            [&](std::size_t i) { return !t.object[i] && t.outside[i] >= bgClear - 1e-9; }, plane,
            sim, kStrokeBackground, list.strokes);
        // Object strokes over missed object regions, clear of the true boundary.
        const PlaneImage fn = planeFromMask(std::move(falseNegative), nu, nv);
        const double objClear = 1.0 + sim.objectMargin;
        centreLineStrokes(
            fn, [&](std::size_t i) { return std::min(fn.inside[i] - 1.0, t.inside[i] - objClear); },
            [&](std::size_t i) { return t.object[i] && t.inside[i] >= objClear - 1e-9; }, plane,
            sim, kStrokeObject, list.strokes);
    }
    return list;
}

} // namespace cisterna
