#include "core/io/zarr/ChunkGrid.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace cisterna::chunked {
namespace {

std::int64_t ceilDiv(std::int64_t a, std::int64_t b) {
    return a == 0 ? 0 : (a - 1) / b + 1;
}

template <class T> T convertFill(double value) {
    if constexpr (std::is_floating_point_v<T>)
        return static_cast<T>(value);
    else {
        // Metadata validation keeps integer fills in range; clamp anyway.
        if (!(value >= 0))
            return T(0);
        if (value >= double(std::numeric_limits<T>::max()))
            return std::numeric_limits<T>::max();
        return static_cast<T>(value);
    }
}

} // namespace

Shape3 ChunkGrid::gridShape() const {
    return {ceilDiv(shape.z, chunk.z), ceilDiv(shape.y, chunk.y), ceilDiv(shape.x, chunk.x)};
}

Box3 ChunkGrid::chunkBox(const Index3& g) const {
    const Index3 begin{g.z * chunk.z, g.y * chunk.y, g.x * chunk.x};
    return {begin,
            {std::min(chunk.z, shape.z - begin.z), std::min(chunk.y, shape.y - begin.y),
             std::min(chunk.x, shape.x - begin.x)}};
}

Index3 ChunkGrid::firstChunk(const Box3& region) const {
    return {region.begin.z / chunk.z, region.begin.y / chunk.y, region.begin.x / chunk.x};
}

Index3 ChunkGrid::endChunk(const Box3& region) const {
    const Index3 e = region.end();
    return {ceilDiv(e.z, chunk.z), ceilDiv(e.y, chunk.y), ceilDiv(e.x, chunk.x)};
}

void copyChunkToVolume(const unsigned char* chunk, const ChunkLayout& layout, const Box3& chunkBox,
                       Volume& dest, const Box3& region) {
    const Box3 part = intersect(chunkBox, region);
    if (part.size.isEmpty())
        return;
    dispatchDataType(dest.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const T* src = reinterpret_cast<const T*>(chunk);
        const auto out = dest.view<T>();
        const Strides3& s = layout.strides;
        for (std::int64_t z = part.begin.z; z < part.begin.z + part.size.z; ++z)
            for (std::int64_t y = part.begin.y; y < part.begin.y + part.size.y; ++y) {
                const T* from = src + (z - chunkBox.begin.z) * s.z + (y - chunkBox.begin.y) * s.y +
                                (part.begin.x - chunkBox.begin.x) * s.x;
                T* to = &out(z - region.begin.z, y - region.begin.y, part.begin.x - region.begin.x);
                if (s.x == 1 && out.strides().x == 1)
                    std::memcpy(to, from, sizeof(T) * static_cast<std::size_t>(part.size.x));
                else
                    for (std::int64_t x = 0; x < part.size.x; ++x)
                        to[x * out.strides().x] = from[x * s.x];
            }
    });
}

void fillChunkInVolume(double value, const Box3& chunkBox, Volume& dest, const Box3& region) {
    const Box3 part = intersect(chunkBox, region);
    if (part.size.isEmpty())
        return;
    dispatchDataType(dest.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const T fill = convertFill<T>(value);
        const auto out = dest.view<T>();
        for (std::int64_t z = part.begin.z; z < part.begin.z + part.size.z; ++z)
            for (std::int64_t y = part.begin.y; y < part.begin.y + part.size.y; ++y)
                for (std::int64_t x = part.begin.x; x < part.begin.x + part.size.x; ++x)
                    out(z - region.begin.z, y - region.begin.y, x - region.begin.x) = fill;
    });
}

void copyVolumeToChunk(const Volume& source, const Box3& chunkBox, unsigned char* chunk,
                       std::int64_t rowLength, std::int64_t planeRows) {
    dispatchDataType(source.dataType(), [&](auto tag) {
        using T = decltype(tag);
        T* dst = reinterpret_cast<T*>(chunk);
        const auto in = source.view<T>();
        for (std::int64_t z = 0; z < chunkBox.size.z; ++z)
            for (std::int64_t y = 0; y < chunkBox.size.y; ++y) {
                T* to = dst + (z * planeRows + y) * rowLength;
                const T* from = &in(chunkBox.begin.z + z, chunkBox.begin.y + y, chunkBox.begin.x);
                if (in.strides().x == 1)
                    std::memcpy(to, from, sizeof(T) * static_cast<std::size_t>(chunkBox.size.x));
                else
                    for (std::int64_t x = 0; x < chunkBox.size.x; ++x)
                        to[x] = from[x * in.strides().x];
            }
    });
}

bool hostIsLittleEndian() {
    const std::uint16_t probe = 1;
    unsigned char first = 0;
    std::memcpy(&first, &probe, 1);
    return first == 1;
}

void swapBytes(unsigned char* data, std::size_t count, std::size_t elementSize) {
    if (elementSize < 2)
        return;
    for (std::size_t i = 0; i < count; ++i)
        std::reverse(data + i * elementSize, data + (i + 1) * elementSize);
}

std::uint64_t chunkByteCount(const Shape3& chunk, std::size_t bytesPerVoxel,
                             const std::string& file) {
    std::uint64_t bytes = bytesPerVoxel;
    for (std::int64_t extent : {chunk.z, chunk.y, chunk.x})
        if (extent < 0 ||
            __builtin_mul_overflow(bytes, static_cast<std::uint64_t>(extent), &bytes) ||
            bytes > (std::uint64_t(1) << 62))
            throw FormatError(file,
                              "declares chunks of " + toString(chunk) + ", too large to exist");
    return bytes;
}

Shape3 chooseChunkShape(const std::optional<Shape3>& requested, const Shape3& shape) {
    Shape3 chunk{64, 64, 64};
    if (requested) {
        if (requested->z < 1 || requested->y < 1 || requested->x < 1)
            throw InvalidArgument("chunk shape " + toString(*requested) +
                                  " must be at least 1 on every axis");
        chunk = *requested;
    }
    return {std::max<std::int64_t>(1, std::min(chunk.z, shape.z)),
            std::max<std::int64_t>(1, std::min(chunk.y, shape.y)),
            std::max<std::int64_t>(1, std::min(chunk.x, shape.x))};
}

} // namespace cisterna::chunked
