#pragma once
// One organelle the user segments: how it is shown and its voxel layers. Each layer
// is a uint8 volume of the image's shape, allocated on first write so that an
// organelle nobody painted costs no memory:
//   strokes       0 none, 1 object, 2 background (the graph cut's input)
//   truth         0/1, the loose ground truth: graph-cut result plus manual edits
//   prediction    0..255, probability * 255 from a network
//   segmentation  0/1, the post-processed prediction
#include "core/volume/Volume.h"

#include <QColor>
#include <QString>
#include <QStringList>

#include <array>
#include <cstdint>

namespace cisterna::ui {

enum class Layer { Strokes = 0, Truth = 1, Prediction = 2, Segmentation = 3 };
constexpr int kLayerCount = 4;
const char* layerName(Layer layer);        // "strokes", "truth", "prediction", "segmentation"
Layer parseLayer(const std::string& name); // throws InvalidArgument

// Values of the strokes layer, the same as core's stroke volumes.
constexpr std::uint8_t kStrokeValueObject = 1;
constexpr std::uint8_t kStrokeValueBackground = 2;

struct Organelle {
    int uid = 0; // stable while the document lives; indices shift on removal
    QString name;
    QColor colour;
    bool visible = true;
    double opacity = 0.5;   // of its overlays in the slice views and its surfaces
    double threshold = 0.5; // probability above which the prediction counts
    std::array<Volume, kLayerCount> layers;
    std::array<std::uint64_t, kLayerCount> revisions{}; // DocumentModel::layerRevision
    QStringList modelPaths;   // model files trained or chosen for it, newest last
    QString predictionSource; // which model or file the prediction came from
    QString graphCutChoice;   // the energy the last graph cut used and how it was chosen

    const Volume& layer(Layer l) const { return layers[std::size_t(l)]; }
    Volume& layer(Layer l) { return layers[std::size_t(l)]; }
};

QColor defaultOrganelleColour(int index);
// Background strokes share one colour in every organelle: they mean "not this".
QColor backgroundStrokeColour();

} // namespace cisterna::ui
