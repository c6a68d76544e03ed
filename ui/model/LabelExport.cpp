#include "ui/model/LabelExport.h"

#include "core/io/VolumeIO.h"
#include "core/util/Error.h"

#include <cmath>

namespace cisterna::ui {

Volume organelleMask(const DocumentModel& document, int organelle, ExportSource source) {
    const Organelle& o = document.organelle(organelle);
    Layer layer = Layer::Truth;
    switch (source) {
    case ExportSource::Truth:
        layer = Layer::Truth;
        break;
    case ExportSource::Prediction:
        layer = Layer::Prediction;
        break;
    case ExportSource::Segmentation:
        layer = Layer::Segmentation;
        break;
    case ExportSource::Best:
        layer = !o.layer(Layer::Segmentation).isNull() ? Layer::Segmentation
                : !o.layer(Layer::Prediction).isNull() ? Layer::Prediction
                                                       : Layer::Truth;
        break;
    }
    const Volume& v = o.layer(layer);
    if (v.isNull())
        return {};
    Volume mask = Volume::allocate(DataType::UInt8, v.shape(), VolumeRole::Label, "mask");
    const Volume in = v.contiguous();
    const auto* src = static_cast<const std::uint8_t*>(in.data());
    auto* dst = static_cast<std::uint8_t*>(mask.data());
    // Probabilities count above the organelle's threshold, like the overlay shows.
    const int cut = layer == Layer::Prediction ? int(std::floor(o.threshold * 255.0)) : 0;
    for (std::int64_t i = 0, n = in.voxelCount(); i < n; ++i)
        dst[i] = src[i] > cut;
    if (document.hasVoxelSize())
        mask.setVoxelSize(document.voxelSize());
    mask.setOrigin(document.image().origin());
    return mask;
}

Volume multiLabelVolume(const DocumentModel& document, ExportSource source) {
    const DataType type = document.organelleCount() > 255 ? DataType::UInt16 : DataType::UInt8;
    Volume labels = Volume::allocate(type, document.shape(), VolumeRole::Label, "labels");
    bool any = false;
    for (int i = 0; i < document.organelleCount(); ++i) {
        const Volume mask = organelleMask(document, i, source);
        if (mask.isNull())
            continue;
        any = true;
        const auto* m = static_cast<const std::uint8_t*>(mask.data());
        dispatchDataType(type, [&](auto tag) {
            using T = decltype(tag);
            if constexpr (!std::is_same_v<T, float>) {
                T* out = static_cast<T*>(labels.data());
                for (std::int64_t k = 0, n = mask.voxelCount(); k < n; ++k)
                    if (m[k])
                        out[k] = T(i + 1);
            }
        });
    }
    if (!any)
        throw InvalidArgument("No organelle has labels to export yet.");
    if (document.hasVoxelSize())
        labels.setVoxelSize(document.voxelSize());
    labels.setOrigin(document.image().origin());
    return labels;
}

void exportLabelVolume(const QString& path, const Volume& labels) {
    writeVolume(path.toStdString(), labels);
}

} // namespace cisterna::ui
