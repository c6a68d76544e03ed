// Zarr version 2 arrays (core/io/zarr): the input is split at kPartSeparator into
// .zarray, .zattrs and the chunks of a 2 x 2 x 2 grid, each written under both
// chunk-key separators ("0.0.1" and "0/0/1"); an empty part leaves its file out.
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
         {Seed{"uint8-raw", DataType::UInt8, "raw"}, Seed{"uint16-zlib", DataType::UInt16, "zlib"},
          Seed{"float32-blosc", DataType::Float32, "blosc"},
          Seed{"uint16-gzip", DataType::UInt16, "gzip"}}) {
        const fs::path root = caseDir() / "seed.zarr";
        WriteOptions options;
        options.compression = s.compression;
        options.chunkShape = Shape3{2, 3, 4};
        writeVolume(root.string(), sampleVolume(s.type), options);
        writeSeed(dir, s.name, gatherParts(root, zarrLayout()));
    }
}

void fuzzOne(const std::string& input) {
    readVolumeChecked(materializeVolumeInput("zarr", input, caseDir()));
}

} // namespace cisterna::fuzz
