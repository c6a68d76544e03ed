// NRRD through ITK (core/io/itk): one attached-header .nrrd file.
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
         {Seed{"uint8-raw", DataType::UInt8, "raw"}, Seed{"uint16-gzip", DataType::UInt16, "gzip"},
          Seed{"float32-raw", DataType::Float32, "raw"}}) {
        const fs::path file = caseDir() / "seed.nrrd";
        WriteOptions options;
        options.compression = s.compression;
        writeVolume(file.string(), sampleVolume(s.type), options);
        writeSeed(dir, s.name, readFile(file));
    }
}

void fuzzOne(const std::string& input) {
    readVolumeChecked(materializeVolumeInput("nrrd", input, caseDir()));
}

} // namespace cisterna::fuzz
