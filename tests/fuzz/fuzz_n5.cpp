// N5 datasets (core/io/zarr/N5Dataset): the input is split at kPartSeparator into the
// container's attributes.json, the dataset's attributes.json and the blocks of a
// 2 x 2 x 2 grid ("raw/0/0/1", ...); an empty part leaves its file out.
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
          Seed{"float32-blosc", DataType::Float32, "blosc"}}) {
        const fs::path root = caseDir() / "seed.n5";
        WriteOptions options;
        options.compression = s.compression;
        options.chunkShape = Shape3{2, 3, 4};
        writeVolume((root / "raw").string(), sampleVolume(s.type), options);
        writeSeed(dir, s.name, gatherParts(root, n5Layout()));
    }
}

void fuzzOne(const std::string& input) {
    readVolumeChecked(materializeVolumeInput("n5", input, caseDir()));
}

} // namespace cisterna::fuzz
