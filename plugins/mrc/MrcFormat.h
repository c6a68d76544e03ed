#pragma once
#include "core/io/VolumeFormat.h"

#include <memory>

namespace cisterna::mrc {

// MRC2014 / CCP4 maps: .mrc .map .rec .st .ali .mrcs
std::shared_ptr<VolumeFormat> makeMrcFormat();

} // namespace cisterna::mrc
