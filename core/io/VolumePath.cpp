#include "core/io/VolumePath.h"

#include "core/util/Text.h"

namespace fs = std::filesystem;

namespace cisterna {
namespace {

const char* const containerExtensions[] = {".h5", ".hdf5", ".hdf", ".he5", ".zarr", ".n5"};

bool isContainerExtension(const std::string& ext) {
    for (const char* c : containerExtensions)
        if (ext == c)
            return true;
    return false;
}

std::string trimSlashes(std::string s) {
    while (!s.empty() && s.front() == '/')
        s.erase(s.begin());
    while (!s.empty() && s.back() == '/')
        s.pop_back();
    return s;
}

} // namespace

std::string volumeExtension(const fs::path& file) {
    fs::path p = file;
    if (p.filename().empty())
        p = p.parent_path(); // "out.zarr/"
    const std::string name = toLower(p.filename().string());
    for (const char* compound : {".ome.zarr", ".ome.tif", ".ome.tiff", ".nii.gz"})
        if (endsWith(name, compound) && name.size() > std::string(compound).size())
            return compound;
    const auto dot = name.rfind('.');
    if (dot == std::string::npos || dot == 0)
        return {};
    return name.substr(dot);
}

std::string VolumePath::extension() const {
    return volumeExtension(file);
}

VolumePath parseVolumePath(const std::string& text) {
    VolumePath result;
    result.original = text;
    // "file.h5:/inner": a colon right after a container extension.
    const auto colon = text.find(':');
    if (colon != std::string::npos && colon > 0) {
        const std::string head = text.substr(0, colon);
        if (isContainerExtension(volumeExtension(head))) {
            result.file = head;
            result.inner = trimSlashes(text.substr(colon + 1));
            return result;
        }
    }
    // "container.ext/inner/path": split after the first container component.
    const fs::path p(text);
    fs::path head;
    fs::path tail;
    bool split = false;
    for (const auto& component : p) {
        if (!split) {
            head /= component;
            const std::string ext = volumeExtension(component);
            if (isContainerExtension(ext) || ext == ".ome.zarr")
                split = true;
        } else {
            tail /= component;
        }
    }
    if (split) {
        result.file = head;
        result.inner = trimSlashes(tail.generic_string());
    } else {
        result.file = p;
    }
    return result;
}

} // namespace cisterna
