// Folders of PNG sections (core/io/tiff/SliceFolderFormat, PngSlices): the input is
// split at kPartSeparator into up to three PNG files, z000.png to z002.png; an empty
// part leaves its file out.
#include "FuzzSupport.h"

#include "core/io/VolumeIO.h"

#include <algorithm>

namespace fs = std::filesystem;

namespace cisterna::fuzz {

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
            if (parts.size() < pngSlicesLayout().size())
                parts.push_back(readFile(file));
        writeSeed(dir, toString(type), joinParts(parts));
    }
}

void fuzzOne(const std::string& input) {
    readVolumeChecked(materializeVolumeInput("png_slices", input, caseDir()));
}

} // namespace cisterna::fuzz
