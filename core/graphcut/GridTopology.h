#pragma once
// Neighbourhoods of voxel grids for the graph cut: which voxel lies in which
// direction, and which directions stay inside the grid. GridGraph is generic over
// these; both answer in a few integer operations without per-edge storage.
#include "core/volume/Geometry.h"

#include <array>
#include <cstdint>
#include <vector>

// The grid operations run billions of times in a large cut; inlining them lets the
// compiler fold the edge codes into boost's loops.
#define CISTERNA_GRAPHCUT_INLINE __attribute__((always_inline)) inline

namespace cisterna::graphcut {

using VertexId = std::uint32_t;

struct Offset3 {
    int dz, dy, dx;
};

// The 26 neighbour directions in opposite pairs (d, d ^ 1): the 6 faces first, then
// the 12 edges, then the 8 corners, so that 6-, 18- and 26-connectivity use the
// first 6, 18 or 26 entries.
inline constexpr std::array<Offset3, 26> kDirections = {{
    {0, 0, 1},   {0, 0, -1},  {0, 1, 0},   {0, -1, 0},  {1, 0, 0},   {-1, 0, 0},   {0, 1, 1},
    {0, -1, -1}, {0, 1, -1},  {0, -1, 1},  {1, 0, 1},   {-1, 0, -1}, {1, 0, -1},   {-1, 0, 1},
    {1, 1, 0},   {-1, -1, 0}, {1, -1, 0},  {-1, 1, 0},  {1, 1, 1},   {-1, -1, -1}, {1, 1, -1},
    {-1, -1, 1}, {1, -1, 1},  {-1, 1, -1}, {1, -1, -1}, {-1, 1, 1},
}};
constexpr std::uint32_t opposite(std::uint32_t d) {
    return d ^ 1u;
}

// Largest voxel count one graph can index (two vertex ids go to the terminals and
// one is boost's null vertex).
constexpr std::uint64_t kMaxGraphVoxels = 0xFFFFFFFFull - 3;

// The whole volume, index = (z * Y + y) * X + x. Which directions leave the volume
// is kept as six border bits in the vertex's state byte (bits 2..7), set by
// borderState() when the graph is built.
class DenseTopology {
public:
    explicit DenseTopology(const Shape3& shape); // throws InvalidArgument when too large

    const Shape3& shape() const { return shape_; }
    VertexId voxelCount() const { return VertexId(shape_.voxelCount()); }
    CISTERNA_GRAPHCUT_INLINE VertexId neighbour(VertexId v, std::uint32_t d) const {
        return VertexId(std::int64_t(v) + offset_[d]);
    }
    CISTERNA_GRAPHCUT_INLINE std::uint32_t neighbourMask(VertexId, std::uint8_t state) const {
        return maskByBorder_[state >> 2];
    }
    std::uint8_t borderState(std::int64_t z, std::int64_t y, std::int64_t x) const {
        return std::uint8_t(((x == 0) | (x == shape_.x - 1) << 1 | (y == 0) << 2 |
                             (y == shape_.y - 1) << 3 | (z == 0) << 4 | (z == shape_.z - 1) << 5)
                            << 2);
    }
    VertexId index(std::int64_t z, std::int64_t y, std::int64_t x) const {
        return VertexId((z * shape_.y + y) * shape_.x + x);
    }

private:
    Shape3 shape_;
    std::array<std::int64_t, 26> offset_{};
    std::array<std::uint32_t, 64> maskByBorder_{};
};

// A sparse set of 8x8x8 blocks of a volume, for the band of a coarse-to-fine cut.
// Index = slot * 512 + (lz * 8 + ly) * 8 + lx. Edges join grid neighbours whose
// blocks are both present; voxels of a block that lie past the volume's end exist
// but the builder gives them no capacity, so they never join a search tree.
class BlockTopology {
public:
    static constexpr int kEdgeBits = 3;
    static constexpr int kEdge = 1 << kEdgeBits;
    static constexpr int kBlockVoxels = kEdge * kEdge * kEdge;

    // `blocks` are block-grid coordinates (voxel / 8), each once.
    BlockTopology(const Shape3& volume, std::vector<Index3> blocks);

    const Shape3& volumeShape() const { return volume_; }
    const std::vector<Index3>& blocks() const { return blocks_; }
    VertexId voxelCount() const { return VertexId(blocks_.size() * kBlockVoxels); }

    CISTERNA_GRAPHCUT_INLINE VertexId neighbour(VertexId v, std::uint32_t d) const {
        const std::uint32_t local = v & (kBlockVoxels - 1);
        const int nx = int(local & 7) + kDirections[d].dx;
        const int ny = int((local >> 3) & 7) + kDirections[d].dy;
        const int nz = int(local >> 6) + kDirections[d].dz;
        const int across = ((nz + 8) >> 3) * 9 + ((ny + 8) >> 3) * 3 + ((nx + 8) >> 3);
        const std::uint32_t slot = std::uint32_t(neighbourSlot_[(v >> 9) * 27 + across]);
        return (slot << 9) | std::uint32_t((nz & 7) << 6 | (ny & 7) << 3 | (nx & 7));
    }
    CISTERNA_GRAPHCUT_INLINE std::uint32_t neighbourMask(VertexId v, std::uint8_t) const {
        return maskBySlotClass_[(v >> 9) * 27 + localClass_[v & (kBlockVoxels - 1)]];
    }
    // Volume coordinates of a vertex (may lie past the volume's end).
    Index3 coordinates(VertexId v) const {
        const Index3& b = blocks_[v >> 9];
        const std::uint32_t local = v & (kBlockVoxels - 1);
        return {b.z * kEdge + (local >> 6), b.y * kEdge + ((local >> 3) & 7),
                b.x * kEdge + (local & 7)};
    }
    // Slot of a block, or -1 when it is not part of the graph.
    std::int64_t slotOf(const Index3& block) const;
    Shape3 blockGridShape() const { return grid_; }

private:
    Shape3 volume_, grid_;
    std::vector<Index3> blocks_;
    std::vector<std::int32_t> slotByBlock_;      // over the block grid, -1 when absent
    std::vector<std::int32_t> neighbourSlot_;    // 27 per slot (13 = itself), -1 absent
    std::vector<std::uint32_t> maskBySlotClass_; // 27 per slot
    std::array<std::uint8_t, kBlockVoxels> localClass_{};
};

} // namespace cisterna::graphcut
