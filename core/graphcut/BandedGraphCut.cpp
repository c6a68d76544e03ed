#include "core/graphcut/BandedGraphCut.h"

#include "core/graphcut/DenseGraphBuilder.h"
#include "core/graphcut/MaxFlow.h"
#include "core/util/Error.h"
#include "core/util/Stopwatch.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace cisterna {
namespace {

using namespace graphcut;
// Per axis: 0 on a block's low face, 2 on its high face, 1 inside (blocks of f >= 2).
int faceClass(std::int64_t local, int f) {
    return local == 0 ? 0 : local == f - 1 ? 2 : 1;
}

// The direction index of a step of -1/0/+1 per axis (26 = no step).
std::uint32_t directionOf(int dz, int dy, int dx) {
    for (std::uint32_t d = 0; d < kDirections.size(); ++d)
        if (kDirections[d].dz == dz && kDirections[d].dy == dy && kDirections[d].dx == dx)
            return d;
    return 26;
}

// Which fine edges leave a block of side f, and into which neighbouring block: for
// each of the 27 face classes of a voxel, the mask of directions (< K) that leave
// its block and, per direction, the direction of the block they enter. A fine step
// changes an axis's block only where it has a non-zero component, so the block step
// is always one of the first K directions too.
template <int K> struct BlockCrossing {
    std::array<std::uint32_t, 27> mask{};
    std::array<std::array<std::uint8_t, K>, 27> blockDirection{};

    BlockCrossing() {
        for (int c = 0; c < 27; ++c) {
            const int cls[3] = {c / 9, (c / 3) % 3, c % 3};
            for (std::uint32_t d = 0; d < std::uint32_t(K); ++d) {
                const int delta[3] = {kDirections[d].dz, kDirections[d].dy, kDirections[d].dx};
                int step[3];
                for (int a = 0; a < 3; ++a)
                    step[a] = (cls[a] == 0 && delta[a] < 0)   ? -1
                              : (cls[a] == 2 && delta[a] > 0) ? 1
                                                              : 0;
                if (step[0] == 0 && step[1] == 0 && step[2] == 0)
                    continue;
                mask[std::size_t(c)] |= 1u << d;
                blockDirection[std::size_t(c)][d] =
                    std::uint8_t(directionOf(step[0], step[1], step[2]));
            }
        }
    }
};

// Directions (< K) that stay inside the volume, by the six border bits of
// DenseTopology::borderState (computed here for volumes of any size).
std::array<std::uint32_t, 64> inVolumeMasks() {
    std::array<std::uint32_t, 64> masks{};
    for (std::uint32_t border = 0; border < 64; ++border)
        for (std::uint32_t d = 0; d < kDirections.size(); ++d) {
            const Offset3& o = kDirections[d];
            const bool leaves = (o.dx < 0 && (border & 1)) || (o.dx > 0 && (border & 2)) ||
                                (o.dy < 0 && (border & 4)) || (o.dy > 0 && (border & 8)) ||
                                (o.dz < 0 && (border & 16)) || (o.dz > 0 && (border & 32));
            if (!leaves)
                masks[border] |= 1u << d;
        }
    return masks;
}

std::int64_t ceilDiv(std::int64_t a, std::int64_t b) {
    return (a + b - 1) / b;
}

Shape3 coarseShape(const Shape3& s, int f) {
    return {ceilDiv(s.z, f), ceilDiv(s.y, f), ceilDiv(s.x, f)};
}

// How much of a cube's boundary cost a contrary regional sum must reach for the
// band to include it (below 1: regions smaller or less regular than a cube count).
constexpr double kContestFraction = 0.5;

// Box sum over 3^3 neighbours, one axis at a time: voxel noise averages out while
// regions whose intensities favour one class keep their sign.
void smoothRegional(std::vector<float>& v, const Shape3& s) {
    const std::int64_t n[3] = {s.z, s.y, s.x};
    const std::int64_t stride[3] = {s.y * s.x, s.x, 1};
    std::vector<float> out(v.size());
    for (int axis = 0; axis < 3; ++axis) {
        for (std::int64_t i = 0; i < std::int64_t(v.size()); ++i) {
            const std::int64_t p = (i / stride[axis]) % n[axis];
            float sum = v[std::size_t(i)];
            if (p > 0)
                sum += v[std::size_t(i - stride[axis])];
            if (p + 1 < n[axis])
                sum += v[std::size_t(i + stride[axis])];
            out[std::size_t(i)] = sum;
        }
        v.swap(out);
    }
}

// What a cut of the coarse graph decides per coarse voxel.
struct CoarseCut {
    Shape3 shape;
    std::vector<std::uint8_t> label;   // 1 = object
    std::vector<std::uint8_t> strokes; // bit 0: holds object strokes, bit 1: background
    std::vector<float> regional;       // summed regional term, smoothed over 3^3 coarse voxels
    // Boundary cost of a (3f)^3 cube at the mean fine edge capacity: a smoothed
    // regional sum beyond it could pay for a region the coarse cut did not take.
    double contestThreshold = 0;
    std::uint64_t solverBytes = 0;
    double buildSeconds = 0, flowSeconds = 0;
};

// The coarse graph is the full-resolution energy restricted to labellings that are
// constant on f^3 blocks: a coarse voxel's terminal capacity is the sum of its
// voxels' regional capacities, a coarse edge the sum of the fine edges between the
// two blocks. Blocks holding strokes of one class are hard constraints. The image
// is thus never resampled, and a coarse cut is the exact optimum among blocky
// labellings. All sums are divided by one integer `q` that keeps them in 32 bits.
template <int K>
CoarseCut coarseCut(const Volume& image, const Volume& strokes, const Energy& energy, int f,
                    const Progress& progress, double from, double to) {
    const Stopwatch start;
    const Shape3 s = image.shape();
    CoarseCut cut;
    cut.shape = coarseShape(s, f);
    GridGraph<DenseTopology, K> g{DenseTopology(cut.shape)};
    cut.solverBytes =
        std::uint64_t(g.vertexCount()) * (GridGraph<DenseTopology, K>::kBytesPerVertex +
                                          GridGraph<DenseTopology, K>::kBoostBytesPerVertex);
    const std::uint64_t coarseCount = std::uint64_t(cut.shape.voxelCount());
    requireMemory(6 * coarseCount, "coarse labels of the banded graph cut");
    cut.label.assign(coarseCount, 0);
    cut.strokes.assign(coarseCount, 0);
    cut.regional.assign(coarseCount, 0.0f);

    // Bound on a coarse voxel's summed capacities, edges and regional term alike.
    const BlockCrossing<K> crossing;
    std::uint64_t maxPairSum = 0;
    for (std::uint32_t d = 0; d < std::uint32_t(K); ++d)
        maxPairSum += std::uint64_t(energy.pairFromGain(energy.gain(0, d), d));
    const std::uint64_t maxRegional =
        std::uint64_t(energy.hardCapacity()) - maxPairSum; // >= max |regional| + 1
    std::uint64_t bound = std::uint64_t(f) * f * f * maxRegional;
    for (int lz = 0; lz < f; ++lz)
        for (int ly = 0; ly < f; ++ly)
            for (int lx = 0; lx < f; ++lx) {
                const int c = faceClass(lz, f) * 9 + faceClass(ly, f) * 3 + faceClass(lx, f);
                for (std::uint32_t m = crossing.mask[std::size_t(c)]; m; m &= m - 1)
                    bound += std::uint64_t(
                        energy.pairFromGain(energy.gain(0, std::uint32_t(__builtin_ctz(m))),
                                            std::uint32_t(__builtin_ctz(m))));
            }
    const std::int64_t q =
        std::max<std::int64_t>(1, ceilDiv(std::int64_t(bound), std::int64_t(1) << 29));
    const Capacity hard = Capacity(ceilDiv(std::int64_t(bound), q) + K + 1);

    // Accumulate the undivided sums in the graph's own arrays: one coarse edge sums
    // at most 9 f^2 fine edges and one terminal f^3 regional terms, both < 2^31.
    const DenseTopology& topo = g.topology();
    Capacity* residual = g.residuals();
    std::int32_t* link = g.terminals();
    std::fill(residual, residual + coarseCount * K, 0);
    std::fill(link, link + coarseCount, 0);
    const int shift = __builtin_ctz(unsigned(f));
    const std::array<std::uint32_t, 64> inVolume = inVolumeMasks();
    double edgeSum = 0;
    std::int64_t edgeCount = 0;
    std::array<std::int64_t, K> step{};
    for (std::size_t d = 0; d < std::size_t(K); ++d)
        step[d] =
            (std::int64_t(kDirections[d].dz) * s.y + kDirections[d].dy) * s.x + kDirections[d].dx;
    dispatchDataType(image.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const T* img = static_cast<const T*>(image.data());
        const std::uint8_t* str = static_cast<const std::uint8_t*>(strokes.data());
        const PairCapacities pair(energy, image.dataType());
        const TerminalCapacities terminal(energy, image.dataType());
        for (std::int64_t z = 0; z < s.z; ++z) {
            progress.report(from + (to - from) * 0.3 * double(z) / double(s.z),
                            "building the coarse graph");
            const int cz = faceClass(z & (f - 1), f);
            const std::uint32_t borderZ = (z == 0 ? 16u : 0u) | (z == s.z - 1 ? 32u : 0u);
            for (std::int64_t y = 0; y < s.y; ++y) {
                const int cy = faceClass(y & (f - 1), f);
                const std::uint32_t borderZY =
                    borderZ | (y == 0 ? 4u : 0u) | (y == s.y - 1 ? 8u : 0u);
                const std::int64_t row = (z * s.y + y) * s.x;
                const std::int64_t coarseRow =
                    ((z >> shift) * cut.shape.y + (y >> shift)) * cut.shape.x;
                for (std::int64_t x = 0; x < s.x; ++x) {
                    const std::int64_t v = row + x;
                    const std::int64_t c = coarseRow + (x >> shift);
                    const std::uint8_t stroke = str[v];
                    if (stroke == kStrokeObject)
                        cut.strokes[std::size_t(c)] |= 1;
                    else if (stroke == kStrokeBackground)
                        cut.strokes[std::size_t(c)] |= 2;
                    else
                        link[c] += terminal(img[v], kStrokeNone, v);
                    const int cls = cz * 9 + cy * 3 + faceClass(x & (f - 1), f);
                    std::uint32_t m = crossing.mask[std::size_t(cls)];
                    if (!m)
                        continue;
                    m &= inVolume[borderZY | (x == 0 ? 1u : 0u) | (x == s.x - 1 ? 2u : 0u)];
                    for (; m; m &= m - 1) {
                        const std::uint32_t d = std::uint32_t(__builtin_ctz(m));
                        const std::uint32_t bd = crossing.blockDirection[std::size_t(cls)][d];
                        residual[std::size_t(c) * K + bd] += pair(img[v], img[v + step[d]], d);
                    }
                }
            }
        }
    });
    auto divide = [q](std::int64_t value) {
        return q == 1 ? value : std::int64_t(std::llround(double(value) / double(q)));
    };
    std::uint8_t* state = g.states();
    for (std::int64_t z = 0; z < cut.shape.z; ++z)
        for (std::int64_t y = 0; y < cut.shape.y; ++y)
            for (std::int64_t x = 0; x < cut.shape.x; ++x) {
                const VertexId c = topo.index(z, y, x);
                state[c] = topo.borderState(z, y, x);
                for (int d = 0; d < K; ++d)
                    residual[std::size_t(c) * K + std::size_t(d)] =
                        Capacity(divide(residual[std::size_t(c) * K + std::size_t(d)]));
                const std::uint8_t st = cut.strokes[c];
                cut.regional[c] = st == 0 ? float(link[c]) : 0.0f;
                const Flow t = st == 1 ? hard : st == 2 ? -hard : divide(link[c]);
                link[c] = terminal::encode(t);
            }
    g.clearSearchState();
    smoothRegional(cut.regional, cut.shape);
    const double meanEdge = edgeCount > 0 ? edgeSum / double(edgeCount) : 0.0;
    cut.contestThreshold = kContestFraction * 6.0 * 9.0 * f * f * meanEdge;
    cut.buildSeconds = start.seconds();
    const Stopwatch flowStart;
    runMaxFlow(g, progress, from + (to - from) * 0.3, to);
    cut.flowSeconds = flowStart.seconds();
    for (VertexId c = 0; c < g.voxelCount(); ++c)
        cut.label[c] = g.onSourceSide(c) ? 1 : 0;
    return cut;
}

// The 8^3 blocks of the band: every block that overlaps a coarse voxel within
// `radius` (in coarse voxels, chessboard distance) of the coarse boundary or of a
// coarse voxel whose label contradicts a stroke inside it or its regional evidence
// (contested, see CoarseCut::contestThreshold). Outside the band every
// fine edge then joins voxels of equal coarse labels, and every stroke agrees with
// its coarse label, so fixing those voxels loses no hard constraint.
template <int K>
std::vector<Index3> bandBlocks(const CoarseCut& cut, int f, int radius, const Shape3& fine) {
    const Shape3 cs = cut.shape;
    const DenseTopology topo(cs);
    std::vector<std::uint8_t> seed(std::size_t(cs.voxelCount()), 0);
    for (std::int64_t z = 0; z < cs.z; ++z)
        for (std::int64_t y = 0; y < cs.y; ++y)
            for (std::int64_t x = 0; x < cs.x; ++x) {
                const VertexId c = topo.index(z, y, x);
                const std::uint8_t l = cut.label[c];
                const std::uint8_t st = cut.strokes[c];
                // Contested blocks: the regional term disagrees with the coarse
                // label, so the fine cut may too (near-ties the coarse cut can miss).
                const double r = cut.regional[c];
                const bool contested =
                    st == 0 && (l ? r < -cut.contestThreshold : r > cut.contestThreshold);
                if (st == 3 || (st == 1 && !l) || (st == 2 && l) || contested) {
                    seed[c] = 1;
                    continue;
                }
                std::uint32_t m = topo.neighbourMask(c, topo.borderState(z, y, x)) &
                                  ((K == 26 ? (1u << 26) : (1u << K)) - 1);
                for (; m; m &= m - 1)
                    if (cut.label[topo.neighbour(c, std::uint32_t(__builtin_ctz(m)))] != l) {
                        seed[c] = 1;
                        break;
                    }
            }
    // Dilate the seeds by `radius` along each axis in turn (a box).
    auto dilate = [&](int axis) {
        if (radius <= 0)
            return;
        const std::int64_t n[3] = {cs.z, cs.y, cs.x};
        const std::int64_t stride[3] = {cs.y * cs.x, cs.x, 1};
        std::vector<std::uint8_t> out(seed.size(), 0);
        for (std::int64_t i = 0; i < std::int64_t(seed.size()); ++i) {
            if (!seed[std::size_t(i)])
                continue;
            const std::int64_t p = (i / stride[axis]) % n[axis];
            for (std::int64_t k = std::max<std::int64_t>(0, p - radius);
                 k <= std::min<std::int64_t>(n[axis] - 1, p + radius); ++k)
                out[std::size_t(i + (k - p) * stride[axis])] = 1;
        }
        seed.swap(out);
    };
    for (int axis = 0; axis < 3; ++axis)
        dilate(axis);

    const int per = BlockTopology::kEdge / f; // coarse voxels per block edge
    const Shape3 grid{ceilDiv(fine.z, BlockTopology::kEdge), ceilDiv(fine.y, BlockTopology::kEdge),
                      ceilDiv(fine.x, BlockTopology::kEdge)};
    std::vector<std::uint8_t> present(std::size_t(grid.voxelCount()), 0);
    for (std::int64_t z = 0; z < cs.z; ++z)
        for (std::int64_t y = 0; y < cs.y; ++y)
            for (std::int64_t x = 0; x < cs.x; ++x)
                if (seed[topo.index(z, y, x)])
                    present[std::size_t(((z / per) * grid.y + y / per) * grid.x + x / per)] = 1;
    std::vector<Index3> blocks;
    for (std::int64_t z = 0; z < grid.z; ++z)
        for (std::int64_t y = 0; y < grid.y; ++y)
            for (std::int64_t x = 0; x < grid.x; ++x)
                if (present[std::size_t((z * grid.y + y) * grid.x + x)])
                    blocks.push_back({z, y, x});
    return blocks;
}

template <int K>
void bandedCut(const Volume& image, const Volume& strokes, const Energy& energy,
               const GraphCutParams& params, int f, const Progress& progress,
               GraphCutResult& result) {
    GraphCutStats& stats = result.stats;
    const Shape3 s = image.shape();
    Volume labels = Volume::allocate(DataType::UInt8, s, VolumeRole::Label, "graph-cut labels");

    // The coarse graph is freed before the band's is allocated.
    const CoarseCut coarse = coarseCut<K>(image, strokes, energy, f, progress, 0.0, 0.4);
    Stopwatch t;
    std::vector<Index3> blocks = bandBlocks<K>(coarse, f, params.bandRadius, s);
    progress.report(0.4, "building the band");
    GridGraph<BlockTopology, K> g{BlockTopology(s, std::move(blocks))};
    const BlockTopology& topo = g.topology();
    const std::uint64_t bandBytes =
        std::uint64_t(g.vertexCount()) * (GridGraph<BlockTopology, K>::kBytesPerVertex +
                                          GridGraph<BlockTopology, K>::kBoostBytesPerVertex);
    const Shape3 cs = coarse.shape;
    auto coarseLabelAt = [&](std::int64_t z, std::int64_t y, std::int64_t x) {
        return coarse.label[std::size_t(((z / f) * cs.y + y / f) * cs.x + x / f)];
    };

    // Fine capacities inside the band; an edge to a fixed voxel outside it becomes
    // part of the terminal link (cutting it costs the same as labelling against the
    // fixed neighbour). `offset` collects what the net links leave out, so that the
    // reported energy is that of the whole labelling.
    Flow offset = 0;
    std::int64_t bandVoxels = 0;
    dispatchDataType(image.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const T* img = static_cast<const T*>(image.data());
        const std::uint8_t* str = static_cast<const std::uint8_t*>(strokes.data());
        const PairCapacities pair(energy, image.dataType());
        const TerminalCapacities terminal(energy, image.dataType());
        Capacity* residual = g.residuals();
        std::int32_t* link = g.terminals();
        std::uint8_t* state = g.states();
        const std::size_t slots = topo.blocks().size();
        for (std::size_t slot = 0; slot < slots; ++slot) {
            if ((slot & 255) == 0)
                progress.report(0.4 + 0.1 * double(slot) / double(slots), "building the band");
            for (VertexId local = 0; local < VertexId(BlockTopology::kBlockVoxels); ++local) {
                const VertexId v = VertexId(slot << 9) | local;
                const Index3 p = topo.coordinates(v);
                Capacity* r = residual + std::size_t(v) * K;
                state[v] = 0;
                if (!s.contains(p)) {
                    std::fill(r, r + K, 0);
                    link[v] = 0;
                    continue;
                }
                ++bandVoxels;
                const std::int64_t i = (p.z * s.y + p.y) * s.x + p.x;
                const T a = img[i];
                const Flow own = terminal(a, str[i], i);
                Flow toObject = 0, toBackground = 0; // edges to fixed neighbours
                const std::uint32_t inBand = topo.neighbourMask(v, 0);
                for (std::uint32_t d = 0; d < std::uint32_t(K); ++d) {
                    const Offset3& o = kDirections[d];
                    const Index3 q{p.z + o.dz, p.y + o.dy, p.x + o.dx};
                    if (!s.contains(q)) {
                        r[d] = 0;
                        continue;
                    }
                    const Capacity w = pair(a, img[(q.z * s.y + q.y) * s.x + q.x], d);
                    if (inBand >> d & 1u) {
                        r[d] = w;
                        continue;
                    }
                    r[d] = 0;
                    (coarseLabelAt(q.z, q.y, q.x) ? toObject : toBackground) += w;
                }
                const Flow source = std::max<Flow>(own, 0) + toObject;
                const Flow sink = std::max<Flow>(-own, 0) + toBackground;
                offset += std::min(source, sink);
                link[v] = terminal::encode(source - sink);
            }
        }
    });
    g.clearSearchState();
    stats.buildSeconds = t.seconds();

    t.restart();
    const Flow flow = runMaxFlow(g, progress, 0.5, 0.95);
    stats.flowSeconds = t.seconds();

    // Labels: coarse everywhere, then the band's cut; fixed voxels add their own
    // terminal costs (edges between fixed voxels never join different labels).
    progress.report(0.95, "writing the labels");
    Flow fixedCost = 0;
    std::int64_t objects = 0;
    const Shape3 grid = topo.blockGridShape();
    dispatchDataType(image.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const T* img = static_cast<const T*>(image.data());
        const std::uint8_t* str = static_cast<const std::uint8_t*>(strokes.data());
        const TerminalCapacities terminal(energy, image.dataType());
        auto* out = static_cast<std::uint8_t*>(labels.data());
        for (std::int64_t z = 0; z < s.z; ++z)
            for (std::int64_t y = 0; y < s.y; ++y) {
                const std::int64_t row = (z * s.y + y) * s.x;
                for (std::int64_t bx = 0; bx < grid.x; ++bx) {
                    const std::int64_t x0 = bx * BlockTopology::kEdge;
                    const std::int64_t x1 = std::min(s.x, x0 + BlockTopology::kEdge);
                    const std::int64_t slot = topo.slotOf({z >> 3, y >> 3, bx});
                    if (slot >= 0) {
                        const VertexId base =
                            VertexId(slot << 9) | VertexId((z & 7) << 6 | (y & 7) << 3);
                        for (std::int64_t x = x0; x < x1; ++x) {
                            out[row + x] = g.onSourceSide(base | VertexId(x & 7)) ? 1 : 0;
                            objects += out[row + x];
                        }
                        continue;
                    }
                    for (std::int64_t x = x0; x < x1; ++x) {
                        const std::uint8_t l = coarseLabelAt(z, y, x);
                        out[row + x] = l;
                        objects += l;
                        const Flow own = terminal(img[row + x], str[row + x], row + x);
                        fixedCost += l ? std::max<Flow>(-own, 0) : std::max<Flow>(own, 0);
                    }
                }
            }
    });

    result.labels = std::move(labels);
    stats.banded = true;
    stats.coarseFactor = f;
    stats.bandVoxels = bandVoxels;
    stats.graphVoxels = cs.voxelCount() + std::int64_t(g.voxelCount());
    stats.solverBytes = std::max(coarse.solverBytes, bandBytes);
    stats.objectVoxels = objects;
    stats.energyQuanta = flow + offset + fixedCost;
    stats.buildSeconds += coarse.buildSeconds;
    stats.flowSeconds += coarse.flowSeconds;
}

} // namespace

int autoCoarseFactor(const Shape3& shape, const GraphCutParams& params) {
    if (params.coarseFactor != 0) {
        if (params.coarseFactor != 2 && params.coarseFactor != 4 && params.coarseFactor != 8)
            throw InvalidArgument("the coarse factor of a banded cut must be 2, 4 or 8, got " +
                                  std::to_string(params.coarseFactor));
        return params.coarseFactor;
    }
    for (int f : {2, 4})
        if (coarseShape(shape, f).voxelCount() <= params.coarseVoxelLimit)
            return f;
    return 8;
}

GraphCutResult bandedGraphCut(const Volume& image, const Volume& strokes, const Energy& energy,
                              const GraphCutParams& params, const Progress& progress) {
    const Stopwatch start;
    checkStrokes(image, strokes);
    if (params.bandRadius < 0 || params.bandRadius > 64)
        throw InvalidArgument("the band radius must be in 0..64 coarse voxels, got " +
                              std::to_string(params.bandRadius));
    const int f = autoCoarseFactor(image.shape(), params);
    const Volume img = image.contiguous();
    const Volume str = strokes.contiguous();
    GraphCutResult result;
    GraphCutStats& stats = result.stats;
    stats.sigma = energy.sigma();
    stats.unit = energy.unit();
    stats.connectivity = energy.connectivity();
    stats.voxels = image.voxelCount();
    withConnectivity(energy.connectivity(), [&](auto k) {
        bandedCut<decltype(k)::value>(img, str, energy, params, f, progress, result);
    });
    if (image.hasVoxelSize())
        result.labels.setVoxelSize(image.voxelSize());
    result.labels.setOrigin(image.origin());
    stats.energy = double(stats.energyQuanta) * energy.unit();
    stats.totalSeconds = start.seconds();
    progress.report(1.0, "graph cut done");
    return result;
}

} // namespace cisterna
