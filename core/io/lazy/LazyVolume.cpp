#include "core/io/lazy/LazyVolume.h"

#include "core/io/VolumeIO.h"
#include "core/io/zarr/ChunkGrid.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <algorithm>
#include <atomic>
#include <exception>

namespace cisterna {

namespace {

// Chunk reads in flight at once for a concurrent reader: enough to hide a disk's
// latency (a cold 64^3 chunk costs about 1.5 ms, mostly waiting), few enough not to
// crowd a 2-core machine's decompression.
constexpr int kConcurrentReads = 4;

chunked::ChunkGrid gridOf(const Shape3& shape, const Shape3& chunk) {
    return {shape, chunk};
}

// Grid indices of the chunks `box` touches, z slowest.
template <class F> void forEachChunk(const chunked::ChunkGrid& grid, const Box3& box, F&& f) {
    const Index3 first = grid.firstChunk(box);
    const Index3 end = grid.endChunk(box);
    for (std::int64_t z = first.z; z < end.z; ++z)
        for (std::int64_t y = first.y; y < end.y; ++y)
            for (std::int64_t x = first.x; x < end.x; ++x)
                f(Index3{z, y, x});
}

void checkBox(const Box3& box, const Shape3& shape) {
    if (!box.fitsIn(shape) || box.size.isEmpty())
        throw InvalidArgument("the box " + toString(box) + " is not inside the volume of " +
                              toString(shape));
}

} // namespace

LazyVolume::LazyVolume(VolumeInfo info, const Shape3& chunk, BoxReader reader,
                       std::uint64_t cacheBytes, Reader kind)
    : info_(std::move(info)), reader_(std::move(reader)), kind_(kind), cache_(cacheBytes) {
    if (info_.shape.isEmpty())
        throw InvalidArgument("a lazy volume needs a non-empty shape, got " +
                              toString(info_.shape));
    if (chunk.isEmpty())
        throw InvalidArgument("a lazy volume needs a non-empty chunk, got " + toString(chunk));
    grid_.shape = info_.shape;
    grid_.chunk = {std::min(chunk.z, info_.shape.z), std::min(chunk.y, info_.shape.y),
                   std::min(chunk.x, info_.shape.x)};
    for (int i = 0; i < (kind_ == Reader::Concurrent ? kConcurrentReads : 1); ++i)
        readAhead_.emplace_back([this] { readAheadLoop(); });
}

LazyVolume::~LazyVolume() {
    {
        std::lock_guard<std::mutex> lock(queueMutex_);
        stopping_ = true;
        queue_.clear();
    }
    queueChanged_.notify_all();
    for (std::thread& t : readAhead_)
        t.join();
}

std::uint64_t LazyVolume::defaultCacheBytes() {
    return std::max<std::uint64_t>(availableMemoryBytes() / 4, 16u << 20);
}

Shape3 LazyVolume::readingChunk(const VolumeInfo& info) {
    const Shape3& s = info.shape;
    if (info.chunkShape && !info.chunkShape->isEmpty()) {
        Shape3 c = *info.chunkShape;
        // Tiny file chunks (HDF5 files are often chunked 1 x 64 x 64) would make a
        // cache entry and a reader call per few kilobytes: read several at once.
        while (c.voxelCount() < 32 * 32 * 32 && (c.z < s.z || c.y < s.y || c.x < s.x)) {
            if (c.z < s.z && c.z <= c.y && c.z <= c.x)
                c.z *= 2;
            else if (c.y < s.y && c.y <= c.x)
                c.y *= 2;
            else if (c.x < s.x)
                c.x *= 2;
            else if (c.y < s.y)
                c.y *= 2;
            else
                c.z *= 2;
        }
        return {std::min(c.z, s.z), std::min(c.y, s.y), std::min(c.x, s.x)};
    }
    // Whole planes: a PNG or TIFF page is decoded whole whatever part of it is asked
    // for, so tiles would decode every plane once per tile. Up to 8 planes, fewer when
    // planes are large, so that a chunk stays near 64 MiB (one plane at least).
    const std::uint64_t planeBytes =
        std::uint64_t(s.y) * std::uint64_t(s.x) * bytesPerVoxel(info.dataType);
    const std::int64_t planes = std::int64_t(
        std::clamp<std::uint64_t>((64ull << 20) / std::max<std::uint64_t>(planeBytes, 1), 1, 8));
    return {std::min(planes, s.z), s.y, s.x};
}

std::unique_ptr<LazyVolume> LazyVolume::open(const std::string& path, std::uint64_t cacheBytes) {
    VolumeInfo info = readVolumeInfo(path);
    const Shape3 chunk = readingChunk(info);
    RegionReader reader = openRegionReader(path);
    return std::make_unique<LazyVolume>(std::move(info), chunk, std::move(reader.read),
                                        cacheBytes ? cacheBytes : defaultCacheBytes(),
                                        reader.concurrent ? Reader::Concurrent : Reader::Serial);
}

std::uint64_t LazyVolume::keyOf(const Index3& grid) const {
    const Shape3 g = gridOf(grid_.shape, grid_.chunk).gridShape();
    return static_cast<std::uint64_t>((grid.z * g.y + grid.y) * g.x + grid.x);
}

Volume LazyVolume::loadChunk(const Index3& grid) const {
    const std::uint64_t key = keyOf(grid);
    if (auto cached = cache_.find(key))
        return *cached;
    const Box3 box = gridOf(grid_.shape, grid_.chunk).chunkBox(grid);
    Volume chunk;
    if (kind_ == Reader::Concurrent) {
        chunk = reader_(box).contiguous();
    } else {
        std::lock_guard<std::mutex> lock(readerMutex_);
        // Another thread may have read it while this one waited for the reader.
        if (cache_.contains(key))
            if (auto cached = cache_.find(key))
                return *cached;
        chunk = reader_(box).contiguous();
    }
    if (chunk.shape() != box.size || chunk.dataType() != info_.dataType)
        throw FormatError(info_.format.empty() ? "volume" : info_.format,
                          "the reader returned " + toString(chunk.shape()) + " " +
                              toString(chunk.dataType()) + " for the chunk " + toString(box) +
                              " of a " + toString(info_.dataType) + " volume");
    cache_.insert(key, chunk);
    return chunk;
}

Volume LazyVolume::allocateBox(const Box3& box) const {
    Volume out = Volume::allocate(info_.dataType, box.size, VolumeRole::Image, "volume part");
    if (info_.hasVoxelSize)
        out.setVoxelSize(info_.voxelSize);
    const Vec3d& v = info_.voxelSize;
    out.setOrigin({info_.origin.z + box.begin.z * v.z, info_.origin.y + box.begin.y * v.y,
                   info_.origin.x + box.begin.x * v.x});
    return out;
}

void LazyVolume::loadChunks(const std::vector<Index3>& grids) const {
    std::vector<Index3> missing;
    for (const Index3& g : grids)
        if (!cache_.contains(keyOf(g)))
            missing.push_back(g);
    const int threads =
        kind_ == Reader::Concurrent ? std::min<int>(kConcurrentReads, int(missing.size())) : 1;
    if (threads <= 1) {
        for (const Index3& g : missing)
            loadChunk(g);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::exception_ptr error;
    std::mutex errorMutex;
    const auto work = [&] {
        for (std::size_t i = next++; i < missing.size(); i = next++) {
            try {
                loadChunk(missing[i]);
            } catch (...) {
                std::lock_guard<std::mutex> lock(errorMutex);
                if (!error)
                    error = std::current_exception();
            }
        }
    };
    std::vector<std::thread> helpers;
    for (int t = 1; t < threads; ++t)
        helpers.emplace_back(work);
    work();
    for (std::thread& t : helpers)
        t.join();
    if (error)
        std::rethrow_exception(error);
}

Volume LazyVolume::read(const Box3& box) const {
    checkBox(box, info_.shape);
    Volume out = allocateBox(box);
    const chunked::ChunkGrid grid = gridOf(grid_.shape, grid_.chunk);
    std::vector<Index3> grids;
    forEachChunk(grid, box, [&](const Index3& g) { grids.push_back(g); });
    // Read the missing chunks first (at once where the reader allows), then copy; a
    // cache smaller than the box may have evicted some again, which loadChunk rereads.
    if (kind_ == Reader::Concurrent)
        loadChunks(grids);
    for (const Index3& g : grids) {
        const Volume chunk = loadChunk(g);
        chunked::copyChunkToVolume(static_cast<const unsigned char*>(chunk.data()),
                                   {chunk.strides()}, grid.chunkBox(g), out, box);
    }
    return out;
}

LazyVolume::CachedRead LazyVolume::readCached(const Box3& box) const {
    checkBox(box, info_.shape);
    CachedRead result;
    result.volume = allocateBox(box);
    const chunked::ChunkGrid grid = gridOf(grid_.shape, grid_.chunk);
    forEachChunk(grid, box, [&](const Index3& g) {
        ++result.chunks;
        if (auto chunk = cache_.find(keyOf(g)))
            chunked::copyChunkToVolume(static_cast<const unsigned char*>(chunk->data()),
                                       {chunk->strides()}, grid.chunkBox(g), result.volume, box);
        else
            ++result.missingChunks;
    });
    return result;
}

bool LazyVolume::isCached(const Box3& box) const {
    checkBox(box, info_.shape);
    bool all = true;
    forEachChunk(gridOf(grid_.shape, grid_.chunk), box,
                 [&](const Index3& g) { all = all && cache_.contains(keyOf(g)); });
    return all;
}

void LazyVolume::prefetch(const Box3& box) {
    checkBox(box, info_.shape);
    std::deque<Index3> wanted;
    forEachChunk(gridOf(grid_.shape, grid_.chunk), box, [&](const Index3& g) {
        if (!cache_.contains(keyOf(g)))
            wanted.push_back(g);
    });
    {
        std::lock_guard<std::mutex> lock(queueMutex_);
        queue_ = std::move(wanted);
    }
    queueChanged_.notify_all();
}

void LazyVolume::waitForPrefetch() const {
    std::unique_lock<std::mutex> lock(queueMutex_);
    queueIdle_.wait(lock, [this] { return stopping_ || (queue_.empty() && busy_ == 0); });
}

std::string LazyVolume::prefetchError() const {
    std::lock_guard<std::mutex> lock(queueMutex_);
    return prefetchError_;
}

void LazyVolume::readAheadLoop() {
    std::unique_lock<std::mutex> lock(queueMutex_);
    for (;;) {
        queueChanged_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_)
            break;
        const Index3 next = queue_.front();
        queue_.pop_front();
        ++busy_;
        lock.unlock();
        std::string error;
        try {
            loadChunk(next);
        } catch (const std::exception& e) {
            error = e.what();
        }
        lock.lock();
        --busy_;
        if (!error.empty())
            prefetchError_ = error;
        if (queue_.empty() && busy_ == 0)
            queueIdle_.notify_all();
    }
    queueIdle_.notify_all();
}

} // namespace cisterna
