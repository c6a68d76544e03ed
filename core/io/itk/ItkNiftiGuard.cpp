#include "core/io/itk/ItkNiftiGuard.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <zlib.h>

namespace cisterna::itkio {
namespace {

constexpr int kNifti1HeaderBytes = 348;
// Far beyond any real extent in millimetres (1000 km) and far below where float
// arithmetic in the SVD overflows.
constexpr double kLargestSpatialValue = 1e9;

// NIfTI-1 byte offsets.
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
    std::int32_t sizeofHeader = 0;
    std::memcpy(&sizeofHeader, bytes, 4);
    const bool swap = sizeofHeader != kNifti1HeaderBytes;
    const Nifti1Header header(bytes, swap);
    if (header.at<std::int32_t>(0) != kNifti1HeaderBytes)
        return; // NIfTI-2 or not NIfTI: not ours to judge
    bool sane = saneFloats(header, kPixdim + 4, 3);
    if (header.at<std::int16_t>(kQformCode) != 0)
        sane = sane && saneFloats(header, kQuatern, 6);
    if (header.at<std::int16_t>(kSformCode) != 0)
        sane = sane && saneFloats(header, kSrow, 12);
    if (!sane)
        throw FormatError(path.display(), "the NIfTI header's voxel size or orientation (pixdim, "
                                          "qform or sform) holds infinite or absurd values");
}

} // namespace cisterna::itkio
