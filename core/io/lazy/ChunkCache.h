#pragma once
// Decoded chunks of volumes that stay on disk, kept within a byte budget and evicted
// least recently used first. Thread-safe: the slice views read it while a read-ahead
// thread fills it.
#include "core/volume/Volume.h"

#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace cisterna {

class ChunkCache {
public:
    struct Stats {
        std::uint64_t hits = 0, misses = 0, evictions = 0;
        std::uint64_t bytes = 0; // held now
        std::uint64_t chunks = 0;
    };

    explicit ChunkCache(std::uint64_t capacityBytes) : capacity_(capacityBytes) {}

    std::uint64_t capacity() const { return capacity_; }
    // The chunk stored under `key`, now the most recently used; nullopt (a miss) when
    // absent. The handle shares the chunk's voxels and stays valid after eviction.
    std::optional<Volume> find(std::uint64_t key);
    // Whether `key` is held, without counting a hit or a miss or touching its age.
    bool contains(std::uint64_t key) const;
    // Stores a chunk (replacing one under the same key) and evicts the least recently
    // used ones until the total fits the capacity. A chunk larger than the whole
    // capacity is not kept.
    void insert(std::uint64_t key, const Volume& chunk);
    void clear();
    Stats stats() const;

private:
    using Entry = std::pair<std::uint64_t, Volume>;
    void evictBeyond(std::uint64_t capacity);

    std::uint64_t capacity_;
    mutable std::mutex mutex_;
    std::list<Entry> entries_; // most recently used first
    std::unordered_map<std::uint64_t, std::list<Entry>::iterator> index_;
    Stats stats_;
};

} // namespace cisterna
