#include "FuzzInputs.h"

#include "core/util/Error.h"

#include <algorithm>
#include <fstream>
#include <iterator>

namespace fs = std::filesystem;

namespace cisterna::fuzz {

const std::string kPartSeparator = "\n--cisterna-part--\n";

namespace {

std::vector<std::string> alternatives(const std::string& name) {
    std::vector<std::string> names;
    std::size_t from = 0;
    for (std::size_t bar; (bar = name.find('|', from)) != std::string::npos; from = bar + 1)
        names.push_back(name.substr(from, bar - from));
    names.push_back(name.substr(from));
    return names;
}

// "0.0.0|0/0/0" ... for a grid of 2 x 2 x 2 chunks, prefixed with `folder`.
std::vector<std::string> chunkNames(const std::string& folder, bool slashOnly) {
    std::vector<std::string> names;
    for (int z = 0; z < 2; ++z)
        for (int y = 0; y < 2; ++y)
            for (int x = 0; x < 2; ++x) {
                const std::string key =
                    std::to_string(z) + "/" + std::to_string(y) + "/" + std::to_string(x);
                std::string dotted = key;
                std::replace(dotted.begin(), dotted.end(), '/', '.');
                names.push_back(slashOnly ? folder + key : folder + dotted + "|" + folder + key);
            }
    return names;
}

} // namespace

std::vector<std::string> splitParts(const std::string& input, std::size_t maxParts) {
    std::vector<std::string> parts;
    std::size_t from = 0;
    while (parts.size() + 1 < maxParts) {
        const std::size_t at = input.find(kPartSeparator, from);
        if (at == std::string::npos)
            break;
        parts.push_back(input.substr(from, at - from));
        from = at + kPartSeparator.size();
    }
    parts.push_back(input.substr(from));
    return parts;
}

std::string joinParts(const std::vector<std::string>& parts) {
    std::string joined;
    for (std::size_t i = 0; i < parts.size(); ++i)
        joined += (i ? kPartSeparator : std::string()) + parts[i];
    return joined;
}

void writeParts(const fs::path& root, const std::vector<std::string>& names,
                const std::string& input) {
    const auto parts = splitParts(input, names.size());
    for (std::size_t i = 0; i < parts.size(); ++i)
        if (!parts[i].empty())
            for (const auto& name : alternatives(names[i]))
                writeFile(root / name, parts[i]);
}

std::string gatherParts(const fs::path& root, const std::vector<std::string>& names) {
    std::vector<std::string> parts;
    for (const auto& name : names) {
        parts.emplace_back();
        for (const auto& alternative : alternatives(name))
            if (fs::is_regular_file(root / alternative)) {
                parts.back() = readFile(root / alternative);
                break;
            }
    }
    while (!parts.empty() && parts.back().empty())
        parts.pop_back();
    return joinParts(parts);
}

std::vector<std::string> zarrLayout() {
    std::vector<std::string> names{".zarray", ".zattrs"};
    for (const auto& chunk : chunkNames("", false))
        names.push_back(chunk);
    return names;
}

std::vector<std::string> omeZarrLayout() {
    std::vector<std::string> names{".zgroup", ".zattrs", "0/.zarray", "0/.zattrs"};
    for (const auto& chunk : chunkNames("0/", false))
        names.push_back(chunk);
    names.push_back("1/.zarray");
    names.push_back("1/0.0.0|1/0/0/0");
    return names;
}

std::vector<std::string> n5Layout() {
    std::vector<std::string> names{"attributes.json", "raw/attributes.json"};
    for (const auto& chunk : chunkNames("raw/", true))
        names.push_back(chunk);
    return names;
}

std::vector<std::string> pngSlicesLayout() {
    return {"z000.png", "z001.png", "z002.png"};
}

std::vector<std::string> volumeHarnesses() {
    return {"tiff", "png_slices", "hdf5", "zarr",      "ome_zarr",
            "n5",   "mrc",        "nrrd", "metaimage", "nifti"};
}

std::string materializeVolumeInput(const std::string& harness, const std::string& input,
                                   const fs::path& dir) {
    const auto single = [&](const char* extension) {
        const fs::path file = dir / (std::string("input") + extension);
        writeFile(file, input);
        return file.string();
    };
    const auto folder = [&](const char* name, const std::vector<std::string>& layout) {
        const fs::path root = dir / name;
        fs::create_directories(root);
        writeParts(root, layout, input);
        return root;
    };
    if (harness == "tiff")
        return single(".tif");
    if (harness == "hdf5")
        return single(".h5");
    if (harness == "mrc")
        return single(".mrc");
    if (harness == "nrrd")
        return single(".nrrd");
    if (harness == "metaimage")
        return single(".mha");
    if (harness == "nifti")
        return single(".nii");
    if (harness == "zarr")
        return folder("input.zarr", zarrLayout()).string();
    if (harness == "ome_zarr")
        return folder("input.ome.zarr", omeZarrLayout()).string();
    if (harness == "n5")
        return (folder("input.n5", n5Layout()) / "raw").string();
    if (harness == "png_slices")
        return folder("slices", pngSlicesLayout()).string() + "/";
    throw InvalidArgument("no volume fuzz harness named '" + harness + "'");
}

void writeFile(const fs::path& file, const std::string& bytes) {
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out)
        throw Error("could not write the scratch file " + file.string());
}

std::string readFile(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace cisterna::fuzz
