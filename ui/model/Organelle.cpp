#include "ui/model/Organelle.h"

#include "core/util/Error.h"

namespace cisterna::ui {

const char* layerName(Layer layer) {
    switch (layer) {
    case Layer::Strokes:
        return "strokes";
    case Layer::Truth:
        return "truth";
    case Layer::Prediction:
        return "prediction";
    case Layer::Segmentation:
        return "segmentation";
    }
    return "?";
}

Layer parseLayer(const std::string& name) {
    for (int i = 0; i < kLayerCount; ++i)
        if (name == layerName(Layer(i)))
            return Layer(i);
    throw InvalidArgument("unknown layer '" + name +
                          "' (expected strokes, truth, prediction or segmentation)");
}

QColor defaultOrganelleColour(int index) {
    // Distinct from the grey image and from the background-stroke blue.
    static const QColor colours[] = {
        QColor(255, 140, 0), QColor(60, 220, 90),   QColor(255, 225, 40),  QColor(200, 90, 255),
        QColor(255, 70, 70), QColor(255, 120, 200), QColor(150, 255, 230), QColor(190, 160, 90),
    };
    const int n = int(sizeof(colours) / sizeof(colours[0]));
    return colours[((index % n) + n) % n];
}

QColor backgroundStrokeColour() {
    return QColor(40, 120, 255);
}

} // namespace cisterna::ui
