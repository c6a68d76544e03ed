#pragma once
// Reading and writing the small JSON files that describe Zarr and N5 arrays. Every
// problem (missing file, bad syntax, a field of the wrong kind) becomes a FormatError
// naming the file and the field, so callers never see a nlohmann exception.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cisterna::chunked {

using Json = nlohmann::json;

// Parses a JSON file. Metadata files are small: a file above a few MiB is refused
// before it is read, so a damaged or hostile folder cannot make us load gigabytes.
Json readJsonFile(const std::filesystem::path& file);
// nullopt when the file does not exist; errors as readJsonFile otherwise.
std::optional<Json> readJsonFileIfPresent(const std::filesystem::path& file);
void writeJsonFile(const std::filesystem::path& file, const Json& json);

// Field readers: `file` and `field` only serve the error message.
const Json& requireField(const Json& object, const std::string& field,
                         const std::filesystem::path& file);
// A list of whole numbers, each within [minimum, 2^62].
std::vector<std::int64_t> readExtentList(const Json& value, const std::string& field,
                                         std::int64_t minimum, const std::filesystem::path& file);
// A list of finite numbers.
std::vector<double> readNumberList(const Json& value, const std::string& field,
                                   const std::filesystem::path& file);
std::string readString(const Json& value, const std::string& field,
                       const std::filesystem::path& file);

// Nanometres per unit for the length units that EM metadata uses ("nanometer",
// "micrometer", "angstrom", "nm", "um", "µm", ...); nullopt for anything else.
std::optional<double> nanometresPerUnit(const std::string& unit);

} // namespace cisterna::chunked
