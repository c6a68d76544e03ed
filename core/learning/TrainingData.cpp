#include "core/learning/TrainingData.h"

#include "core/learning/VolumeTensor.h"
#include "core/util/Error.h"

#include <cstdio>

namespace cisterna {
namespace {

void requireSameShape(const Volume& image, const Volume& other, const std::string& imageName,
                      const std::string& otherName) {
    if (!other.isNull() && other.shape() != image.shape())
        throw InvalidArgument("the " + otherName + " " + toString(other.shape()) +
                              " does not match the " + imageName + " " + toString(image.shape()));
}

torch::Tensor boxOf(const torch::Tensor& t, const Box3& b) {
    return t.narrow(0, b.begin.z, b.size.z)
        .narrow(1, b.begin.y, b.size.y)
        .narrow(2, b.begin.x, b.size.x);
}

std::string percent(double part, double whole) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2f %%", whole > 0 ? 100.0 * part / whole : 0.0);
    return buffer;
}

} // namespace

PreparedData prepareTrainingData(const TrainingData& data, const LabelSpec& labels,
                                 const Normalisation& normalisation, const std::string& organelle) {
    if (data.image.isNull() || data.image.shape().isEmpty())
        throw InvalidArgument("no training image");
    if (data.labels.isNull())
        throw InvalidArgument("no training labels");
    requireSameShape(data.image, data.labels, "image", "label volume");
    requireSameShape(data.image, data.mask, "image", "mask");

    PreparedData p;
    p.image = imageTensor(data.image, normalisation);
    p.target = targetTensor(data.labels, data.mask, labels);

    if (data.validationRegion) {
        const Box3& box = *data.validationRegion;
        if (!box.fitsIn(data.image.shape()) || box.size.isEmpty())
            throw InvalidArgument("the validation region " + toString(box) +
                                  " is not inside the training image " +
                                  toString(data.image.shape()));
        p.validationImage = boxOf(p.image, box).clone();
        p.validationTarget = boxOf(p.target, box).clone();
        // Held out: the training loss never sees these labels.
        boxOf(p.target, box).fill_(kIgnoreTarget);
    } else if (!data.validationImage.isNull()) {
        if (data.validationLabels.isNull())
            throw InvalidArgument("a validation image needs validation labels");
        requireSameShape(data.validationImage, data.validationLabels, "validation image",
                         "validation label volume");
        requireSameShape(data.validationImage, data.validationMask, "validation image",
                         "validation mask");
        p.validationImage = imageTensor(data.validationImage, normalisation);
        p.validationTarget = targetTensor(data.validationLabels, data.validationMask, labels);
    }

    const torch::Tensor counted = p.target != kIgnoreTarget;
    const double labelled = counted.sum().item<double>();
    const double foreground = (counted & (p.target > 0)).sum().item<double>();
    if (labelled == 0)
        throw InvalidArgument("no voxel of the training data is labelled (the mask, the "
                              "unlabelled value or the validation region cover everything)");
    if (foreground == 0)
        throw InvalidArgument("the labels contain no " + organelle +
                              " voxel where they count (inside the mask, outside the "
                              "validation region): there is nothing to learn");
    const double total = double(p.target.numel());
    p.summary = "image " + toString(data.image.shape()) + " " + toString(data.image.dataType()) +
                ", " + percent(labelled, total) + " labelled, " + organelle + " " +
                percent(foreground, labelled) + " of labelled voxels";
    if (p.validationImage.defined())
        p.summary += ", validation " + std::to_string(p.validationImage.size(0)) + " x " +
                     std::to_string(p.validationImage.size(1)) + " x " +
                     std::to_string(p.validationImage.size(2));
    if (!data.description.empty())
        p.summary += "; " + data.description;
    return p;
}

} // namespace cisterna
