#include "plugins/mrc/MrcRead.h"

#include "plugins/mrc/MrcBytes.h"

#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

namespace cisterna::mrc {
namespace {

// Rows of a full-width region are contiguous in the file: read up to this much at once.
constexpr std::uint64_t kReadChunkBytes = 8 << 20;

class ReadOnlyFile {
public:
    explicit ReadOnlyFile(const VolumePath& path) : path_(path) {
        fd_ = ::open(path.file.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0)
            throw FormatError(path.display(),
                              std::string("cannot be opened: ") + std::strerror(errno));
    }
    ~ReadOnlyFile() { ::close(fd_); }
    ReadOnlyFile(const ReadOnlyFile&) = delete;
    ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

    void readAt(unsigned char* buffer, std::uint64_t bytes, std::uint64_t offset) const {
        while (bytes > 0) {
            const ssize_t got = ::pread(fd_, buffer, bytes, static_cast<off_t>(offset));
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                throw FormatError(path_.display(),
                                  got == 0 ? "ended before the voxels the header promised "
                                             "(was it cut short while being read?)"
                                           : std::string("read error: ") + std::strerror(errno));
            buffer += got;
            bytes -= static_cast<std::uint64_t>(got);
            offset += static_cast<std::uint64_t>(got);
        }
    }

private:
    const VolumePath& path_;
    int fd_ = -1;
};

struct Half {}; // tag: IEEE float16 in the file

template <class Source, class Target>
Target decodeValue(const unsigned char* bytes, bool bigEndian) {
    if constexpr (std::is_same_v<Source, Half>)
        return halfToFloat(loadScalar<std::uint16_t>(bytes, bigEndian));
    else
        return static_cast<Target>(loadScalar<Source>(bytes, bigEndian));
}

// The file box (columns, rows, sections) that covers `region`, and where each file
// axis steps in the output volume.
struct FileBox {
    std::int64_t begin[3];
    std::int64_t size[3];
    std::int64_t outStride[3];
};

FileBox fileBoxOf(const MrcLayout& layout, const Box3& region, const Strides3& strides) {
    const std::int64_t begin[3] = {region.begin.x, region.begin.y, region.begin.z};
    const std::int64_t size[3] = {region.size.x, region.size.y, region.size.z};
    const std::int64_t stride[3] = {strides.x, strides.y, strides.z};
    FileBox box{};
    for (int a = 0; a < 3; ++a) {
        const int physical = layout.physicalAxisOf[a];
        box.begin[a] = begin[physical];
        box.size[a] = size[physical];
        box.outStride[a] = stride[physical];
    }
    return box;
}

template <class Source, class Target>
void readBox(const VolumePath& path, const MrcLayout& layout, const Box3& region, Volume& volume) {
    const ReadOnlyFile file(path);
    auto view = volume.view<Target>();
    const FileBox box = fileBoxOf(layout, region, view.strides());
    const std::uint64_t bpv = layout.bytesPerVoxel;
    const std::uint64_t nx = static_cast<std::uint64_t>(layout.header.nx);
    const std::uint64_t ny = static_cast<std::uint64_t>(layout.header.ny);
    const std::uint64_t rowBytes = static_cast<std::uint64_t>(box.size[0]) * bpv;
    const bool fullRows = static_cast<std::uint64_t>(box.size[0]) == nx;
    const std::int64_t rowsPerRead =
        fullRows ? std::max<std::int64_t>(
                       1, std::min<std::int64_t>(
                              box.size[1], static_cast<std::int64_t>(kReadChunkBytes / rowBytes)))
                 : 1;
    const std::uint64_t bufferBytes = static_cast<std::uint64_t>(rowsPerRead) * rowBytes;
    requireMemory(bufferBytes, "MRC read buffer");
    std::vector<unsigned char> buffer(bufferBytes);
    const bool direct = std::is_same_v<Source, Target> && layout.bigEndian == kHostIsBigEndian &&
                        box.outStride[0] == 1;

    Target* const base = view.data();
    for (std::int64_t s = 0; s < box.size[2]; ++s) {
        for (std::int64_t r = 0; r < box.size[1]; r += rowsPerRead) {
            const std::int64_t rows = std::min(rowsPerRead, box.size[1] - r);
            const std::uint64_t section = static_cast<std::uint64_t>(box.begin[2] + s);
            const std::uint64_t row = static_cast<std::uint64_t>(box.begin[1] + r);
            const std::uint64_t offset =
                layout.dataOffset +
                ((section * ny + row) * nx + static_cast<std::uint64_t>(box.begin[0])) * bpv;
            file.readAt(buffer.data(), static_cast<std::uint64_t>(rows) * rowBytes, offset);
            for (std::int64_t k = 0; k < rows; ++k) {
                const unsigned char* from =
                    buffer.data() + static_cast<std::uint64_t>(k) * rowBytes;
                Target* to = base + s * box.outStride[2] + (r + k) * box.outStride[1];
                if (direct) {
                    std::memcpy(to, from, rowBytes);
                    continue;
                }
                for (std::int64_t c = 0; c < box.size[0]; ++c)
                    to[c * box.outStride[0]] = decodeValue<Source, Target>(
                        from + static_cast<std::uint64_t>(c) * bpv, layout.bigEndian);
            }
        }
    }
}

void readRegionInto(const VolumePath& path, const MrcLayout& layout, const Box3& region,
                    Volume& volume) {
    switch (layout.encoding) {
    case VoxelEncoding::UInt8:
        readBox<std::uint8_t, std::uint8_t>(path, layout, region, volume);
        break;
    case VoxelEncoding::Int8:
        readBox<std::int8_t, float>(path, layout, region, volume);
        break;
    case VoxelEncoding::Int16:
        readBox<std::int16_t, float>(path, layout, region, volume);
        break;
    case VoxelEncoding::UInt16:
        readBox<std::uint16_t, std::uint16_t>(path, layout, region, volume);
        break;
    case VoxelEncoding::Float32:
        readBox<float, float>(path, layout, region, volume);
        break;
    case VoxelEncoding::Float16:
        readBox<Half, float>(path, layout, region, volume);
        break;
    }
}

} // namespace

Volume readVoxels(const VolumePath& path, const MrcLayout& layout, const Box3& region) {
    Volume volume = Volume::allocate(layout.dataType, region.size, VolumeRole::Image, "MRC volume");
    if (!region.size.isEmpty())
        readRegionInto(path, layout, region, volume);
    const VolumeInfo& info = layout.info;
    if (info.hasVoxelSize)
        volume.setVoxelSize(info.voxelSize);
    const Vec3d size = volume.voxelSize();
    volume.setOrigin({info.origin.z + region.begin.z * size.z,
                      info.origin.y + region.begin.y * size.y,
                      info.origin.x + region.begin.x * size.x});
    return volume;
}

} // namespace cisterna::mrc
