#include "plugins/mrc/MrcWrite.h"

#include "plugins/mrc/MrcBytes.h"
#include "plugins/mrc/MrcHeader.h"

#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <vector>

namespace cisterna::mrc {
namespace {

struct Statistics {
    double min = 0, max = 0, mean = 0, rms = 0;
};

template <class T> Statistics statisticsOf(const Volume& volume) {
    double sum = 0, sumOfSquares = 0;
    double low = std::numeric_limits<double>::infinity();
    double high = -low;
    forEachRow(volume.view<T>(), [&](std::int64_t, std::int64_t, const T* row) {
        const std::int64_t step = volume.strides().x;
        for (std::int64_t x = 0; x < volume.shape().x; ++x) {
            const double v = static_cast<double>(row[x * step]);
            sum += v;
            sumOfSquares += v * v;
            low = std::min(low, v);
            high = std::max(high, v);
        }
    });
    const double n = static_cast<double>(volume.voxelCount());
    Statistics s;
    s.min = low;
    s.max = high;
    s.mean = sum / n;
    // MRC2014's rms is the standard deviation from the mean.
    s.rms = std::sqrt(std::max(0.0, sumOfSquares / n - s.mean * s.mean));
    return s;
}

MrcHeader headerFor(const Volume& volume, const Statistics& stats) {
    MrcHeader h;
    const Shape3& shape = volume.shape();
    h.nx = static_cast<std::int32_t>(shape.x);
    h.ny = static_cast<std::int32_t>(shape.y);
    h.nz = static_cast<std::int32_t>(shape.z);
    switch (volume.dataType()) {
    case DataType::UInt8:
        h.mode = 0;
        // IMOD's stamp with the signed-bytes flag clear: readers that follow IMOD
        // (and Cisterna) take the bytes as unsigned.
        h.imodStamp = kImodStamp;
        h.imodFlags = 0;
        break;
    case DataType::UInt16:
        h.mode = 6;
        break;
    case DataType::Float32:
    default:
        h.mode = 2;
        break;
    }
    h.mx = h.nx;
    h.my = h.ny;
    h.mz = h.nz;
    // Cell size in Å along X, Y, Z; zero when the volume has no voxel size.
    if (volume.hasVoxelSize()) {
        const Vec3d& size = volume.voxelSize();
        h.cella[0] = static_cast<float>(shape.x * size.x * 10.0);
        h.cella[1] = static_cast<float>(shape.y * size.y * 10.0);
        h.cella[2] = static_cast<float>(shape.z * size.z * 10.0);
    }
    const Vec3d& origin = volume.origin();
    h.origin[0] = static_cast<float>(origin.x * 10.0);
    h.origin[1] = static_cast<float>(origin.y * 10.0);
    h.origin[2] = static_cast<float>(origin.z * 10.0);
    h.dmin = static_cast<float>(stats.min);
    h.dmax = static_cast<float>(stats.max);
    h.dmean = static_cast<float>(stats.mean);
    h.rms = static_cast<float>(stats.rms);
    h.ispg = 1; // a single volume, not a stack of images
    h.nversion = kMrc2014Version;
    h.labels = {"Cisterna"};
    return h;
}

template <class T> void writeVoxels(std::ofstream& out, const Volume& volume) {
    const auto view = volume.view<T>();
    const std::int64_t nx = volume.shape().x;
    std::vector<unsigned char> row(static_cast<std::size_t>(nx) * sizeof(T));
    forEachRow(view, [&](std::int64_t, std::int64_t, const T* from) {
        if (!kHostIsBigEndian && view.strides().x == 1) {
            out.write(reinterpret_cast<const char*>(from),
                      static_cast<std::streamsize>(row.size()));
            return;
        }
        for (std::int64_t x = 0; x < nx; ++x)
            storeLittleEndian(row.data() + x * sizeof(T), from[x * view.strides().x]);
        out.write(reinterpret_cast<const char*>(row.data()),
                  static_cast<std::streamsize>(row.size()));
    });
}

} // namespace

void writeMrc(const VolumePath& path, const Volume& volume, const WriteOptions& options) {
    if (options.compression != "default" && options.compression != "raw" &&
        !options.compression.empty())
        throw FormatError(path.display(), "MRC files are not compressed; '" + options.compression +
                                              "' cannot be written");
    const Shape3& shape = volume.shape();
    const std::int64_t maxExtent = std::numeric_limits<std::int32_t>::max();
    if (shape.isEmpty() || shape.z > maxExtent || shape.y > maxExtent || shape.x > maxExtent)
        throw FormatError(path.display(),
                          "an MRC file holds 1 to 2^31-1 voxels per axis, not " + toString(shape));

    const Statistics stats = dispatchDataType(
        volume.dataType(), [&](auto tag) { return statisticsOf<decltype(tag)>(volume); });
    const auto header = encodeHeader(headerFor(volume, stats));

    AtomicFile atomic(path.file);
    {
        std::ofstream out(atomic.tempPath(), std::ios::binary | std::ios::trunc);
        if (!out)
            throw FormatError(path.display(), "cannot be created (missing folder or no "
                                              "permission?)");
        out.write(reinterpret_cast<const char*>(header.data()), header.size());
        dispatchDataType(volume.dataType(),
                         [&](auto tag) { writeVoxels<decltype(tag)>(out, volume); });
        out.flush();
        if (!out)
            throw FormatError(path.display(), "could not be written (disk full?)");
    }
    atomic.commit();
}

} // namespace cisterna::mrc
