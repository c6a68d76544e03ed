// OME-Zarr images (core/io/zarr/OmeZarr): the input is split at kPartSeparator into
// the group's .zgroup and .zattrs (the multiscales metadata), then level 0's .zarray,
// .zattrs and chunks (a 2 x 2 x 2 grid, both chunk-key separators), then level 1's
// .zarray and first chunk; an empty part leaves its file out.
#include "FuzzSupport.h"

#include "core/io/VolumeIO.h"

namespace fs = std::filesystem;

namespace cisterna::fuzz {

void writeSeeds(const fs::path& dir) {
    struct Seed {
        const char* name;
        DataType type;
        const char* compression;
        Shape3 shape;
    };
    for (const Seed& s : {Seed{"uint8-raw", DataType::UInt8, "raw", {3, 5, 7}},
                          Seed{"uint16-zlib", DataType::UInt16, "zlib", {3, 5, 7}},
                          Seed{"uint8-blosc-levels", DataType::UInt8, "blosc", {4, 6, 8}}}) {
        const fs::path root = caseDir() / "seed.ome.zarr";
        WriteOptions options;
        options.compression = s.compression;
        options.chunkShape = Shape3{2, 3, 4};
        writeVolume(root.string(), sampleVolume(s.type, s.shape), options);
        writeSeed(dir, s.name, gatherParts(root, omeZarrLayout()));
    }
}

void fuzzOne(const std::string& input) {
    readVolumeChecked(materializeVolumeInput("ome_zarr", input, caseDir()));
}

} // namespace cisterna::fuzz
