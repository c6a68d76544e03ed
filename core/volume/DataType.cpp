#include "core/volume/DataType.h"

#include "core/util/Text.h"

namespace cisterna {

std::size_t bytesPerVoxel(DataType type) {
    switch (type) {
    case DataType::UInt8:
        return 1;
    case DataType::UInt16:
        return 2;
    case DataType::Float32:
        return 4;
    }
    return 0;
}

const char* toString(DataType type) {
    switch (type) {
    case DataType::UInt8:
        return "uint8";
    case DataType::UInt16:
        return "uint16";
    case DataType::Float32:
        return "float32";
    }
    return "unknown";
}

std::optional<DataType> parseDataType(const std::string& name) {
    const std::string n = toLower(name);
    if (n == "uint8" || n == "u8")
        return DataType::UInt8;
    if (n == "uint16" || n == "u16")
        return DataType::UInt16;
    if (n == "float32" || n == "float" || n == "f32")
        return DataType::Float32;
    return std::nullopt;
}

bool isIntegerType(DataType type) {
    return type != DataType::Float32;
}

} // namespace cisterna
