// Folders of PNG sections (core/io/tiff/SliceFolderFormat, PngSlices): the input is
// split at kPartSeparator into up to three PNG files, z000.png to z002.png; an empty
// part leaves its file out.
#include "FuzzSupport.h"

#include "core/io/VolumeIO.h"

#include <algorithm>

namespace fs = std::filesystem;

namespace cisterna::fuzz {
namespace {

const std::vector<std::string> kNames{"z000.png", "z001.png", "z002.png"};

} // namespace

void writeSeeds(const fs::path& dir) {
    for (DataType type : {DataType::UInt8, DataType::UInt16}) {
        const fs::path folder = caseDir() / "seed";
        WriteOptions options;
        options.sliceExtension = ".png";
        writeVolume(folder.string() + "/", sampleVolume(type), options);
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(folder))
            if (entry.path().extension() == ".png")
                files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        std::vector<std::string> parts;
        for (const auto& file : files)
            if (parts.size() < kNames.size())
                parts.push_back(readFile(file));
        writeSeed(dir, toString(type), joinParts(parts));
    }
}

void fuzzOne(const std::string& input) {
    const fs::path folder = caseDir() / "slices";
    fs::create_directories(folder);
    writeParts(folder, kNames, input);
    readVolumeChecked(folder.string() + "/");
}

} // namespace cisterna::fuzz
