#pragma once
// The MRC2014 header (https://www.ccpem.ac.uk/mrc_format/mrc2014.php): 1024 bytes of
// 4-byte words, then an optional extended header of nsymbt bytes, then the voxels,
// columns fastest, then rows, then sections.
#include "core/io/VolumeFormat.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace cisterna::mrc {

constexpr std::size_t kHeaderBytes = 1024;
// IMOD marks its files with this number at byte 152 and flags at byte 156; flag bit
// 0 says that mode 0 bytes are signed.
constexpr std::int32_t kImodStamp = 1146047817;
constexpr std::int32_t kImodSignedBytes = 1;
constexpr std::int32_t kMrc2014Version = 20141;

// The header fields Cisterna reads or writes, in the file's order.
struct MrcHeader {
    std::int32_t nx = 0, ny = 0, nz = 0; // columns, rows, sections
    std::int32_t mode = 0;
    std::int32_t nxstart = 0, nystart = 0, nzstart = 0;
    std::int32_t mx = 0, my = 0, mz = 0; // sampling along X, Y, Z
    float cella[3] = {0, 0, 0};          // cell size along X, Y, Z in Ångström
    float cellb[3] = {90, 90, 90};
    std::int32_t mapc = 1, mapr = 2, maps = 3; // which of X, Y, Z are columns, rows, sections
    float dmin = 0, dmax = 0, dmean = 0;
    std::int32_t ispg = 1;
    std::int32_t nsymbt = 0; // bytes of extended header after the 1024
    char exttyp[4] = {0, 0, 0, 0};
    std::int32_t nversion = 0;
    std::int32_t imodStamp = 0, imodFlags = 0;
    float origin[3] = {0, 0, 0}; // X, Y, Z in Ångström
    char map[4] = {0, 0, 0, 0};  // "MAP "
    unsigned char machst[4] = {0, 0, 0, 0};
    float rms = 0;
    std::int32_t nlabl = 0;
    std::vector<std::string> labels;
};

MrcHeader decodeHeader(const unsigned char* bytes, bool bigEndian);
// Always little-endian, machst 0x44 0x44 0 0.
std::array<unsigned char, kHeaderBytes> encodeHeader(const MrcHeader& header);

// How the voxels of a valid header are stored, and what Cisterna makes of them.
enum class VoxelEncoding { UInt8, Int8, Int16, UInt16, Float32, Float16 };

struct MrcLayout {
    MrcHeader header;
    bool bigEndian = false;
    VoxelEncoding encoding = VoxelEncoding::UInt8;
    std::size_t bytesPerVoxel = 1;
    DataType dataType = DataType::UInt8; // what the reader returns
    std::uint64_t dataOffset = 0;        // 1024 + nsymbt
    // For the column, row and section axis of the file: which of our x, y, z
    // (0, 1, 2) it is. (0, 1, 2) for the usual mapc, mapr, maps = 1, 2, 3.
    std::array<int, 3> physicalAxisOf{0, 1, 2};
    VolumeInfo info;
};

// Reads and validates the header of `path` against the file's size: throws
// FormatError naming the problem before anything the size of the data exists.
MrcLayout readLayout(const VolumePath& path);

} // namespace cisterna::mrc
