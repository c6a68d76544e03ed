#include "ui/render/SliceRenderer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <thread>
#include <vector>

namespace cisterna::ui {

namespace {

// A slice of a volume seen as a 2D array: element (column, row) is
// base[column * columnStride + row * rowStride].
template <class T> struct Plane {
    const T* base = nullptr;
    std::int64_t columnStride = 0, rowStride = 0;
    const T* row(std::int64_t r) const { return base + r * rowStride; }
};

template <class T> Plane<T> planeOf(const Volume& v, const SliceGeometry& g, std::int64_t slice) {
    const Strides3& s = v.strides();
    const T* base = static_cast<const T*>(v.data());
    switch (g.axis) {
    case ViewAxis::XY:
        return {base + slice * s.z, s.x, s.y};
    case ViewAxis::XZ:
        return {base + slice * s.y, s.x, s.z};
    case ViewAxis::YZ:
    default:
        return {base + slice * s.x, s.y, s.z};
    }
}

// Rows of XZ and YZ slices touch a new cache line per voxel: asking for the voxel a
// few columns ahead keeps several of those reads in flight instead of one.
// The address may lie past the slice: a prefetch never faults, and integer
// arithmetic keeps the pointer itself in bounds.
template <class T> inline void prefetchAhead(const Plane<T>& p, const T* rowStart, std::int64_t c) {
    constexpr std::int64_t ahead = 24;
    const auto address = reinterpret_cast<std::uintptr_t>(rowStart) +
                         std::uintptr_t((c + ahead) * p.columnStride * std::int64_t(sizeof(T)));
    __builtin_prefetch(reinterpret_cast<const void*>(address));
}

// Grey values of one row into ARGB pixels.
template <class T>
void greyRow(const Plane<T>& p, std::int64_t row, std::int64_t columns, const double low,
             const double scale, const std::vector<QRgb>& lut, QRgb* out) {
    const T* in = p.row(row);
    const std::int64_t cs = p.columnStride;
    if constexpr (std::is_same_v<T, float>) {
        for (std::int64_t c = 0; c < columns; ++c) {
            const double v = double(in[c * cs]);
            const int g = std::isfinite(v) ? int(std::clamp((v - low) * scale, 0.0, 255.0)) : 0;
            out[c] = qRgb(g, g, g);
        }
    } else if (cs == 1) {
        for (std::int64_t c = 0; c < columns; ++c)
            out[c] = lut[std::size_t(in[c])];
    } else {
        for (std::int64_t c = 0; c < columns; ++c) {
            prefetchAhead(p, in, c);
            out[c] = lut[std::size_t(in[c * cs])];
        }
    }
}

inline QRgb blend(QRgb under, const QColor& colour, int alpha256) {
    const int a = alpha256, b = 256 - alpha256;
    return qRgb((qRed(under) * b + colour.red() * a) >> 8,
                (qGreen(under) * b + colour.green() * a) >> 8,
                (qBlue(under) * b + colour.blue() * a) >> 8);
}

struct OverlayPlanes {
    const SliceOverlay* overlay;
    Plane<std::uint8_t> strokes, truth, prediction, segmentation, preview;
    bool hasStrokes, hasTruth, hasPrediction, hasSegmentation, hasPreview;
    int cut; // prediction values above this show
};

// Whether the mask (value > cut) at (c, r) borders a voxel outside it: the outline of
// the prediction, so it stays distinguishable from the filled truth.
inline bool onEdge(const Plane<std::uint8_t>& p, std::int64_t c, std::int64_t r,
                   std::int64_t columns, std::int64_t rows, int cut) {
    const auto inside = [&](std::int64_t cc, std::int64_t rr) {
        if (cc < 0 || rr < 0 || cc >= columns || rr >= rows)
            return false;
        return int(p.base[cc * p.columnStride + rr * p.rowStride]) > cut;
    };
    return !inside(c - 1, r) || !inside(c + 1, r) || !inside(c, r - 1) || !inside(c, r + 1);
}

// Rows are independent, so bands of them go to all cores. An XZ or YZ slice of a
// large volume reads one cache line per voxel and layer: it waits on memory, and
// more threads keep more reads in flight.
template <class F> void forRowBands(std::int64_t rows, const F& band) {
    const auto cores = std::int64_t(std::max(1u, std::thread::hardware_concurrency()));
    const std::int64_t bands =
        std::clamp<std::int64_t>(rows / 64, 1, std::min<std::int64_t>(cores, 16));
    std::vector<std::thread> helpers;
    const auto begin = [&](std::int64_t b) { return rows * b / bands; };
    for (std::int64_t b = 1; b < bands; ++b)
        helpers.emplace_back([&band, first = begin(b), last = begin(b + 1)] { band(first, last); });
    band(begin(0), begin(1));
    for (std::thread& t : helpers)
        t.join();
}

} // namespace

QImage renderSlice(const Volume& image, const SliceRenderRequest& r) {
    const SliceGeometry& g = r.geometry;
    const std::int64_t columns = g.columns(), rows = g.rows();
    QImage out(int(columns), int(rows), QImage::Format_RGB32);
    if (image.isNull() || columns <= 0 || rows <= 0 || r.slice < 0 || r.slice >= g.sliceCount())
        return out;
    const double width = r.windowWidth > 0 ? r.windowWidth : 1;
    const double low = r.windowLevel - width / 2;
    const double scale = 255.0 / width;
    // Worker threads write rows through these pointers: QImage::scanLine() may
    // detach, which is not thread-safe.
    uchar* const bits = out.bits();
    const qsizetype stride = out.bytesPerLine();
    const auto lineOf = [bits, stride](std::int64_t row) {
        return reinterpret_cast<QRgb*>(bits + row * stride);
    };

    dispatchDataType(image.dataType(), [&](auto tag) {
        using T = decltype(tag);
        std::vector<QRgb> lut;
        if constexpr (!std::is_same_v<T, float>) {
            lut.resize(std::size_t(1) << (8 * sizeof(T)));
            for (std::size_t v = 0; v < lut.size(); ++v) {
                const int grey = int(std::clamp((double(v) - low) * scale, 0.0, 255.0));
                lut[v] = qRgb(grey, grey, grey);
            }
        }
        const Plane<T> plane = planeOf<T>(image, g, r.slice);
        forRowBands(rows, [&](std::int64_t first, std::int64_t last) {
            for (std::int64_t row = first; row < last; ++row)
                greyRow(plane, row, columns, low, scale, lut, lineOf(row));
        });
    });

    std::vector<OverlayPlanes> overlays;
    for (const SliceOverlay& o : r.overlays) {
        const auto usable = [&](const Volume& v) {
            return !v.isNull() && v.dataType() == DataType::UInt8 && v.shape() == image.shape();
        };
        OverlayPlanes p{&o,
                        {},
                        {},
                        {},
                        {},
                        {},
                        usable(o.strokes),
                        usable(o.truth),
                        usable(o.prediction),
                        usable(o.segmentation),
                        false,
                        int(std::floor(std::clamp(o.threshold, 0.0, 1.0) * 255.0))};
        // The preview is the shown plane only: one voxel thick along the view's axis.
        Shape3 planeShape = image.shape();
        (g.axis == ViewAxis::XY   ? planeShape.z
         : g.axis == ViewAxis::XZ ? planeShape.y
                                  : planeShape.x) = 1;
        p.hasPreview = !o.preview.isNull() && o.preview.dataType() == DataType::UInt8 &&
                       o.preview.shape() == planeShape;
        if (p.hasPreview)
            p.preview = planeOf<std::uint8_t>(o.preview, g, 0);
        if (p.hasStrokes)
            p.strokes = planeOf<std::uint8_t>(o.strokes, g, r.slice);
        if (p.hasTruth)
            p.truth = planeOf<std::uint8_t>(o.truth, g, r.slice);
        if (p.hasPrediction)
            p.prediction = planeOf<std::uint8_t>(o.prediction, g, r.slice);
        if (p.hasSegmentation)
            p.segmentation = planeOf<std::uint8_t>(o.segmentation, g, r.slice);
        if (p.hasStrokes || p.hasTruth || p.hasPrediction || p.hasSegmentation || p.hasPreview)
            overlays.push_back(p);
    }
    for (const OverlayPlanes& p : overlays) {
        const QColor& colour = p.overlay->colour;
        const int alpha = int(std::clamp(p.overlay->opacity, 0.0, 1.0) * 256);
        const int strokeAlpha = std::max(alpha, 217); // strokes must stay visible
        const QColor strokeColour = colour.lighter(130);
        forRowBands(rows, [&](std::int64_t first, std::int64_t last) {
            for (std::int64_t row = first; row < last; ++row) {
                QRgb* line = lineOf(row);
                const bool strided = g.axis != ViewAxis::XY;
                for (std::int64_t c = 0; c < columns; ++c) {
                    if (strided) {
                        if (p.hasSegmentation) // it replaces the prediction below
                            prefetchAhead(p.segmentation, p.segmentation.row(row), c);
                        else if (p.hasPrediction)
                            prefetchAhead(p.prediction, p.prediction.row(row), c);
                        if (p.hasTruth)
                            prefetchAhead(p.truth, p.truth.row(row), c);
                        if (p.hasStrokes)
                            prefetchAhead(p.strokes, p.strokes.row(row), c);
                    }
                    QRgb px = line[c];
                    // The live preview under everything else: opacity up to 5/8 at P = 1.
                    if (p.hasPreview) {
                        const int pv =
                            p.preview.base[c * p.preview.columnStride + row * p.preview.rowStride];
                        px = blend(px, colour, (pv * 160) / 255);
                    }
                    // The post-processed segmentation replaces the raw thresholded map.
                    if (p.hasSegmentation) {
                        if (p.segmentation.base[c * p.segmentation.columnStride +
                                                row * p.segmentation.rowStride]) {
                            px = onEdge(p.segmentation, c, row, columns, rows, 0)
                                     ? blend(px, colour, 256)
                                     : blend(px, colour, alpha / 2);
                        }
                    } else if (p.hasPrediction) {
                        if (int(p.prediction.base[c * p.prediction.columnStride +
                                                  row * p.prediction.rowStride]) > p.cut) {
                            px = onEdge(p.prediction, c, row, columns, rows, p.cut)
                                     ? blend(px, colour, 256)
                                     : blend(px, colour, alpha / 2);
                        }
                    }
                    if (p.hasTruth &&
                        p.truth.base[c * p.truth.columnStride + row * p.truth.rowStride])
                        px = blend(px, colour, alpha);
                    if (p.hasStrokes) {
                        const std::uint8_t s =
                            p.strokes.base[c * p.strokes.columnStride + row * p.strokes.rowStride];
                        if (s == 1)
                            px = blend(px, strokeColour, strokeAlpha);
                        else if (s == 2)
                            px = blend(px, r.backgroundStroke, strokeAlpha);
                    }
                    line[c] = px;
                }
            }
        });
    }
    return out;
}

} // namespace cisterna::ui
