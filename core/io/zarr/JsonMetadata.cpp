#include "core/io/zarr/JsonMetadata.h"

#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"
#include "core/util/Text.h"

#include <cmath>

namespace fs = std::filesystem;

namespace cisterna::chunked {
namespace {

// Real metadata is kilobytes; OME-Zarr "omero" blocks can reach a few hundred.
constexpr std::uintmax_t kMaxMetadataBytes = std::uintmax_t(16) << 20;
constexpr std::int64_t kMaxExtent = std::int64_t(1) << 62;

std::string kindOf(const Json& value) {
    return value.type_name();
}

} // namespace

Json readJsonFile(const fs::path& file) {
    std::error_code ec;
    const auto status = fs::status(file, ec);
    if (ec || !fs::exists(status))
        throw FormatError(file.string(), "is missing");
    if (!fs::is_regular_file(status))
        throw FormatError(file.string(), "is not a regular file");
    const std::uintmax_t size = fs::file_size(file, ec);
    if (ec)
        throw FormatError(file.string(), "cannot be read: " + ec.message());
    if (size > kMaxMetadataBytes)
        throw FormatError(file.string(), "is " + humanBytes(size) +
                                             ", far too large for array metadata (limit " +
                                             humanBytes(kMaxMetadataBytes) + ")");
    const std::string text = readWholeFile(file);
    Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded())
        throw FormatError(file.string(), "is not valid JSON");
    if (!json.is_object())
        throw FormatError(file.string(), "holds JSON " + kindOf(json) + ", expected an object");
    return json;
}

std::optional<Json> readJsonFileIfPresent(const fs::path& file) {
    std::error_code ec;
    if (!fs::exists(file, ec))
        return std::nullopt;
    return readJsonFile(file);
}

void writeJsonFile(const fs::path& file, const Json& json) {
    writeFileAtomically(file, json.dump(4) + "\n");
}

const Json& requireField(const Json& object, const std::string& field, const fs::path& file) {
    if (!object.is_object())
        throw FormatError(file.string(), "expected a JSON object holding \"" + field + "\"");
    const auto it = object.find(field);
    if (it == object.end())
        throw FormatError(file.string(), "has no \"" + field + "\" field");
    return *it;
}

std::vector<std::int64_t> readExtentList(const Json& value, const std::string& field,
                                         std::int64_t minimum, const fs::path& file) {
    if (!value.is_array())
        throw FormatError(file.string(), "\"" + field + "\" is a JSON " + kindOf(value) +
                                             ", expected a list of whole numbers");
    std::vector<std::int64_t> result;
    for (const Json& item : value) {
        std::int64_t v = 0;
        if (item.is_number_unsigned()) {
            const auto u = item.get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(kMaxExtent))
                throw FormatError(file.string(),
                                  "\"" + field + "\" holds the absurd extent " + std::to_string(u));
            v = static_cast<std::int64_t>(u);
        } else if (item.is_number_integer()) {
            v = item.get<std::int64_t>();
        } else {
            throw FormatError(file.string(), "\"" + field + "\" holds " + item.dump() +
                                                 ", expected whole numbers");
        }
        if (v < minimum)
            throw FormatError(file.string(), "\"" + field + "\" holds " + std::to_string(v) +
                                                 ", but extents must be at least " +
                                                 std::to_string(minimum));
        if (v > kMaxExtent)
            throw FormatError(file.string(),
                              "\"" + field + "\" holds the absurd extent " + std::to_string(v));
        result.push_back(v);
    }
    return result;
}

std::vector<double> readNumberList(const Json& value, const std::string& field,
                                   const fs::path& file) {
    if (!value.is_array())
        throw FormatError(file.string(), "\"" + field + "\" is a JSON " + kindOf(value) +
                                             ", expected a list of numbers");
    std::vector<double> result;
    for (const Json& item : value) {
        if (!item.is_number())
            throw FormatError(file.string(),
                              "\"" + field + "\" holds " + item.dump() + ", expected numbers");
        const double v = item.get<double>();
        if (!std::isfinite(v))
            throw FormatError(file.string(), "\"" + field + "\" holds a non-finite number");
        result.push_back(v);
    }
    return result;
}

std::string readString(const Json& value, const std::string& field, const fs::path& file) {
    if (!value.is_string())
        throw FormatError(file.string(),
                          "\"" + field + "\" is a JSON " + kindOf(value) + ", expected a string");
    return value.get<std::string>();
}

std::optional<double> nanometresPerUnit(const std::string& unitText) {
    const std::string unit = toLower(unitText);
    if (unit == "nanometer" || unit == "nanometre" || unit == "nm")
        return 1.0;
    if (unit == "micrometer" || unit == "micrometre" || unit == "um" || unit == "\xc2\xb5m" ||
        unit == "micron" || unit == "microns")
        return 1000.0;
    if (unit == "angstrom" || unit == "\xc3\x85" || unit == "a")
        return 0.1;
    if (unit == "picometer" || unit == "pm")
        return 0.001;
    if (unit == "millimeter" || unit == "millimetre" || unit == "mm")
        return 1e6;
    if (unit == "centimeter" || unit == "cm")
        return 1e7;
    if (unit == "meter" || unit == "metre" || unit == "m")
        return 1e9;
    return std::nullopt;
}

} // namespace cisterna::chunked
