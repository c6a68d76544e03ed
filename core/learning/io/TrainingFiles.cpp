#include "core/learning/io/TrainingFiles.h"

#include "core/io/VolumeIO.h"
#include "core/util/Error.h"

namespace cisterna {
namespace {

Volume readRegion(const std::string& path, const std::string& crop) {
    ReadOptions options;
    if (!crop.empty())
        options.region = parseBox(crop, readVolumeInfo(path).shape);
    return readVolume(path, options);
}

} // namespace

TrainingData loadTrainingData(const TrainingFiles& files) {
    if (files.image.empty() || files.labels.empty())
        throw InvalidArgument("training needs an image and a label volume");
    TrainingData d;
    d.image = readRegion(files.image, files.crop);
    d.labels = readRegion(files.labels, files.crop);
    if (!files.mask.empty())
        d.mask = readRegion(files.mask, files.crop);
    d.description = "image " + files.image + ", labels " + files.labels;
    if (!files.mask.empty())
        d.description += ", mask " + files.mask;
    if (!files.crop.empty())
        d.description += ", crop " + files.crop;
    if (!files.validationRegion.empty()) {
        if (!files.validationImage.empty())
            throw InvalidArgument("give either a validation region or validation files, not both");
        // "auto" is resolved by the caller, which knows the network (TrainingSetup.h).
        if (files.validationRegion != "auto")
            d.validationRegion = parseBox(files.validationRegion, d.image.shape());
        d.description += ", validation region " + files.validationRegion;
    } else if (!files.validationImage.empty()) {
        if (files.validationLabels.empty())
            throw InvalidArgument("a validation image needs validation labels");
        d.validationImage = readVolume(files.validationImage);
        d.validationLabels = readVolume(files.validationLabels);
        if (!files.validationMask.empty())
            d.validationMask = readVolume(files.validationMask);
        d.description += ", validation " + files.validationImage;
    }
    return d;
}

} // namespace cisterna
