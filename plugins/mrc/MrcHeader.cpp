#include "plugins/mrc/MrcHeader.h"

#include "plugins/mrc/MrcBytes.h"

#include "core/util/Error.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace fs = std::filesystem;

namespace cisterna::mrc {
namespace {

constexpr std::size_t kLabelCount = 10;
constexpr std::size_t kLabelBytes = 80;

// Byte offsets of the header words (MRC2014 table, 0-based).
enum Offset : std::size_t {
    kNx = 0,
    kMode = 12,
    kNxStart = 16,
    kMx = 28,
    kCella = 40,
    kCellb = 52,
    kMapc = 64,
    kDmin = 76,
    kIspg = 88,
    kNsymbt = 92,
    kExttyp = 104,
    kNversion = 108,
    kImodStampAt = 152,
    kImodFlagsAt = 156,
    kOrigin = 196,
    kMap = 208,
    kMachst = 212,
    kRms = 216,
    kNlabl = 220,
    kLabels = 224,
};

bool isKnownMode(std::int32_t mode) {
    return mode == 0 || mode == 1 || mode == 2 || mode == 3 || mode == 4 || mode == 6 ||
           mode == 12 || mode == 101;
}

// machst says the byte order: 0x44 0x44 (or 0x44 0x41) little, 0x11 0x11 big. Old
// files leave it zero; then the order in which the mode is a known one wins.
bool isBigEndian(const unsigned char* bytes) {
    const unsigned char stamp = bytes[kMachst];
    if (stamp == 0x44)
        return false;
    if (stamp == 0x11)
        return true;
    if (isKnownMode(loadScalar<std::int32_t>(bytes + kMode, false)))
        return false;
    return isKnownMode(loadScalar<std::int32_t>(bytes + kMode, true));
}

std::string bytesText(std::uint64_t bytes) {
    return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

// MRC keeps lengths as float32 Ångström. Voxel sizes (cella / mx) come back rounded
// to 6 significant digits, which float32 holds for certain, so 8 nm stays 8 nm.
double roundToSixDigits(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.5e", value);
    return std::strtod(text, nullptr);
}

// An origin in float32 Å to nm: the shortest decimal of the float with its exponent
// moved by one, so 1234.5 Å becomes exactly 123.45 nm. NaN or infinity: 0.
double angstromToNanometres(float angstrom) {
    if (angstrom == 0.0f || !std::isfinite(angstrom))
        return 0.0;
    char text[32];
    for (int digits = 1; digits <= 9; ++digits) {
        std::snprintf(text, sizeof text, "%.*e", digits - 1, static_cast<double>(angstrom));
        if (std::strtof(text, nullptr) == angstrom)
            break;
    }
    std::string shifted(text);
    const auto e = shifted.find('e');
    const int exponent = std::atoi(shifted.c_str() + e + 1) - 1;
    shifted = shifted.substr(0, e) + "e" + std::to_string(exponent);
    return std::strtod(shifted.c_str(), nullptr);
}

struct ModeChoice {
    VoxelEncoding encoding;
    std::size_t bytes;
    DataType dataType;
    std::string description;
};

// Mode 0 is signed in MRC2014 but almost every EM program writes unsigned bytes.
// IMOD says which in its flags; without IMOD's stamp a negative dmin (with dmax not
// below it, which would mean "not computed") is the writer telling us the bytes are
// signed. Signed bytes become float32 so that the values stay what they were.
bool modeZeroIsSigned(const MrcHeader& h) {
    if (h.imodStamp == kImodStamp)
        return (h.imodFlags & kImodSignedBytes) != 0;
    return h.dmin < 0 && h.dmax >= h.dmin;
}

ModeChoice chooseMode(const VolumePath& path, const MrcHeader& h) {
    switch (h.mode) {
    case 0:
        if (modeZeroIsSigned(h))
            return {VoxelEncoding::Int8, 1, DataType::Float32,
                    "mode 0, signed 8-bit, converted to float32"};
        return {VoxelEncoding::UInt8, 1, DataType::UInt8, "mode 0, unsigned 8-bit"};
    case 1:
        // Always float32, which holds every int16 exactly, so the type does not
        // depend on the data and info() needs no pass over the voxels.
        return {VoxelEncoding::Int16, 2, DataType::Float32,
                "mode 1, signed 16-bit, converted to float32"};
    case 2:
        return {VoxelEncoding::Float32, 4, DataType::Float32, "mode 2, 32-bit float"};
    case 6:
        return {VoxelEncoding::UInt16, 2, DataType::UInt16, "mode 6, unsigned 16-bit"};
    case 12:
        return {VoxelEncoding::Float16, 2, DataType::Float32,
                "mode 12, 16-bit float, converted to float32"};
    case 3:
        throw FormatError(path.display(), "MRC mode 3 (complex 16-bit integers) is not supported");
    case 4:
        throw FormatError(path.display(), "MRC mode 4 (complex 32-bit floats) is not supported");
    case 101:
        throw FormatError(path.display(), "MRC mode 101 (packed 4-bit) is not supported");
    default:
        throw FormatError(path.display(), "unknown MRC mode " + std::to_string(h.mode) +
                                              " (supported: 0, 1, 2, 6, 12)");
    }
}

std::array<int, 3> axisMapping(const VolumePath& path, const MrcHeader& h) {
    const std::int32_t map[3] = {h.mapc, h.mapr, h.maps};
    bool seen[3] = {false, false, false};
    std::array<int, 3> axes{};
    for (int i = 0; i < 3; ++i) {
        if (map[i] < 1 || map[i] > 3 || seen[map[i] - 1])
            throw FormatError(path.display(),
                              "the axis order mapc, mapr, maps = " + std::to_string(h.mapc) + ", " +
                                  std::to_string(h.mapr) + ", " + std::to_string(h.maps) +
                                  " is not an order of the axes 1, 2, 3");
        seen[map[i] - 1] = true;
        axes[i] = map[i] - 1;
    }
    return axes;
}

} // namespace

MrcHeader decodeHeader(const unsigned char* b, bool bigEndian) {
    auto i32 = [&](std::size_t at) { return loadScalar<std::int32_t>(b + at, bigEndian); };
    auto f32 = [&](std::size_t at) { return loadScalar<float>(b + at, bigEndian); };
    MrcHeader h;
    h.nx = i32(kNx);
    h.ny = i32(kNx + 4);
    h.nz = i32(kNx + 8);
    h.mode = i32(kMode);
    h.nxstart = i32(kNxStart);
    h.nystart = i32(kNxStart + 4);
    h.nzstart = i32(kNxStart + 8);
    h.mx = i32(kMx);
    h.my = i32(kMx + 4);
    h.mz = i32(kMx + 8);
    for (int i = 0; i < 3; ++i) {
        h.cella[i] = f32(kCella + 4 * i);
        h.cellb[i] = f32(kCellb + 4 * i);
        h.origin[i] = f32(kOrigin + 4 * i);
    }
    h.mapc = i32(kMapc);
    h.mapr = i32(kMapc + 4);
    h.maps = i32(kMapc + 8);
    h.dmin = f32(kDmin);
    h.dmax = f32(kDmin + 4);
    h.dmean = f32(kDmin + 8);
    h.ispg = i32(kIspg);
    h.nsymbt = i32(kNsymbt);
    std::memcpy(h.exttyp, b + kExttyp, 4);
    h.nversion = i32(kNversion);
    h.imodStamp = i32(kImodStampAt);
    h.imodFlags = i32(kImodFlagsAt);
    std::memcpy(h.map, b + kMap, 4);
    std::memcpy(h.machst, b + kMachst, 4);
    h.rms = f32(kRms);
    h.nlabl = i32(kNlabl);
    for (std::size_t i = 0; i < kLabelCount && i < static_cast<std::size_t>(std::max(h.nlabl, 0));
         ++i) {
        std::string label(reinterpret_cast<const char*>(b + kLabels + i * kLabelBytes),
                          kLabelBytes);
        label = label.substr(0, label.find('\0'));
        label.erase(label.find_last_not_of(' ') + 1);
        h.labels.push_back(label);
    }
    return h;
}

std::array<unsigned char, kHeaderBytes> encodeHeader(const MrcHeader& h) {
    std::array<unsigned char, kHeaderBytes> bytes{};
    unsigned char* b = bytes.data();
    auto i32 = [&](std::size_t at, std::int32_t v) { storeLittleEndian(b + at, v); };
    auto f32 = [&](std::size_t at, float v) { storeLittleEndian(b + at, v); };
    i32(kNx, h.nx);
    i32(kNx + 4, h.ny);
    i32(kNx + 8, h.nz);
    i32(kMode, h.mode);
    i32(kNxStart, h.nxstart);
    i32(kNxStart + 4, h.nystart);
    i32(kNxStart + 8, h.nzstart);
    i32(kMx, h.mx);
    i32(kMx + 4, h.my);
    i32(kMx + 8, h.mz);
    for (int i = 0; i < 3; ++i) {
        f32(kCella + 4 * i, h.cella[i]);
        f32(kCellb + 4 * i, h.cellb[i]);
        f32(kOrigin + 4 * i, h.origin[i]);
    }
    i32(kMapc, h.mapc);
    i32(kMapc + 4, h.mapr);
    i32(kMapc + 8, h.maps);
    f32(kDmin, h.dmin);
    f32(kDmin + 4, h.dmax);
    f32(kDmin + 8, h.dmean);
    i32(kIspg, h.ispg);
    i32(kNsymbt, h.nsymbt);
    std::memcpy(b + kExttyp, h.exttyp, 4);
    i32(kNversion, h.nversion);
    i32(kImodStampAt, h.imodStamp);
    i32(kImodFlagsAt, h.imodFlags);
    std::memcpy(b + kMap, "MAP ", 4);
    const unsigned char littleEndianStamp[4] = {0x44, 0x44, 0, 0};
    std::memcpy(b + kMachst, littleEndianStamp, 4);
    f32(kRms, h.rms);
    const std::size_t labels = std::min(h.labels.size(), kLabelCount);
    i32(kNlabl, static_cast<std::int32_t>(labels));
    for (std::size_t i = 0; i < kLabelCount; ++i) {
        // Labels are 80 characters padded with spaces; unused ones stay zero.
        if (i >= labels)
            break;
        unsigned char* label = b + kLabels + i * kLabelBytes;
        std::memset(label, ' ', kLabelBytes);
        std::memcpy(label, h.labels[i].data(), std::min(h.labels[i].size(), kLabelBytes));
    }
    return bytes;
}

MrcLayout readLayout(const VolumePath& path) {
    std::error_code ec;
    const std::uint64_t fileSize = fs::file_size(path.file, ec);
    if (ec)
        throw FormatError(path.display(), "cannot be read (" + ec.message() + ")");
    if (fileSize < kHeaderBytes)
        throw FormatError(path.display(), "holds only " + bytesText(fileSize) +
                                              ", less than the 1024-byte MRC header");
    unsigned char bytes[kHeaderBytes];
    {
        std::ifstream in(path.file, std::ios::binary);
        in.read(reinterpret_cast<char*>(bytes), kHeaderBytes);
        if (!in)
            throw FormatError(path.display(), "cannot read the 1024-byte MRC header");
    }
    MrcLayout layout;
    layout.bigEndian = isBigEndian(bytes);
    const MrcHeader h = decodeHeader(bytes, layout.bigEndian);
    layout.header = h;

    if (h.nx <= 0 || h.ny <= 0 || h.nz <= 0)
        throw FormatError(path.display(),
                          "the header gives the size nx, ny, nz = " + std::to_string(h.nx) + ", " +
                              std::to_string(h.ny) + ", " + std::to_string(h.nz) +
                              "; all must be positive");
    const ModeChoice mode = chooseMode(path, h);
    layout.encoding = mode.encoding;
    layout.bytesPerVoxel = mode.bytes;
    layout.dataType = mode.dataType;
    layout.physicalAxisOf = axisMapping(path, h);
    if (h.nsymbt < 0)
        throw FormatError(path.display(), "the header gives a negative extended header size "
                                          "(nsymbt = " +
                                              std::to_string(h.nsymbt) + ")");
    layout.dataOffset = kHeaderBytes + static_cast<std::uint64_t>(h.nsymbt);
    if (layout.dataOffset > fileSize)
        throw FormatError(path.display(),
                          "the extended header (nsymbt = " + std::to_string(h.nsymbt) +
                              " bytes) runs past the end of the file, which "
                              "holds " +
                              bytesText(fileSize));
    // Three positive int32 times at most 4 bytes fit in 2^95: check the product.
    std::uint64_t dataBytes = mode.bytes;
    for (std::int32_t n : {h.nx, h.ny, h.nz})
        if (__builtin_mul_overflow(dataBytes, static_cast<std::uint64_t>(n), &dataBytes))
            dataBytes = UINT64_MAX;
    const std::uint64_t needed =
        dataBytes > UINT64_MAX - layout.dataOffset ? UINT64_MAX : layout.dataOffset + dataBytes;
    if (needed > fileSize)
        throw FormatError(
            path.display(),
            "the file holds " + bytesText(fileSize) + ", the header needs " +
                (needed == UINT64_MAX ? std::string("more than 2^64 bytes") : bytesText(needed)) +
                " (" + std::to_string(h.nx) + " x " + std::to_string(h.ny) + " x " +
                std::to_string(h.nz) + " voxels of mode " + std::to_string(h.mode) + " after " +
                bytesText(layout.dataOffset) + " of header)");
    const bool hasMapStamp = std::memcmp(h.map, "MAP", 3) == 0 && (h.map[3] == ' ' || !h.map[3]);
    // Files older than MRC2014 (no version number) predate the stamp.
    if (!hasMapStamp && h.nversion >= 20140)
        throw FormatError(path.display(),
                          "the header claims MRC2014 (nversion = " + std::to_string(h.nversion) +
                              ") but lacks the \"MAP \" stamp at byte 208");

    VolumeInfo& info = layout.info;
    info.format = "mrc";
    info.dataType = layout.dataType;
    info.compression = "raw";
    const std::int64_t fileExtent[3] = {h.nx, h.ny, h.nz};
    std::int64_t extent[3] = {1, 1, 1}; // x, y, z
    for (int a = 0; a < 3; ++a)
        extent[layout.physicalAxisOf[a]] = fileExtent[a];
    info.shape = {extent[2], extent[1], extent[0]};

    const std::int32_t sampling[3] = {h.mx, h.my, h.mz};
    bool calibrated = true;
    double size[3];
    for (int axis = 0; axis < 3; ++axis) {
        calibrated =
            calibrated && sampling[axis] > 0 && h.cella[axis] > 0 && std::isfinite(h.cella[axis]);
        size[axis] = calibrated ? roundToSixDigits(h.cella[axis] / sampling[axis] / 10.0) : 1.0;
    }
    info.hasVoxelSize = calibrated;
    if (calibrated)
        info.voxelSize = {size[2], size[1], size[0]};
    info.origin = {angstromToNanometres(h.origin[2]), angstromToNanometres(h.origin[1]),
                   angstromToNanometres(h.origin[0])};

    info.details.push_back("MRC " + mode.description);
    if (layout.bigEndian)
        info.details.push_back("big-endian file");
    if (h.nsymbt > 0) {
        std::string type(h.exttyp, 4);
        type = type.substr(0, type.find('\0'));
        info.details.push_back("extended header of " + bytesText(h.nsymbt) +
                               (type.empty() ? std::string() : " (" + type + ")") + " skipped");
    }
    if (layout.physicalAxisOf != std::array<int, 3>{0, 1, 2})
        info.details.push_back("axis order mapc, mapr, maps = " + std::to_string(h.mapc) + ", " +
                               std::to_string(h.mapr) + ", " + std::to_string(h.maps));
    if (!hasMapStamp)
        info.details.push_back("old-style header without the \"MAP \" stamp");
    for (const auto& label : h.labels)
        if (!label.empty())
            info.details.push_back("label: " + label);
    return layout;
}

} // namespace cisterna::mrc
