#include "core/io/itk/ItkNiftiGuard.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <zlib.h>

namespace cisterna::itkio {
namespace {

constexpr int kNifti1HeaderBytes = 348;
constexpr int kNifti2HeaderBytes = 540;
// Far beyond any real extent in millimetres (1000 km) and far below where float
// arithmetic in the SVD overflows.
constexpr double kLargestSpatialValue = 1e9;

// NIfTI-1 byte offsets.
constexpr std::size_t kDim = 40;        // int16[8]
constexpr std::size_t kBitpix = 72;     // int16
constexpr std::size_t kVoxOffset = 108; // float
constexpr std::size_t kPixdim = 76;     // float[8]
constexpr std::size_t kQformCode = 252; // int16
constexpr std::size_t kSformCode = 254; // int16
constexpr std::size_t kQuatern = 256;   // quatern_b, c, d, qoffset_x, y, z: float[6]
constexpr std::size_t kSrow = 280;      // srow_x, srow_y, srow_z: float[12]

class Nifti1Header {
public:
    Nifti1Header(const unsigned char* bytes, bool swap) : bytes_(bytes), swap_(swap) {}
    template <class T> T at(std::size_t offset) const {
        unsigned char raw[sizeof(T)];
        std::memcpy(raw, bytes_ + offset, sizeof(T));
        if (swap_)
            std::reverse(raw, raw + sizeof(T));
        T value;
        std::memcpy(&value, raw, sizeof(T));
        return value;
    }

private:
    const unsigned char* bytes_;
    bool swap_;
};

// The byte order as the NIfTI library decides it (need_nhdr_swap in nifti1_io.c):
// by dim[0] (1 to 7) when it is set, by sizeof_hdr only when dim[0] is 0. Deciding by
// sizeof_hdr alone, as this file once did, let a header with a damaged sizeof_hdr but
// a valid dim[0] past these checks while the library went on to read it. Returns
// nothing for what the library would not read as NIfTI-1 (NIfTI-2, garbage).
std::optional<bool> nifti1Swap(const unsigned char* bytes) {
    const Nifti1Header plain(bytes, false), swapped(bytes, true);
    const std::int16_t dim0 = plain.at<std::int16_t>(kDim);
    if (dim0 != 0) {
        if (dim0 > 0 && dim0 <= 7)
            return false;
        const std::int16_t other = swapped.at<std::int16_t>(kDim);
        if (other > 0 && other <= 7)
            return true;
        return std::nullopt;
    }
    if (plain.at<std::int32_t>(0) == kNifti1HeaderBytes)
        return false;
    if (swapped.at<std::int32_t>(0) == kNifti1HeaderBytes)
        return true;
    return std::nullopt;
}

bool isNifti2(const unsigned char* bytes) {
    const Nifti1Header plain(bytes, false), swapped(bytes, true);
    return plain.at<std::int32_t>(0) == kNifti2HeaderBytes ||
           swapped.at<std::int32_t>(0) == kNifti2HeaderBytes;
}

bool saneFloats(const Nifti1Header& header, std::size_t offset, int count) {
    for (int i = 0; i < count; ++i) {
        const float v = header.at<float>(offset + 4 * static_cast<std::size_t>(i));
        if (!std::isfinite(v) || std::abs(v) > kLargestSpatialValue)
            return false;
    }
    return true;
}

} // namespace

void rejectHostileNiftiTransform(const VolumePath& path) {
    unsigned char bytes[kNifti1HeaderBytes];
    int got = 0;
    if (gzFile file = ::gzopen(path.file.c_str(), "rb")) {
        got = ::gzread(file, bytes, kNifti1HeaderBytes);
        ::gzclose(file);
    }
    if (got != kNifti1HeaderBytes)
        return; // too short for NIfTI-1: ITK says what it is
    const auto swap = nifti1Swap(bytes);
    if (!swap || isNifti2(bytes))
        return; // NIfTI-2 or not NIfTI: not ours to judge
    const Nifti1Header header(bytes, *swap);
    bool sane = saneFloats(header, kPixdim + 4, 3);
    if (header.at<std::int16_t>(kQformCode) != 0)
        sane = sane && saneFloats(header, kQuatern, 6);
    if (header.at<std::int16_t>(kSformCode) != 0)
        sane = sane && saneFloats(header, kSrow, 12);
    if (!sane)
        throw FormatError(path.display(), "the NIfTI header's voxel size or orientation (pixdim, "
                                          "qform or sform) holds infinite or absurd values");
}

void rejectShortNiftiData(const VolumePath& path) {
    gzFile file = ::gzopen(path.file.c_str(), "rb");
    if (!file)
        return; // ITK says why it cannot open it
    unsigned char bytes[kNifti1HeaderBytes];
    const int got = ::gzread(file, bytes, kNifti1HeaderBytes);
    // An uncompressed .nii is checked against its file size with the header (ItkHeader);
    // reading it all again here would double the cost of opening it.
    if (got != kNifti1HeaderBytes || ::gzdirect(file)) {
        ::gzclose(file);
        return;
    }
    const auto swap = nifti1Swap(bytes);
    if (!swap || isNifti2(bytes)) {
        ::gzclose(file);
        return; // NIfTI-2 or not NIfTI: ITK's checks
    }
    const Nifti1Header header(bytes, *swap);
    const int dims = header.at<std::int16_t>(kDim);
    const int bitpix = header.at<std::int16_t>(kBitpix);
    const float voxOffset = header.at<float>(kVoxOffset);
    double needed = bitpix > 0 ? double(bitpix) / 8.0 : 0.0;
    for (int d = 1; d <= std::min(dims, 7); ++d)
        needed *= std::max<int>(header.at<std::int16_t>(kDim + 2 * std::size_t(d)), 1);
    needed += std::isfinite(voxOffset) ? std::max(double(voxOffset), double(got)) : double(got);
    // Count what the stream holds, up to what is needed.
    double have = got;
    std::unique_ptr<unsigned char[]> piece(new unsigned char[1 << 20]);
    int n = 0;
    while (have < needed && (n = ::gzread(file, piece.get(), 1 << 20)) > 0)
        have += n;
    int code = Z_OK;
    const char* message = ::gzerror(file, &code);
    const std::string zlibMessage = message ? message : "";
    ::gzclose(file);
    if (have < needed)
        throw FormatError(path.display(), "the file is truncated: its header promises " +
                                              std::to_string(std::int64_t(needed)) +
                                              " bytes (voxels included) " + "but it holds " +
                                              std::to_string(std::int64_t(have)));
    if (n < 0 || (code != Z_OK && code != Z_STREAM_END))
        throw FormatError(path.display(),
                          "its compressed data is damaged (zlib: " + zlibMessage + ")");
}

} // namespace cisterna::itkio
