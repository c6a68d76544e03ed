#pragma once
#include "core/util/Error.h"

namespace cisterna {

template <class T> VolumeView<T> Volume::view() {
    if (dataTypeOf<T>() != type_)
        throw InvalidArgument(std::string("a ") + toString(type_) + " volume was accessed as " +
                              toString(dataTypeOf<T>()));
    return VolumeView<T>(reinterpret_cast<T*>(base_), shape_, strides_);
}

template <class T> VolumeView<const T> Volume::view() const {
    if (dataTypeOf<T>() != type_)
        throw InvalidArgument(std::string("a ") + toString(type_) + " volume was accessed as " +
                              toString(dataTypeOf<T>()));
    return VolumeView<const T>(reinterpret_cast<const T*>(base_), shape_, strides_);
}

} // namespace cisterna
