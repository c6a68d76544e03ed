#pragma once
// Where the voxel bytes of a NRRD, MetaImage or NIfTI file live and how they are
// encoded, read from the header text with a few lines of our own parsing: ITK does
// not expose it, and we need it to compare the header's promise with the file size
// BEFORE anything is allocated (a header is text anyone can edit; ITK would
// otherwise allocate whatever it says).
#include "core/io/VolumePath.h"
#include "core/io/itk/ItkImageIO.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cisterna::itkio {

enum class DataEncoding {
    Raw,     // bytes as in memory
    Deflate, // gzip / zlib: at most kMaxDeflateRatio times smaller than the voxels
    Text,    // ASCII numbers: at least one character per voxel
    Hex,     // two characters per byte
    Unknown, // bzip2, several data files, ...: only the memory budget protects us
};

struct DataLayout {
    std::filesystem::path dataFile; // the header file itself when the data is attached
    std::uint64_t offset = 0;       // first data byte (a lower bound when not exact)
    DataEncoding encoding = DataEncoding::Unknown;
    std::string compression; // "raw", "gzip", "zlib", ... for VolumeInfo
    // A MetaImage whose voxels are spread over several files ("LIST" or a numbered
    // pattern): every file, in order, each holding an equal share of the voxels
    // encoded as `pieceEncoding`. MetaIO skips a file it cannot open and leaves its
    // voxels as they were, so each one is checked before ITK reads them.
    std::vector<std::filesystem::path> pieces;
    DataEncoding pieceEncoding = DataEncoding::Unknown;
};

DataLayout findDataLayout(const VolumePath& path, const ItkFileKind& kind);

// Before ITK's MetaIO reads a MetaImage header: throws FormatError when NDims or
// ElementNumberOfChannels is not a small whole number (MetaIO casts atof to int and
// loops over it, so a long run of digits hangs it).
void rejectHostileMetaImageHeader(const VolumePath& path);

// Throws FormatError when the data file (or any of the layout's pieces, each its
// share) cannot hold `dataBytes` bytes of voxels (`voxelCount` voxels) as `layout`
// stores them. `claim` says what the header
// announces, e.g. "4 x 3 x 2 (z, y, x) voxels of float".
void checkDataFitsInFile(const VolumePath& path, const DataLayout& layout, std::uint64_t dataBytes,
                         std::uint64_t voxelCount, const std::string& claim);

// Throws FormatError when gzip/zlib-compressed voxels (a NRRD with "encoding: gzip",
// attached or in a detached .raw.gz; a MetaImage with "CompressedData = True")
// decompress to fewer than `dataBytes` bytes, naming the file and both sizes, or when
// zlib finds the stream damaged (its check value included). ITK 5.2's MetaImage
// reader hands back a buffer whose end was never filled, so a truncated download
// would read as a volume with invented voxels; its NRRD reader refuses, in less clear
// words. The data is decompressed once for this, streamed in 1 MiB pieces, to the end
// of the stream. Does nothing for other encodings.
void rejectShortDeflateData(const VolumePath& path, const DataLayout& layout,
                            std::uint64_t dataBytes);

} // namespace cisterna::itkio
