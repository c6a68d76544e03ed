#include "core/io/zarr/ContainerPath.h"

#include "core/util/Error.h"
#include "core/util/Text.h"

namespace fs = std::filesystem;

namespace cisterna::chunked {

std::vector<std::string> innerComponents(const VolumePath& path) {
    std::vector<std::string> parts;
    for (const std::string& part : split(path.inner, '/')) {
        if (part.empty())
            continue;
        if (part == "." || part == "..")
            throw FormatError(path.display(), "the array path inside the container may not "
                                              "contain \".\" or \"..\"");
        parts.push_back(part);
    }
    return parts;
}

std::string joinComponents(const std::vector<std::string>& parts, std::size_t from,
                           std::size_t to) {
    std::string s;
    for (std::size_t i = from; i < to; ++i)
        s += (s.empty() ? "" : "/") + parts[i];
    return s;
}

fs::path innerFolder(const VolumePath& path) {
    const auto parts = innerComponents(path);
    return parts.empty() ? path.file : path.file / joinComponents(parts, 0, parts.size());
}

void requireContainerFolder(const VolumePath& path, const std::string& formatName) {
    std::error_code ec;
    if (!fs::exists(path.file, ec))
        throw FormatError(path.display(), "no such folder");
    if (!fs::is_directory(path.file, ec))
        throw FormatError(path.display(), "is not a folder (a " + formatName +
                                              " container is a folder of metadata and chunks)");
}

bool createContainerFolder(const VolumePath& path) {
    std::error_code ec;
    if (fs::exists(path.file, ec))
        return false;
    const fs::path parent = path.file.parent_path();
    if (!parent.empty() && !fs::is_directory(parent, ec))
        throw FormatError(path.display(), "the folder " + parent.string() + " does not exist");
    fs::create_directory(path.file);
    return true;
}

void applySpatial(Volume& volume, const Spatial& spatial, const Box3& region) {
    if (spatial.hasVoxelSize)
        volume.setVoxelSize(spatial.voxelSize);
    const Vec3d& size = volume.voxelSize();
    volume.setOrigin({spatial.origin.z + region.begin.z * size.z,
                      spatial.origin.y + region.begin.y * size.y,
                      spatial.origin.x + region.begin.x * size.x});
}

std::string containerItemName(const VolumePath& path, const std::vector<std::string>& parts,
                              const std::vector<std::string>& extensions) {
    if (!parts.empty())
        return parts.back();
    fs::path file = path.file;
    if (file.filename().empty())
        file = file.parent_path();
    const std::string name = file.filename().string();
    const std::string lower = toLower(name);
    for (const std::string& ext : extensions)
        if (endsWith(lower, ext) && lower.size() > ext.size())
            return name.substr(0, name.size() - ext.size());
    return name;
}

} // namespace cisterna::chunked
