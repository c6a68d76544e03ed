#pragma once
// Fills a whole-volume GridGraph from an image, strokes and an Energy, and updates
// its terminal links after the strokes or the regional model change.
#include "core/graphcut/Energy.h"
#include "core/graphcut/GridGraph.h"
#include "core/util/Progress.h"
#include "core/volume/Volume.h"

#include <array>
#include <type_traits>
#include <vector>

namespace cisterna::graphcut {

// Net terminal capacity of a voxel from its intensity, stroke and linear index (the
// index reads the probability map of the Learned and Prior models); through a table
// of every value for integer images.
class TerminalCapacities {
public:
    TerminalCapacities(const Energy& energy, DataType type)
        : energy_(energy), map_(energy.probabilityMap()) {
        if (map_)
            table_ = energy.probabilityTable();
        else if (isIntegerType(type))
            table_ = energy.regionalTable(type);
    }
    template <class T>
    Capacity operator()(T intensity, std::uint8_t stroke, std::int64_t index) const {
        if (stroke == kStrokeObject)
            return energy_.hardCapacity();
        if (stroke == kStrokeBackground)
            return -energy_.hardCapacity();
        if (map_)
            return table_.empty() ? 0 : table_[map_[index]];
        if constexpr (std::is_integral_v<T>)
            return table_[std::size_t(intensity)];
        else
            return energy_.regionalCapacity(double(intensity), index);
    }

private:
    const Energy& energy_;
    const std::uint8_t* map_;
    std::vector<Capacity> table_;
};

// Capacity of the edge from intensity a to its neighbour's b in direction d, through
// tables for integer images (exactly the values Energy::pairCapacity gives). The
// tables are by signed step: with polarity, rising and falling steps differ.
class PairCapacities {
public:
    PairCapacities(const Energy& energy, DataType type) : energy_(energy) {
        // Tables for the connectivity's directions only (uint16: 512 KiB each way).
        const std::uint32_t k = std::uint32_t(energy.connectivity());
        if (type == DataType::UInt8) {
            byte_.resize(26 * 511);
            for (std::uint32_t d = 0; d < k; ++d) {
                const std::vector<double> rise = energy.gainTable(type, d, false);
                const std::vector<double> fall = energy.gainTable(type, d, true);
                for (std::size_t step = 0; step < 256; ++step) {
                    byte_[d * 511 + 255 + step] = energy.pairFromGain(rise[step], d);
                    byte_[d * 511 + 255 - step] = energy.pairFromGain(fall[step], d);
                }
            }
        } else if (type == DataType::UInt16) {
            rise_.resize(26);
            fall_.resize(26);
            for (std::uint32_t d = 0; d < k; ++d) {
                rise_[d] = energy.gainTable(type, d, false);
                fall_[d] = energy.gainTable(type, d, true);
            }
        }
    }
    template <class T> Capacity operator()(T a, T b, std::uint32_t d) const {
        if constexpr (std::is_same_v<T, std::uint8_t>)
            return byte_[std::size_t(std::ptrdiff_t(d) * 511 + 255 + (int(b) - int(a)))];
        else if constexpr (std::is_same_v<T, std::uint16_t>)
            return energy_.pairFromGain(
                b >= a ? rise_[d][std::size_t(b - a)] : fall_[d][std::size_t(a - b)], d);
        else
            return energy_.pairCapacity(double(a), double(b), d);
    }

private:
    const Energy& energy_;
    std::vector<Capacity> byte_;
    std::vector<std::vector<double>> rise_, fall_;
};

// image and strokes must be contiguous and of the topology's shape.
template <int K>
void buildDenseGraph(GridGraph<DenseTopology, K>& g, const Volume& image, const Volume& strokes,
                     const Energy& energy, const Progress& progress, double from, double to) {
    const DenseTopology& topo = g.topology();
    const Shape3 s = topo.shape();
    dispatchDataType(image.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const T* img = static_cast<const T*>(image.data());
        const std::uint8_t* str = static_cast<const std::uint8_t*>(strokes.data());
        const PairCapacities pair(energy, image.dataType());
        const TerminalCapacities terminal(energy, image.dataType());
        Capacity* residual = g.residuals();
        std::int32_t* link = g.terminals();
        std::uint8_t* state = g.states();
        std::array<std::int64_t, K> offset{};
        for (std::uint32_t d = 0; d < std::uint32_t(K); ++d)
            offset[d] =
                std::int64_t(topo.neighbour(VertexId(1) << 31, d)) - (std::int64_t(1) << 31);
        // Voxels on the volume's faces check each direction; the rest do not.
        auto border = [&](std::int64_t z, std::int64_t y, std::int64_t x, VertexId v) {
            const std::uint8_t b = topo.borderState(z, y, x);
            const std::uint32_t mask = topo.neighbourMask(v, b);
            Capacity* r = residual + std::size_t(v) * K;
            const T a = img[v];
            for (std::uint32_t d = 0; d < std::uint32_t(K); ++d)
                r[d] = (mask >> d) & 1u ? pair(a, img[topo.neighbour(v, d)], d) : 0;
            link[v] = terminal::encode(terminal(a, str[v], v));
            state[v] = b;
        };
        for (std::int64_t z = 0; z < s.z; ++z) {
            progress.report(from + (to - from) * double(z) / double(s.z), "building the graph");
            for (std::int64_t y = 0; y < s.y; ++y) {
                const VertexId row = topo.index(z, y, 0);
                const bool inner = z > 0 && z + 1 < s.z && y > 0 && y + 1 < s.y && s.x > 2;
                if (!inner) {
                    for (std::int64_t x = 0; x < s.x; ++x)
                        border(z, y, x, row + VertexId(x));
                    continue;
                }
                border(z, y, 0, row);
                for (std::int64_t x = 1; x + 1 < s.x; ++x) {
                    const std::int64_t v = std::int64_t(row) + x;
                    const T a = img[v];
                    Capacity* r = residual + std::size_t(v) * K;
                    for (std::uint32_t d = 0; d < std::uint32_t(K); ++d)
                        r[d] = pair(a, img[v + offset[d]], d);
                    link[v] = terminal::encode(terminal(a, str[v], v));
                    state[v] = 0;
                }
                border(z, y, s.x - 1, row + VertexId(s.x - 1));
            }
        }
    });
    g.clearSearchState();
}

// Applies a change of terminal capacities, old -> new, to the residual graph as in
// Kohli and Torr's dynamic graph cuts: the signed residual of each link moves by the
// change of its capacity; where that reverses its sign, the flow already pushed
// through the link is kept and the node is re-parametrised (both terminal
// capacities raised by the same constant), which leaves the minimum cut unchanged.
// Returns the number of voxels whose link changed; lists them in `changedVoxels`
// (when given) up to `listLimit` of them, and clears the list beyond.
template <int K>
std::int64_t
updateDenseTerminals(GridGraph<DenseTopology, K>& g, const Volume& image, const Volume& oldStrokes,
                     const Energy& oldEnergy, const Volume& newStrokes, const Energy& newEnergy,
                     const Progress& progress, double from, double to,
                     std::vector<VertexId>* changedVoxels = nullptr, std::size_t listLimit = 0) {
    if (changedVoxels)
        changedVoxels->clear();
    bool listing = changedVoxels != nullptr;
    const Shape3 s = g.topology().shape();
    std::int64_t changed = 0;
    dispatchDataType(image.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const T* img = static_cast<const T*>(image.data());
        const std::uint8_t* before = static_cast<const std::uint8_t*>(oldStrokes.data());
        const std::uint8_t* after = static_cast<const std::uint8_t*>(newStrokes.data());
        const TerminalCapacities oldT(oldEnergy, image.dataType());
        const TerminalCapacities newT(newEnergy, image.dataType());
        std::int32_t* link = g.terminals();
        const std::int64_t plane = s.y * s.x;
        for (std::int64_t z = 0; z < s.z; ++z) {
            progress.report(from + (to - from) * double(z) / double(s.z), "updating strokes");
            for (std::int64_t i = z * plane; i < (z + 1) * plane; ++i) {
                const Flow delta =
                    Flow(newT(img[i], after[i], i)) - Flow(oldT(img[i], before[i], i));
                changed += delta != 0;
                if (listing && delta != 0) {
                    if (changedVoxels->size() < listLimit) {
                        changedVoxels->push_back(VertexId(i));
                    } else {
                        listing = false;
                        changedVoxels->clear();
                        changedVoxels->shrink_to_fit();
                    }
                }
                // Re-encoding also unlinks voxels whose residual dropped to zero,
                // so that the source's and sink's edge lists stay short.
                link[i] = terminal::encode(terminal::decode(link[i]) + delta);
            }
        }
    });
    g.clearSearchState();
    return changed;
}

// Energy of the cut a maximum flow leaves, from the terminal flows alone (see
// DynamicGraphCut.cpp): each voxel's net inflow phi = t - residual counts once, minus
// the constant by which re-parametrisation raised both of its terminal links.
template <class G, class TerminalOf> Flow cutEnergyFromFlow(const G& g, TerminalOf&& capacityOf) {
    Flow energy = 0;
    const std::int32_t* link = g.terminals();
    for (VertexId v = 0; v < g.voxelCount(); ++v) {
        const Flow rho = terminal::decode(link[v]);
        const Flow phi = Flow(capacityOf(v)) - rho;
        const Flow a = phi > 0 ? phi : 0, b = phi < 0 ? -phi : 0;
        const Flow cs = a + (rho > 0 ? rho : 0), ct = b + (rho < 0 ? -rho : 0);
        energy += a - (cs < ct ? cs : ct);
    }
    return energy;
}

} // namespace cisterna::graphcut
