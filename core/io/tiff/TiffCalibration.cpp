#include "core/io/tiff/TiffCalibration.h"

#include "core/util/Text.h"

#include <charconv>
#include <cmath>
#include <map>

namespace cisterna {
namespace {

const char* const kVoxelSizeKey = "cisterna.voxel_size_nm";
const char* const kOriginKey = "cisterna.origin_nm";

std::map<std::string, std::string> imageJKeys(const std::string& description) {
    std::map<std::string, std::string> keys;
    for (std::string line : split(description, '\n')) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        const auto eq = line.find('=');
        if (eq != std::string::npos && eq > 0)
            keys[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return keys;
}

// from_chars / to_chars: independent of the C locale, which a Qt application sets
// to the user's (where 0.5 may be written "0,5").
std::optional<double> parseNumber(const std::string& text) {
    std::size_t begin = 0;
    while (begin < text.size() && text[begin] == ' ')
        ++begin;
    double v = 0;
    const char* last = text.data() + text.size();
    const auto result = std::from_chars(text.data() + begin, last, v);
    if (result.ec != std::errc() || !std::isfinite(v))
        return std::nullopt;
    for (const char* p = result.ptr; p < last; ++p)
        if (*p != ' ' && *p != '\r')
            return std::nullopt;
    return v;
}

std::optional<double> parsePositive(const std::string& text) {
    const auto v = parseNumber(text);
    if (!v || *v <= 0)
        return std::nullopt;
    return v;
}

std::string formatNumber(double v) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
    return std::string(buffer, result.ptr);
}

std::string formatTriple(const Vec3d& v) {
    return formatNumber(v.z) + "," + formatNumber(v.y) + "," + formatNumber(v.x);
}

bool isPositive(const Vec3d& v) {
    return std::isfinite(v.z) && std::isfinite(v.y) && std::isfinite(v.x) && v.z > 0 && v.y > 0 &&
           v.x > 0;
}

std::optional<Vec3d> parseTriple(const std::string& text) {
    const auto parts = split(text, ',');
    if (parts.size() != 3)
        return std::nullopt;
    const auto z = parseNumber(parts[0]), y = parseNumber(parts[1]), x = parseNumber(parts[2]);
    if (!z || !y || !x)
        return std::nullopt;
    return Vec3d{*z, *y, *x};
}

TiffCalibration fromImageJ(const std::string& description, double xRes, double yRes) {
    TiffCalibration c;
    c.source = "ImageJ description";
    const auto keys = imageJKeys(description);
    if (auto it = keys.find("channels"); it != keys.end())
        c.channels = static_cast<std::int64_t>(parsePositive(it->second).value_or(1));
    if (auto it = keys.find("frames"); it != keys.end())
        c.timePoints = static_cast<std::int64_t>(parsePositive(it->second).value_or(1));
    // Our own exact keys win when present; ImageJ drops them when it re-saves, so
    // they never contradict a calibration edited in Fiji.
    if (auto it = keys.find(kVoxelSizeKey); it != keys.end())
        if (auto v = parseTriple(it->second); v && isPositive(*v))
            c.voxelSize = v;
    if (auto it = keys.find(kOriginKey); it != keys.end())
        if (auto v = parseTriple(it->second))
            c.origin = v;
    if (c.voxelSize)
        return c;
    const auto unit = keys.find("unit");
    if (unit == keys.end())
        return c;
    const auto nm = nanometresPerUnit(unit->second);
    if (!nm)
        return c;
    // ImageJ's defaults: one unit per pixel when a resolution is missing, and a
    // slice spacing of one unit.
    const double x = xRes > 0 ? 1.0 / xRes : 1.0;
    const double y = yRes > 0 ? 1.0 / yRes : x;
    double z = 1.0;
    if (auto it = keys.find("spacing"); it != keys.end())
        z = parsePositive(it->second).value_or(1.0);
    const Vec3d size{z * *nm, y * *nm, x * *nm};
    if (isPositive(size))
        c.voxelSize = size;
    return c;
}

// The value of attribute `name` in the first element that has it.
std::optional<std::string> xmlAttribute(const std::string& xml, const std::string& name) {
    const std::string needle = " " + name + "=\"";
    const auto begin = xml.find(needle);
    if (begin == std::string::npos)
        return std::nullopt;
    const auto start = begin + needle.size();
    const auto end = xml.find('"', start);
    if (end == std::string::npos)
        return std::nullopt;
    return xml.substr(start, end - start);
}

TiffCalibration fromOme(const std::string& xml) {
    TiffCalibration c;
    c.source = "OME-XML";
    c.channels = static_cast<std::int64_t>(
        parsePositive(xmlAttribute(xml, "SizeC").value_or("1")).value_or(1));
    c.timePoints = static_cast<std::int64_t>(
        parsePositive(xmlAttribute(xml, "SizeT").value_or("1")).value_or(1));
    double size[3] = {0, 0, 0};
    const char* axes[3] = {"Z", "Y", "X"};
    for (int i = 0; i < 3; ++i) {
        const std::string key = std::string("PhysicalSize") + axes[i];
        const auto value = xmlAttribute(xml, key);
        if (!value)
            continue;
        const auto unit = xmlAttribute(xml, key + "Unit").value_or("µm"); // the OME default
        const auto nm = nanometresPerUnit(unit);
        const auto v = parsePositive(*value);
        if (nm && v)
            size[i] = *v * *nm;
    }
    if (size[1] > 0 && size[2] > 0)
        c.voxelSize = Vec3d{size[0] > 0 ? size[0] : size[2], size[1], size[2]};
    return c;
}

} // namespace

std::optional<double> nanometresPerUnit(const std::string& unitText) {
    std::string unit = toLower(unitText);
    while (!unit.empty() && (unit.back() == ' ' || unit.back() == '\r'))
        unit.pop_back();
    if (unit == "nm" || unit == "nanometer" || unit == "nanometers" || unit == "nanometre" ||
        unit == "nanometres")
        return 1.0;
    // µ as UTF-8 micro sign, Latin-1, Greek mu, or ImageJ's escaped form.
    if (unit == "micron" || unit == "microns" || unit == "um" || unit == "\xc2\xb5m" ||
        unit == "\xb5m" || unit == "\xce\xbcm" || unit == "\\u00b5m" || unit == "micrometer" ||
        unit == "micrometers" || unit == "micrometre" || unit == "micrometres")
        return 1000.0;
    if (unit == "mm" || unit == "millimeter" || unit == "millimeters" || unit == "millimetre")
        return 1e6;
    if (unit == "cm" || unit == "centimeter" || unit == "centimetre")
        return 1e7;
    if (unit == "a" || unit == "\xc3\x85" || unit == "\xc5" || unit == "angstrom" ||
        unit == "\xe2\x84\xab")
        return 0.1;
    if (unit == "pm" || unit == "picometer")
        return 0.001;
    return std::nullopt;
}

TiffCalibration parseTiffCalibration(const std::string& description, double xResolution,
                                     double yResolution) {
    if (description.rfind("ImageJ=", 0) == 0 ||
        description.find("\n" + std::string(kVoxelSizeKey) + "=") != std::string::npos)
        return fromImageJ(description, xResolution, yResolution);
    if (description.find("<OME") != std::string::npos)
        return fromOme(description);
    // Resolution tags alone are a print size (72 dpi) far more often than a
    // physical pixel size, so they are not taken as one.
    return {};
}

std::string imageJDescription(std::int64_t pages, const std::optional<Vec3d>& voxelSize,
                              const Vec3d& origin) {
    std::string d = "ImageJ=1.11a\n";
    if (pages > 1)
        d += "images=" + std::to_string(pages) + "\nslices=" + std::to_string(pages) + "\n";
    if (voxelSize)
        d += "unit=nm\nspacing=" + formatNumber(voxelSize->z) + "\n";
    if (pages > 1)
        d += "loop=false\n";
    if (voxelSize)
        d += std::string(kVoxelSizeKey) + "=" + formatTriple(*voxelSize) + "\n";
    if (origin != Vec3d{0, 0, 0})
        d += std::string(kOriginKey) + "=" + formatTriple(origin) + "\n";
    return d;
}

} // namespace cisterna
