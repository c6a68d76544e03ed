// NIfTI-1 through ITK (core/io/itk): one uncompressed .nii file.
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
         {Seed{"uint8", DataType::UInt8, "default"}, Seed{"uint16", DataType::UInt16, "default"},
          Seed{"float32", DataType::Float32, "default"}}) {
        const fs::path file = caseDir() / "seed.nii";
        WriteOptions options;
        options.compression = s.compression;
        writeVolume(file.string(), sampleVolume(s.type), options);
        writeSeed(dir, s.name, readFile(file));
    }
}

void fuzzOne(const std::string& input) {
    readVolumeChecked(materializeVolumeInput("nifti", input, caseDir()));
}

} // namespace cisterna::fuzz
