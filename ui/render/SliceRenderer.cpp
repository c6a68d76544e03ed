#include "ui/render/SliceRenderer.h"

#include <algorithm>
#include <cmath>

namespace cisterna::ui {

QColor labelColour(int label) {
    static const QColor colours[] = {
        QColor(0, 0, 0),      QColor(255, 140, 0), QColor(0, 200, 255), QColor(80, 230, 80),
        QColor(200, 80, 255), QColor(255, 60, 60), QColor(255, 230, 0), QColor(0, 120, 255),
    };
    if (label <= 0)
        return colours[0];
    return colours[1 + (label - 1) % 7];
}

QImage renderSlice(const Volume& image, const Volume* labels, const SliceRenderRequest& r) {
    const auto& g = r.geometry;
    QImage out(int(g.columns()), int(g.rows()), QImage::Format_RGB32);
    const double low = r.windowLevel - r.windowWidth / 2;
    const double scale = 255.0 / r.windowWidth;
    const double alpha = std::clamp(r.labelOpacity, 0.0, 1.0);
    dispatchDataType(image.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const auto v = image.view<T>();
        for (std::int64_t row = 0; row < g.rows(); ++row) {
            auto* line = reinterpret_cast<QRgb*>(out.scanLine(int(row)));
            for (std::int64_t col = 0; col < g.columns(); ++col) {
                const Index3 voxel = g.voxelAt(r.slice, col, row);
                const double grey = std::clamp((double(v(voxel)) - low) * scale, 0.0, 255.0);
                double red = grey, green = grey, blue = grey;
                if (labels && !labels->isNull()) {
                    const int label = int(labels->valueAt(voxel));
                    if (label > 0) {
                        const QColor c = labelColour(label);
                        red = (1 - alpha) * red + alpha * c.red();
                        green = (1 - alpha) * green + alpha * c.green();
                        blue = (1 - alpha) * blue + alpha * c.blue();
                    }
                }
                line[col] = qRgb(int(red), int(green), int(blue));
            }
        }
    });
    return out;
}

} // namespace cisterna::ui
