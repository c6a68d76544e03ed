#include "core/graphcut/GridTopology.h"

#include "core/util/Error.h"

#include <string>

namespace cisterna::graphcut {

DenseTopology::DenseTopology(const Shape3& shape) : shape_(shape) {
    if (shape.isEmpty())
        throw InvalidArgument("the graph cut needs a non-empty volume, got " + toString(shape));
    if (std::uint64_t(shape.voxelCount()) > kMaxGraphVoxels)
        throw InvalidArgument("a volume of " + toString(shape) +
                              " has too many voxels for one exact graph cut (at most 2^32 - 3); "
                              "use the banded cut");
    for (std::size_t d = 0; d < kDirections.size(); ++d) {
        const Offset3& o = kDirections[d];
        offset_[d] = (std::int64_t(o.dz) * shape.y + o.dy) * shape.x + o.dx;
    }
    // Border bits: x low, x high, y low, y high, z low, z high.
    for (std::uint32_t border = 0; border < 64; ++border) {
        std::uint32_t mask = 0;
        for (std::size_t d = 0; d < kDirections.size(); ++d) {
            const Offset3& o = kDirections[d];
            const bool leaves = (o.dx < 0 && (border & 1)) || (o.dx > 0 && (border & 2)) ||
                                (o.dy < 0 && (border & 4)) || (o.dy > 0 && (border & 8)) ||
                                (o.dz < 0 && (border & 16)) || (o.dz > 0 && (border & 32));
            if (!leaves)
                mask |= 1u << d;
        }
        maskByBorder_[border] = mask;
    }
}

namespace {

// Per axis: 0 at the low face of a block, 2 at the high face, 1 inside.
int faceClass(int l) {
    return l == 0 ? 0 : l == BlockTopology::kEdge - 1 ? 2 : 1;
}

} // namespace

BlockTopology::BlockTopology(const Shape3& volume, std::vector<Index3> blocks)
    : volume_(volume), blocks_(std::move(blocks)) {
    if (volume.isEmpty())
        throw InvalidArgument("the graph cut needs a non-empty volume, got " + toString(volume));
    if (std::uint64_t(blocks_.size()) * kBlockVoxels > kMaxGraphVoxels)
        throw InvalidArgument("the band of " + std::to_string(blocks_.size()) +
                              " blocks has too many voxels for one graph cut (at most 2^32 - 3)");
    grid_ = {(volume.z + kEdge - 1) / kEdge, (volume.y + kEdge - 1) / kEdge,
             (volume.x + kEdge - 1) / kEdge};
    slotByBlock_.assign(std::size_t(grid_.voxelCount()), -1);
    for (std::size_t s = 0; s < blocks_.size(); ++s) {
        const Index3& b = blocks_[s];
        if (!grid_.contains(b))
            throw InvalidArgument("block " + std::to_string(b.z) + "," + std::to_string(b.y) + "," +
                                  std::to_string(b.x) + " lies outside the volume");
        std::int32_t& slot = slotByBlock_[std::size_t((b.z * grid_.y + b.y) * grid_.x + b.x)];
        if (slot >= 0)
            throw InvalidArgument("block listed twice in a banded graph");
        slot = std::int32_t(s);
    }
    neighbourSlot_.resize(blocks_.size() * 27);
    for (std::size_t s = 0; s < blocks_.size(); ++s)
        for (int cz = 0; cz < 3; ++cz)
            for (int cy = 0; cy < 3; ++cy)
                for (int cx = 0; cx < 3; ++cx) {
                    const Index3 n{blocks_[s].z + cz - 1, blocks_[s].y + cy - 1,
                                   blocks_[s].x + cx - 1};
                    neighbourSlot_[s * 27 + std::size_t(cz * 9 + cy * 3 + cx)] =
                        std::int32_t(slotOf(n));
                }
    for (int l = 0; l < kBlockVoxels; ++l)
        localClass_[std::size_t(l)] =
            std::uint8_t(faceClass(l >> 6) * 9 + faceClass((l >> 3) & 7) * 3 + faceClass(l & 7));
    maskBySlotClass_.resize(blocks_.size() * 27);
    for (std::size_t s = 0; s < blocks_.size(); ++s)
        for (int c = 0; c < 27; ++c) {
            const int classZ = c / 9, classY = (c / 3) % 3, classX = c % 3;
            std::uint32_t mask = 0;
            for (std::size_t d = 0; d < kDirections.size(); ++d) {
                const Offset3& o = kDirections[d];
                // Which block the step lands in: it leaves only through a face it sits on.
                auto carry = [](int cls, int delta) {
                    return (cls == 0 && delta < 0) ? 0 : (cls == 2 && delta > 0) ? 2 : 1;
                };
                const int across =
                    carry(classZ, o.dz) * 9 + carry(classY, o.dy) * 3 + carry(classX, o.dx);
                if (neighbourSlot_[s * 27 + std::size_t(across)] >= 0)
                    mask |= 1u << d;
            }
            maskBySlotClass_[s * 27 + std::size_t(c)] = mask;
        }
}

std::int64_t BlockTopology::slotOf(const Index3& block) const {
    if (!grid_.contains(block))
        return -1;
    return slotByBlock_[std::size_t((block.z * grid_.y + block.y) * grid_.x + block.x)];
}

} // namespace cisterna::graphcut
