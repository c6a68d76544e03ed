#include "core/io/zarr/ChunkedBlockWriter.h"

#include "core/volume/MemoryBudget.h"

#include <algorithm>
#include <list>
#include <unordered_map>
#include <vector>

namespace cisterna::chunked {
namespace {

// Blocks rarely line up with chunks (prediction tiles overlap and are cropped), so
// most chunks are filled by several blocks. Partly filled chunks wait in a cache of
// bounded size and are encoded once, when their last voxel arrives. When the cache
// is full, the least recently written chunk is stored as it is and read back
// (read-modify-write) if a later block reaches it. Buffering whole rows of chunks
// instead would need memory growing with the volume's width; writing every partial
// chunk at once would encode each chunk up to eight times. Memory stays at the
// cache plus one block, whatever the size of the volume.
constexpr std::uint64_t kMaxCacheBytes = std::uint64_t(256) << 20;

class ChunkedBlockWriter final : public BlockWriterBase {
public:
    ChunkedBlockWriter(const std::string& path, const BlockWriterSpec& spec,
                       std::unique_ptr<ChunkStore> store)
        : BlockWriterBase(path, spec),
          store_(std::move(store)), grid_{spec.shape, store_->chunkShape()} {
        const Shape3 gridShape = grid_.gridShape();
        const std::uint64_t chunks = static_cast<std::uint64_t>(gridShape.voxelCount());
        requireMemory(chunks * (sizeof(std::uint64_t) + 1),
                      "the list of the chunks of " + path + " (choose larger chunks)");
        written_.assign(static_cast<std::size_t>(chunks), 0);
        onDisk_.assign(static_cast<std::size_t>(chunks), false);
        const std::uint64_t chunkBytes =
            chunkByteCount(grid_.chunk, bytesPerVoxel(spec.dataType), path);
        cacheLimit_ = std::max(chunkBytes, std::min(kMaxCacheBytes, availableMemoryBytes() / 8));
    }

private:
    struct Cached {
        Volume voxels; // the chunk's box of the array
        std::list<std::int64_t>::iterator recent;
    };

    std::int64_t linear(const Index3& g) const {
        const Shape3 s = grid_.gridShape();
        return (g.z * s.y + g.y) * s.x + g.x;
    }

    Index3 gridIndex(std::int64_t i) const {
        const Shape3 s = grid_.gridShape();
        return {i / (s.y * s.x), (i / s.x) % s.y, i % s.x};
    }

    Cached& cached(std::int64_t i, const Box3& box) {
        const auto it = cache_.find(i);
        if (it != cache_.end()) {
            recent_.splice(recent_.begin(), recent_, it->second.recent);
            return it->second;
        }
        Volume voxels = onDisk_[static_cast<std::size_t>(i)]
                            ? store_->load(gridIndex(i), box)
                            : Volume::allocate(spec().dataType, box.size, VolumeRole::Image,
                                               "a chunk of " + path());
        recent_.push_front(i);
        cacheBytes_ += voxels.byteCount();
        return cache_.emplace(i, Cached{voxels, recent_.begin()}).first->second;
    }

    void flush(std::int64_t i) {
        const auto it = cache_.find(i);
        store_->store(gridIndex(i), it->second.voxels);
        onDisk_[static_cast<std::size_t>(i)] = true;
        cacheBytes_ -= it->second.voxels.byteCount();
        recent_.erase(it->second.recent);
        cache_.erase(it);
    }

    void store(const Box3& box, const Volume& block) override {
        const Index3 first = grid_.firstChunk(box), end = grid_.endChunk(box);
        for (std::int64_t gz = first.z; gz < end.z; ++gz)
            for (std::int64_t gy = first.y; gy < end.y; ++gy)
                for (std::int64_t gx = first.x; gx < end.x; ++gx) {
                    const Index3 g{gz, gy, gx};
                    const Box3 chunkBox = grid_.chunkBox(g);
                    const std::int64_t i = linear(g);
                    paste(block, box, cached(i, chunkBox).voxels, chunkBox);
                    // Counting voxels rather than tracking which ones arrived: blocks
                    // that overlap only make a chunk be stored early, and a later
                    // block then reads it back.
                    std::uint64_t& count = written_[static_cast<std::size_t>(i)];
                    count += static_cast<std::uint64_t>(intersect(box, chunkBox).size.voxelCount());
                    if (count >= static_cast<std::uint64_t>(chunkBox.size.voxelCount()))
                        flush(i);
                }
        while (cacheBytes_ > cacheLimit_ && !recent_.empty())
            flush(recent_.back());
    }

    void finish() override {
        while (!recent_.empty())
            flush(recent_.back());
        store_->publish();
    }

    std::unique_ptr<ChunkStore> store_;
    ChunkGrid grid_;
    std::vector<std::uint64_t> written_; // voxels written into each chunk so far
    std::vector<bool> onDisk_;           // stored at least once
    std::unordered_map<std::int64_t, Cached> cache_;
    std::list<std::int64_t> recent_; // cached chunks, most recently written first
    std::uint64_t cacheBytes_ = 0;
    std::uint64_t cacheLimit_ = 0;
};

} // namespace

std::unique_ptr<BlockWriter> makeChunkedBlockWriter(const std::string& path,
                                                    const BlockWriterSpec& spec,
                                                    std::unique_ptr<ChunkStore> store) {
    return std::make_unique<ChunkedBlockWriter>(path, spec, std::move(store));
}

} // namespace cisterna::chunked
