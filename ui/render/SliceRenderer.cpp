#include "ui/render/SliceRenderer.h"

#include <algorithm>
#include <array>
#include <cmath>
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
    } else {
        for (std::int64_t c = 0; c < columns; ++c)
            out[c] = lut[std::size_t(in[c * cs])];
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
    Plane<std::uint8_t> strokes, truth, prediction, segmentation;
    bool hasStrokes, hasTruth, hasPrediction, hasSegmentation;
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
        for (std::int64_t row = 0; row < rows; ++row)
            greyRow(plane, row, columns, low, scale, lut,
                    reinterpret_cast<QRgb*>(out.scanLine(int(row))));
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
                        usable(o.strokes),
                        usable(o.truth),
                        usable(o.prediction),
                        usable(o.segmentation),
                        int(std::floor(std::clamp(o.threshold, 0.0, 1.0) * 255.0))};
        if (p.hasStrokes)
            p.strokes = planeOf<std::uint8_t>(o.strokes, g, r.slice);
        if (p.hasTruth)
            p.truth = planeOf<std::uint8_t>(o.truth, g, r.slice);
        if (p.hasPrediction)
            p.prediction = planeOf<std::uint8_t>(o.prediction, g, r.slice);
        if (p.hasSegmentation)
            p.segmentation = planeOf<std::uint8_t>(o.segmentation, g, r.slice);
        if (p.hasStrokes || p.hasTruth || p.hasPrediction || p.hasSegmentation)
            overlays.push_back(p);
    }
    for (const OverlayPlanes& p : overlays) {
        const QColor& colour = p.overlay->colour;
        const int alpha = int(std::clamp(p.overlay->opacity, 0.0, 1.0) * 256);
        const int strokeAlpha = std::max(alpha, 217); // strokes must stay visible
        const QColor strokeColour = colour.lighter(130);
        for (std::int64_t row = 0; row < rows; ++row) {
            auto* line = reinterpret_cast<QRgb*>(out.scanLine(int(row)));
            for (std::int64_t c = 0; c < columns; ++c) {
                QRgb px = line[c];
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
                if (p.hasTruth && p.truth.base[c * p.truth.columnStride + row * p.truth.rowStride])
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
    }
    return out;
}

} // namespace cisterna::ui
