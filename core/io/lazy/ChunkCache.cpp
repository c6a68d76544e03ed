#include "core/io/lazy/ChunkCache.h"

namespace cisterna {

std::optional<Volume> ChunkCache::find(std::uint64_t key) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = index_.find(key);
    if (it == index_.end()) {
        ++stats_.misses;
        return std::nullopt;
    }
    ++stats_.hits;
    entries_.splice(entries_.begin(), entries_, it->second);
    return it->second->second;
}

bool ChunkCache::contains(std::uint64_t key) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return index_.count(key) != 0;
}

void ChunkCache::insert(std::uint64_t key, const Volume& chunk) {
    const std::uint64_t bytes = chunk.byteCount();
    std::lock_guard<std::mutex> lock(mutex_);
    if (const auto it = index_.find(key); it != index_.end()) {
        stats_.bytes -= it->second->second.byteCount();
        entries_.erase(it->second);
        index_.erase(it);
    }
    if (bytes > capacity_)
        return;
    evictBeyond(capacity_ - bytes);
    entries_.emplace_front(key, chunk);
    index_[key] = entries_.begin();
    stats_.bytes += bytes;
    stats_.chunks = entries_.size();
}

void ChunkCache::evictBeyond(std::uint64_t capacity) {
    while (stats_.bytes > capacity && !entries_.empty()) {
        stats_.bytes -= entries_.back().second.byteCount();
        index_.erase(entries_.back().first);
        entries_.pop_back();
        ++stats_.evictions;
    }
    stats_.chunks = entries_.size();
}

void ChunkCache::clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.clear();
    index_.clear();
    stats_.bytes = 0;
    stats_.chunks = 0;
}

ChunkCache::Stats ChunkCache::stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
}

} // namespace cisterna
