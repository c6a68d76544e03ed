#include "core/metrics/ConnectedComponents.h"

#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <array>
#include <numeric>

namespace cisterna {
namespace {

// Union-find over provisional labels; the parent array grows as labels are made.
class DisjointSets {
public:
    std::uint32_t make() {
        parent_.push_back(static_cast<std::uint32_t>(parent_.size()));
        return parent_.back();
    }
    std::uint32_t find(std::uint32_t a) {
        while (parent_[a] != a) {
            parent_[a] = parent_[parent_[a]];
            a = parent_[a];
        }
        return a;
    }
    void unite(std::uint32_t a, std::uint32_t b) {
        a = find(a);
        b = find(b);
        if (a < b)
            parent_[b] = a;
        else if (b < a)
            parent_[a] = b;
    }
    std::size_t size() const { return parent_.size(); }

private:
    std::vector<std::uint32_t> parent_;
};

// Neighbours already visited in raster order (z, y, x): the "backward" half.
std::vector<std::array<int, 3>> backwardOffsets(Connectivity c) {
    std::vector<std::array<int, 3>> offsets;
    for (int dz = -1; dz <= 0; ++dz)
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
                if (dz == 0 && (dy > 0 || (dy == 0 && dx >= 0)))
                    continue;
                const int nonZero = (dz != 0) + (dy != 0) + (dx != 0);
                if (c == Connectivity::Faces6 && nonZero > 1)
                    continue;
                if (c == Connectivity::Edges18 && nonZero > 2)
                    continue;
                offsets.push_back({dz, dy, dx});
            }
    return offsets;
}

} // namespace

Components connectedComponents(const Volume& volume, Connectivity connectivity, double threshold) {
    Components result;
    result.shape = volume.shape();
    const Shape3 s = volume.shape();
    const std::int64_t n = s.voxelCount();
    requireMemory(static_cast<std::uint64_t>(n) * sizeof(std::uint32_t),
                  "connected-component labels");
    result.labels.assign(static_cast<std::size_t>(n), 0);
    const auto offsets = backwardOffsets(connectivity);
    DisjointSets sets;
    sets.make(); // label 0 = background

    dispatchDataType(volume.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const auto v = volume.view<T>();
        std::int64_t i = 0;
        for (std::int64_t z = 0; z < s.z; ++z)
            for (std::int64_t y = 0; y < s.y; ++y)
                for (std::int64_t x = 0; x < s.x; ++x, ++i) {
                    if (!(double(v(z, y, x)) > threshold))
                        continue;
                    std::uint32_t label = 0;
                    for (const auto& o : offsets) {
                        const std::int64_t nz = z + o[0], ny = y + o[1], nx = x + o[2];
                        if (nz < 0 || ny < 0 || nx < 0 || ny >= s.y || nx >= s.x)
                            continue;
                        const std::uint32_t other =
                            result.labels[static_cast<std::size_t>((nz * s.y + ny) * s.x + nx)];
                        if (!other)
                            continue;
                        if (!label)
                            label = other;
                        else if (other != label)
                            sets.unite(label, other);
                    }
                    if (!label) {
                        if (sets.size() >= 0xFFFFFFFFu)
                            throw InvalidArgument("more than 4 billion separate objects");
                        label = sets.make();
                    }
                    result.labels[static_cast<std::size_t>(i)] = label;
                }
    });

    // Compact the roots to 1..count in raster order of first appearance.
    std::vector<std::uint32_t> finalLabel(sets.size(), 0);
    std::uint32_t next = 0;
    for (std::uint32_t l = 1; l < sets.size(); ++l) {
        const std::uint32_t root = sets.find(l);
        if (!finalLabel[root])
            finalLabel[root] = ++next;
        finalLabel[l] = finalLabel[root];
    }
    result.count = next;
    result.sizes.assign(next + 1, 0);
    for (auto& l : result.labels) {
        l = finalLabel[l];
        ++result.sizes[l];
    }
    return result;
}

} // namespace cisterna
