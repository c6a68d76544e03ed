// Multi-page TIFF stacks (core/io/tiff): the input is one .tif file.
#include "FuzzSupport.h"

#include "core/io/VolumeIO.h"

namespace fs = std::filesystem;

namespace cisterna::fuzz {

void writeSeeds(const fs::path& dir) {
    struct Seed {
        const char* name;
        DataType type;
        const char* compression;
    };
    for (const Seed& s :
         {Seed{"uint8-raw", DataType::UInt8, "raw"}, Seed{"uint16-lzw", DataType::UInt16, "lzw"},
          Seed{"float32-zlib", DataType::Float32, "zlib"}}) {
        const fs::path file = caseDir() / "seed.tif";
        WriteOptions options;
        options.compression = s.compression;
        writeVolume(file.string(), sampleVolume(s.type), options);
        writeSeed(dir, s.name, readFile(file));
    }
}

void fuzzOne(const std::string& input) {
    readVolumeChecked(materializeVolumeInput("tiff", input, caseDir()));
}

} // namespace cisterna::fuzz
