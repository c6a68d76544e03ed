#include "core/io/zarr/OmeZarr.h"

#include "core/util/Error.h"

namespace fs = std::filesystem;

namespace cisterna::zarr {
namespace {

using chunked::Json;

void parseAxes(const Json& axes, const fs::path& file, OmeImage& image) {
    if (!axes.is_array())
        throw FormatError(file.string(), "multiscales \"axes\" is not a list");
    for (const Json& axis : axes) {
        if (axis.is_string()) { // NGFF 0.3: names only, no units
            image.axisNames.push_back(axis.get<std::string>());
            image.nmPerUnit.push_back(std::nullopt);
            continue;
        }
        if (!axis.is_object() || !axis.contains("name") || !axis["name"].is_string())
            throw FormatError(file.string(),
                              "multiscales axis " + axis.dump() + " has no \"name\"");
        image.axisNames.push_back(axis["name"].get<std::string>());
        std::optional<double> factor;
        if (axis.contains("unit") && axis["unit"].is_string())
            factor = chunked::nanometresPerUnit(axis["unit"].get<std::string>());
        image.nmPerUnit.push_back(factor);
    }
}

// Applies a list of coordinateTransformations to scale and translation.
void applyTransforms(const Json& transforms, const fs::path& file, std::vector<double>& scale,
                     std::vector<double>& translation) {
    if (!transforms.is_array())
        throw FormatError(file.string(), "\"coordinateTransformations\" is not a list");
    for (const Json& t : transforms) {
        if (!t.is_object() || !t.contains("type") || !t["type"].is_string())
            throw FormatError(file.string(),
                              "coordinate transformation " + t.dump() + " has no \"type\"");
        const std::string type = t["type"].get<std::string>();
        if (type == "scale" && t.contains("scale")) {
            const auto s = chunked::readNumberList(t["scale"], "scale", file);
            if (scale.empty())
                scale = s;
            else if (s.size() == scale.size()) // a later, multiscale-wide scale
                for (std::size_t i = 0; i < s.size(); ++i) {
                    scale[i] *= s[i];
                    if (i < translation.size())
                        translation[i] *= s[i];
                }
            else
                throw FormatError(file.string(), "scale transformations of different lengths");
        } else if (type == "translation" && t.contains("translation")) {
            const auto s = chunked::readNumberList(t["translation"], "translation", file);
            if (translation.empty())
                translation = s;
            else if (s.size() == translation.size())
                for (std::size_t i = 0; i < s.size(); ++i)
                    translation[i] += s[i];
            else
                throw FormatError(file.string(),
                                  "translation transformations of different lengths");
        }
        // "identity" and transformations stored in files change nothing we can use.
    }
}

void checkLength(const std::vector<double>& values, std::size_t rank, const std::string& what,
                 const fs::path& file) {
    if (!values.empty() && values.size() != rank)
        throw FormatError(file.string(),
                          "multiscales " + what + " has " + std::to_string(values.size()) +
                              " values for an array of " + std::to_string(rank) + " dimensions");
}

} // namespace

std::optional<OmeImage> readOmeImage(const fs::path& groupDir) {
    const fs::path file = groupDir / ".zattrs";
    const auto attrs = chunked::readJsonFileIfPresent(file);
    if (!attrs || !attrs->contains("multiscales"))
        return std::nullopt;
    const Json& all = (*attrs)["multiscales"];
    if (!all.is_array() || all.empty() || !all[0].is_object())
        throw FormatError(file.string(), "\"multiscales\" is not a list of images");
    const Json& ms = all[0];
    OmeImage image;
    image.attributesFile = file;
    if (ms.contains("version") && ms["version"].is_string())
        image.version = ms["version"].get<std::string>();
    if (ms.contains("name") && ms["name"].is_string())
        image.name = ms["name"].get<std::string>();
    if (ms.contains("axes"))
        parseAxes(ms["axes"], file, image);
    const Json& datasets = chunked::requireField(ms, "datasets", file);
    if (!datasets.is_array() || datasets.empty())
        throw FormatError(file.string(), "multiscales \"datasets\" lists no levels");
    for (const Json& d : datasets) {
        OmeLevel level;
        level.path = chunked::readString(chunked::requireField(d, "path", file), "path", file);
        while (!level.path.empty() && level.path.back() == '/')
            level.path.pop_back();
        if (level.path.empty() || level.path.find("..") != std::string::npos ||
            level.path.front() == '/')
            throw FormatError(file.string(), "multiscales dataset path \"" + level.path +
                                                 "\" does not name an array inside the group");
        if (d.contains("coordinateTransformations"))
            applyTransforms(d["coordinateTransformations"], file, level.scale, level.translation);
        if (ms.contains("coordinateTransformations"))
            applyTransforms(ms["coordinateTransformations"], file, level.scale, level.translation);
        image.levels.push_back(std::move(level));
    }
    return image;
}

chunked::Spatial levelSpatial(const OmeImage& image, const OmeLevel& level, std::size_t rank) {
    const fs::path& file = image.attributesFile;
    if (!image.axisNames.empty() && image.axisNames.size() != rank)
        throw FormatError(file.string(), "multiscales names " +
                                             std::to_string(image.axisNames.size()) +
                                             " axes, but level \"" + level.path + "\" has " +
                                             std::to_string(rank) + " dimensions");
    checkLength(level.scale, rank, "scale of level \"" + level.path + "\"", file);
    checkLength(level.translation, rank, "translation of level \"" + level.path + "\"", file);
    // Only length units give physical sizes; without them the numbers mean pixels.
    const std::size_t spatialAxes = std::min<std::size_t>(3, rank);
    std::vector<double> factors(rank, 1.0);
    if (image.nmPerUnit.size() != rank)
        return {};
    for (std::size_t i = rank - spatialAxes; i < rank; ++i) {
        if (!image.nmPerUnit[i])
            return {};
        factors[i] = *image.nmPerUnit[i];
    }
    return chunked::spatialFromLists(level.scale, level.translation, factors, file,
                                     "the multiscales metadata of level \"" + level.path + "\"");
}

Json omeImageAttributes(const std::string& name, const chunked::Spatial& spatial) {
    return omePyramidAttributes(name, {spatial});
}

Json omePyramidAttributes(const std::string& name, const std::vector<chunked::Spatial>& levels) {
    Json axes = Json::array();
    for (const char* axis : {"z", "y", "x"}) {
        Json a = {{"name", axis}, {"type", "space"}};
        // Without a known voxel size the scale is in pixels: claim no unit.
        if (!levels.empty() && levels.front().hasVoxelSize)
            a["unit"] = "nanometer";
        axes.push_back(a);
    }
    Json datasets = Json::array();
    for (std::size_t i = 0; i < levels.size(); ++i) {
        const Json transforms = Json::array(
            {{{"type", "scale"}, {"scale", chunked::zyxList(levels[i].voxelSize)}},
             {{"type", "translation"}, {"translation", chunked::zyxList(levels[i].origin)}}});
        datasets.push_back(
            {{"path", std::to_string(i)}, {"coordinateTransformations", transforms}});
    }
    const Json image = {{"version", "0.4"}, {"name", name}, {"axes", axes}, {"datasets", datasets}};
    return {{"multiscales", Json::array({image})}};
}

Json plainArrayAttributes(const chunked::Spatial& spatial) {
    Json attrs = Json::object();
    if (spatial.hasVoxelSize)
        attrs["resolution"] = chunked::zyxList(spatial.voxelSize);
    if (spatial.hasVoxelSize || spatial.origin != Vec3d{0, 0, 0})
        attrs["offset"] = chunked::zyxList(spatial.origin);
    return attrs;
}

chunked::Spatial plainArraySpatial(const fs::path& arrayDir) {
    const fs::path file = arrayDir / ".zattrs";
    const auto attrs = chunked::readJsonFileIfPresent(file);
    if (!attrs)
        return {};
    if (attrs->contains("resolution") || attrs->contains("offset")) {
        std::vector<double> scale, offset;
        if (attrs->contains("resolution"))
            scale = chunked::readNumberList((*attrs)["resolution"], "resolution", file);
        if (attrs->contains("offset"))
            offset = chunked::readNumberList((*attrs)["offset"], "offset", file);
        return chunked::spatialFromLists(scale, offset, {}, file, "\"resolution\"/\"offset\"");
    }
    if (attrs->contains("transform") && (*attrs)["transform"].is_object()) {
        // COSEM / OpenOrganelle: {"axes", "scale", "translate", "units"}.
        const Json& t = (*attrs)["transform"];
        std::vector<double> scale, offset, factors;
        if (t.contains("scale"))
            scale = chunked::readNumberList(t["scale"], "transform.scale", file);
        if (t.contains("translate"))
            offset = chunked::readNumberList(t["translate"], "transform.translate", file);
        if (t.contains("units") && t["units"].is_array()) {
            for (const Json& u : t["units"]) {
                const auto f =
                    u.is_string() ? chunked::nanometresPerUnit(u.get<std::string>()) : std::nullopt;
                if (!f)
                    return {}; // sizes in an unknown unit are no voxel size
                factors.push_back(*f);
            }
        }
        return chunked::spatialFromLists(scale, offset, factors, file, "\"transform\"");
    }
    return {};
}

} // namespace cisterna::zarr
