// HDF5 (core/io/hdf5): the input is one .h5 file; its only dataset is read.
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
        const fs::path file = caseDir() / "seed.h5";
        WriteOptions options;
        options.compression = s.compression;
        writeVolume(file.string(), sampleVolume(s.type), options);
        writeSeed(dir, s.name, readFile(file));
    }
}

void fuzzOne(const std::string& input) {
    readVolumeChecked(materializeVolumeInput("hdf5", input, caseDir()));
}

} // namespace cisterna::fuzz
