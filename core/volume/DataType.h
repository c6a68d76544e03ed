#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace cisterna {

// Voxel types Cisterna stores. Grey images use any of them; label volumes use the
// integer ones (0 = background).
enum class DataType : std::uint8_t { UInt8, UInt16, Float32 };

std::size_t bytesPerVoxel(DataType type);
const char* toString(DataType type); // "uint8", "uint16", "float32"
std::optional<DataType> parseDataType(const std::string& name);
bool isIntegerType(DataType type);

template <class T> struct DataTypeOf;
template <> struct DataTypeOf<std::uint8_t> { static constexpr DataType value = DataType::UInt8; };
template <> struct DataTypeOf<std::uint16_t> {
    static constexpr DataType value = DataType::UInt16;
};
template <> struct DataTypeOf<float> { static constexpr DataType value = DataType::Float32; };
template <class T> constexpr DataType dataTypeOf() {
    return DataTypeOf<T>::value;
}

// Calls f(T{}) with T the C++ type of `type`, so one generic lambda serves all types.
template <class F> decltype(auto) dispatchDataType(DataType type, F&& f) {
    switch (type) {
    case DataType::UInt8:
        return f(std::uint8_t{});
    case DataType::UInt16:
        return f(std::uint16_t{});
    case DataType::Float32:
    default:
        return f(float{});
    }
}

} // namespace cisterna
