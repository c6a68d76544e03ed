#pragma once
// Internal: the LibTorch objects behind a Model.
#include "core/learning/ModelMetadata.h"
#include "core/learning/UNet.h"

namespace cisterna {

struct ModelState {
    ModelMetadata metadata;
    UNet net{nullptr}; // on the CPU except while a job runs
};

} // namespace cisterna
