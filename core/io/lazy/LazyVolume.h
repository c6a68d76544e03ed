#pragma once
// An image that stays on disk and is read by chunks, on demand, through a chunk cache
// bounded by the memory budget: a volume larger than memory can be browsed and
// computed on box by box. Every format reads a box alone (ReadOptions::region);
// chunked formats (HDF5, Zarr, OME-Zarr, N5) read only the chunks the box touches, so
// a lazy volume's chunks follow the file's own chunks where it has them.
//
// Reads come in two kinds, so that a view never waits on the disk:
//  - readCached() returns at once with what the cache holds (the rest zero) and says
//    how many chunks were missing; prefetch() asks a background reader for them.
//  - read() blocks until every chunk of the box is in memory (jobs, exports).
#include "core/io/VolumeFormat.h"
#include "core/io/lazy/ChunkCache.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cisterna {

class LazyVolume {
public:
    // Reads one box of the array, whole: VolumeFormat::read with a region, or a test's
    // reader. Called from one thread at a time unless the reader is concurrent.
    using BoxReader = std::function<Volume(const Box3& box)>;
    // Whether several chunks may be read at once: files of one chunk each (Zarr, N5),
    // whose readers keep no shared state, gain from overlapping the disk's latency;
    // HDF5 (a serial library) and single-file formats do not.
    enum class Reader { Serial, Concurrent };

    struct CachedRead {
        Volume volume; // the box; voxels of missing chunks are zero
        std::int64_t missingChunks = 0;
        std::int64_t chunks = 0; // chunks the box touches
        bool complete() const { return missingChunks == 0; }
    };

    // `info` describes the whole array (shape, type, voxel size); `chunk` is the unit
    // of reading and caching.
    LazyVolume(VolumeInfo info, const Shape3& chunk, BoxReader reader, std::uint64_t cacheBytes,
               Reader kind = Reader::Serial);
    ~LazyVolume();
    LazyVolume(const LazyVolume&) = delete;
    LazyVolume& operator=(const LazyVolume&) = delete;

    // Opens any readable volume lazily (only its header is read here). The cache gets
    // `cacheBytes`, by default a quarter of the memory available.
    static std::unique_ptr<LazyVolume> open(const std::string& path, std::uint64_t cacheBytes = 0);
    static std::uint64_t defaultCacheBytes();
    // The reading unit for a file: its own chunks when it has them (merged up to at
    // least 32^3 voxels when they are tiny), else slabs of whole planes (up to 8, about
    // 64 MiB), since unchunked formats decode whole planes anyway.
    static Shape3 readingChunk(const VolumeInfo& info);

    const VolumeInfo& info() const { return info_; }
    const Shape3& shape() const { return info_.shape; }
    DataType dataType() const { return info_.dataType; }
    const Shape3& chunkShape() const { return grid_.chunk; }

    // The box, read now (blocking on missing chunks). Its voxel size and origin are
    // the file's, the origin moved to the box. Throws InvalidArgument for a box
    // outside the volume, FormatError for a damaged chunk.
    Volume read(const Box3& box) const;
    CachedRead readCached(const Box3& box) const;
    // Queues the chunks of `box` that are not cached for the background reader,
    // replacing what an earlier call queued and was not yet read: the newest request
    // (the plane now shown and the next ones) is what matters.
    void prefetch(const Box3& box);
    // Blocks until the background reader has nothing left to do (benchmarks, tests).
    void waitForPrefetch() const;
    // The last error of the background reader, empty when none (its chunks stay
    // missing, and a blocking read() reports the error itself).
    std::string prefetchError() const;

    ChunkCache::Stats cacheStats() const { return cache_.stats(); }
    // Whether every chunk of `box` is cached.
    bool isCached(const Box3& box) const;

private:
    std::uint64_t keyOf(const Index3& grid) const;
    Volume loadChunk(const Index3& grid) const;
    // Loads the chunks of `grids` not yet cached, several at once when concurrent.
    void loadChunks(const std::vector<Index3>& grids) const;
    Volume allocateBox(const Box3& box) const;
    void readAheadLoop();

    VolumeInfo info_;
    struct Grid {
        Shape3 shape, chunk;
    } grid_;
    BoxReader reader_;
    Reader kind_;
    mutable std::mutex readerMutex_;
    mutable ChunkCache cache_;

    // Read-ahead: a queue of chunk indices, one thread (or four for a concurrent
    // reader) taking from it.
    mutable std::mutex queueMutex_;
    mutable std::condition_variable queueChanged_;
    mutable std::condition_variable queueIdle_;
    std::deque<Index3> queue_;
    int busy_ = 0; // threads reading a chunk now
    bool stopping_ = false;
    std::string prefetchError_;
    std::vector<std::thread> readAhead_;
};

} // namespace cisterna
