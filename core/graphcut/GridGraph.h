#pragma once
// A Boost.Graph model of a 3D voxel grid plus a source and a sink, built for
// boost::boykov_kolmogorov_max_flow. Nothing is stored per edge but the residual
// capacity: vertices are voxel indices, an edge is a (voxel, direction) pair, the
// reverse edge and the endpoints are computed, and the algorithm's per-vertex maps
// are flat arrays of one or four bytes. At 6-connectivity the whole solver state is
// about 46 bytes per voxel (adjacency_list needs about 600).
//
// Terminal links are one signed number per voxel (positive: linked to the source,
// negative: to the sink), because a voxel linked to both terminals has the same
// minimum cut, up to a constant, as one linked to the stronger one by the difference.
// The reverse of a terminal edge is kept at zero residual capacity: flow pushed back
// into a terminal never lies on an augmenting path.
//
// Two topologies share the code: DenseTopology (the whole volume, index = z*Y*X +
// y*X + x) and BlockTopology (a sparse set of 8^3 blocks, for the band of a
// coarse-to-fine cut).
#include "core/graphcut/GridTopology.h"
#include "core/util/Progress.h"
#include "core/volume/MemoryBudget.h"

#include <boost/graph/graph_traits.hpp>
#include <boost/graph/properties.hpp>
#include <boost/iterator/counting_iterator.hpp>
#include <boost/iterator/iterator_facade.hpp>
#include <boost/property_map/property_map.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace cisterna::graphcut {

using Capacity = std::int32_t; // one residual capacity as stored
using Flow = std::int64_t;     // sums of capacities (the flow value, energies)

// Edge codes beyond the 26 neighbour directions.
constexpr std::uint32_t kToTerminal = 26;   // voxel -> its terminal
constexpr std::uint32_t kFromTerminal = 27; // its terminal -> voxel

struct GridEdge {
    VertexId voxel = 0;
    std::uint32_t code = 0; // 0..25: to neighbour in kDirections[code]; 26/27: terminal
    bool operator==(const GridEdge& o) const { return voxel == o.voxel && code == o.code; }
    bool operator!=(const GridEdge& o) const { return !(*this == o); }
};

// The terminal link of a voxel as stored: 0 = none, s > 0 = to the source with
// residual s - 1, s < 0 = to the sink with residual -s - 1. The offset by one keeps
// the side of a link whose residual has dropped to zero, so edges do not change
// ends while the algorithm runs.
namespace terminal {
inline std::int32_t encode(Flow signedResidual) {
    return signedResidual > 0   ? std::int32_t(signedResidual + 1)
           : signedResidual < 0 ? std::int32_t(signedResidual - 1)
                                : 0;
}
inline Flow decode(std::int32_t stored) {
    return stored > 0 ? Flow(stored) - 1 : stored < 0 ? Flow(stored) + 1 : 0;
}
} // namespace terminal

// Colours of boost::default_color_type packed into the low two bits of a state byte.
namespace colour {
constexpr std::uint8_t kGray = 0, kBlack = 1, kWhite = 2, kMask = 3;
} // namespace colour

template <class Topology, int K> class GridGraph {
    static_assert(K == 6 || K == 18 || K == 26, "connectivity is 6, 18 or 26");

public:
    static constexpr int kConnectivity = K;
    static constexpr std::uint32_t kTerminalBit = 1u << kToTerminal;

    // Solver bytes per vertex held by the graph itself (residuals, terminal link,
    // state, predecessor, distance).
    static constexpr std::uint64_t kBytesPerVertex = 4 * K + 4 + 1 + 1 + 4;
    // Bytes per vertex allocated inside boost's bk_max_flow: a long time stamp, two
    // bit vectors and, at worst, every vertex once in the active queue.
    static constexpr std::uint64_t kBoostBytesPerVertex = 8 + 1 + 4;

    // Allocates the solver arrays (uninitialised: the builder fills them).
    // Throws MemoryBudgetError first when they cannot fit.
    explicit GridGraph(Topology topology);

    const Topology& topology() const { return topo_; }
    VertexId voxelCount() const { return n_; }
    VertexId vertexCount() const { return n_ + 2; }
    VertexId sourceVertex() const { return n_; }
    VertexId sinkVertex() const { return n_ + 1; }
    CISTERNA_GRAPHCUT_INLINE bool isTerminal(VertexId v) const { return v >= n_; }

    // Raw arrays, for the builders: K residuals per voxel, then one terminal link.
    Capacity* residuals() { return residual_.get(); }
    const Capacity* residuals() const { return residual_.get(); }
    std::int32_t* terminals() { return terminal_.get(); }
    const std::int32_t* terminals() const { return terminal_.get(); }
    std::uint8_t* states() { return state_.get(); }
    const std::uint8_t* states() const { return state_.get(); }

    // After the flow: voxels of the source tree are on the source (object) side.
    bool onSourceSide(VertexId v) const { return (state_[v] & colour::kMask) == colour::kBlack; }

    // Progress and cancellation: `poll` is called every `interval` out_edges()
    // calls and may throw (Cancelled) to stop the flow between augmentations.
    void setPoll(std::function<void(std::uint64_t)> poll, std::uint64_t interval = 1 << 20) {
        poll_ = std::move(poll);
        pollInterval_ = interval;
        nextPoll_ = ticks_ + interval;
    }
    std::uint64_t ticks() const { return ticks_; }

    // Re-cuts: when set, the source's and the sink's out-edges enumerate only these
    // voxels (sorted), so that boost's search trees start where the links changed
    // instead of at every linked voxel. Voxels keep all their own edges, terminal
    // links included. See DynamicGraphCut.cpp for why this suffices.
    void restrictTerminalEdges(const std::vector<VertexId>* seeds) { seeds_ = seeds; }
    const std::vector<VertexId>* terminalSeeds() const { return seeds_; }

    // ---- the operations the Boost free functions and property maps use ----
    CISTERNA_GRAPHCUT_INLINE std::uint32_t outMask(VertexId v) const {
        return (topo_.neighbourMask(v, state_[v]) & kNeighbourBits) | linkBit(v);
    }
    CISTERNA_GRAPHCUT_INLINE std::uint32_t linkBit(VertexId v) const {
        return terminal_[v] != 0 ? kTerminalBit : 0;
    }
    CISTERNA_GRAPHCUT_INLINE VertexId neighbour(VertexId v, std::uint32_t d) const {
        return topo_.neighbour(v, d);
    }
    CISTERNA_GRAPHCUT_INLINE VertexId terminalOf(VertexId v) const {
        return terminal_[v] > 0 ? n_ : n_ + 1;
    }

    CISTERNA_GRAPHCUT_INLINE VertexId edgeSource(GridEdge e) const {
        return e.code == kFromTerminal ? terminalOf(e.voxel) : e.voxel;
    }
    CISTERNA_GRAPHCUT_INLINE VertexId edgeTarget(GridEdge e) const {
        return e.code < kToTerminal    ? neighbour(e.voxel, e.code)
               : e.code == kToTerminal ? terminalOf(e.voxel)
                                       : e.voxel;
    }
    CISTERNA_GRAPHCUT_INLINE GridEdge reverse(GridEdge e) const {
        if (e.code < kToTerminal)
            return {neighbour(e.voxel, e.code), opposite(e.code)};
        return {e.voxel, e.code == kToTerminal ? kFromTerminal : kToTerminal};
    }
    CISTERNA_GRAPHCUT_INLINE Flow residual(GridEdge e) const {
        if (e.code < kToTerminal)
            return residual_[std::size_t(e.voxel) * K + e.code];
        const std::int32_t s = terminal_[e.voxel];
        if (e.code == kToTerminal)
            return s < 0 ? -Flow(s) - 1 : 0;
        return s > 0 ? Flow(s) - 1 : 0;
    }
    CISTERNA_GRAPHCUT_INLINE void setResidual(GridEdge e, Flow value) {
        if (e.code < kToTerminal) {
            residual_[std::size_t(e.voxel) * K + e.code] = Capacity(value);
            return;
        }
        std::int32_t& s = terminal_[e.voxel];
        // Writes to the reverse of a terminal link are dropped (see the top).
        if (e.code == kToTerminal && s < 0)
            s = std::int32_t(-value - 1);
        else if (e.code == kFromTerminal && s > 0)
            s = std::int32_t(value + 1);
    }

    // The parent edge of a vertex in its search tree, packed in one byte: the
    // direction code, +32 when the edge points into the vertex from a neighbour.
    CISTERNA_GRAPHCUT_INLINE GridEdge predecessor(VertexId v) const {
        const std::uint8_t p = pred_[v];
        if (p < 32)
            return {v, p};
        const std::uint32_t d = p - 32;
        return {neighbour(v, d), opposite(d)};
    }
    CISTERNA_GRAPHCUT_INLINE void setPredecessor(VertexId v, GridEdge e) {
        if (e.voxel == v)
            pred_[v] = std::uint8_t(e.code);
        else
            pred_[v] = std::uint8_t(32 + opposite(e.code));
    }

    CISTERNA_GRAPHCUT_INLINE boost::default_color_type colourOf(VertexId v) const {
        switch (state_[v] & colour::kMask) {
        case colour::kBlack:
            return boost::black_color;
        case colour::kWhite:
            return boost::white_color;
        default:
            return boost::gray_color;
        }
    }
    CISTERNA_GRAPHCUT_INLINE void setColour(VertexId v, boost::default_color_type c) {
        const std::uint8_t bits = c == boost::black_color   ? colour::kBlack
                                  : c == boost::white_color ? colour::kWhite
                                                            : colour::kGray;
        state_[v] = std::uint8_t((state_[v] & ~colour::kMask) | bits);
    }

    std::uint32_t* distances() { return distance_.get(); }

    // Forgets search trees (colours, parents, distances); keeps residuals, links and
    // the topology's bits of the state bytes.
    void clearSearchState() {
        for (std::uint64_t v = 0; v < std::uint64_t(n_) + 2; ++v) {
            state_[v] &= std::uint8_t(~colour::kMask);
            pred_[v] = 0;
            distance_[v] = 0;
        }
    }

    CISTERNA_GRAPHCUT_INLINE void tick() const {
        if (++ticks_ >= nextPoll_) {
            nextPoll_ = ticks_ + pollInterval_;
            if (poll_)
                poll_(ticks_);
        }
    }

private:
    static constexpr std::uint32_t kNeighbourBits = (K == 26 ? (1u << 26) : (1u << K)) - 1;

    Topology topo_;
    VertexId n_ = 0;
    std::unique_ptr<Capacity[]> residual_;
    std::unique_ptr<std::int32_t[]> terminal_;
    std::unique_ptr<std::uint8_t[]> state_;
    std::unique_ptr<std::uint8_t[]> pred_;
    std::unique_ptr<std::uint32_t[]> distance_;

    const std::vector<VertexId>* seeds_ = nullptr;
    std::function<void(std::uint64_t)> poll_;
    std::uint64_t pollInterval_ = std::uint64_t(1) << 20;
    mutable std::uint64_t ticks_ = 0;
    mutable std::uint64_t nextPoll_ = std::uint64_t(1) << 20;
};

// ---- iterators ----

// Out-edges of one vertex. For a voxel: the set bits of its mask (neighbour
// directions, then bit 26 for its terminal link). For the source or the sink: a
// scan over the voxels linked to it.
template <class G>
class GridOutEdgeIterator : public boost::iterator_facade<GridOutEdgeIterator<G>, GridEdge,
                                                          boost::forward_traversal_tag, GridEdge> {
public:
    GridOutEdgeIterator() = default;
    GridOutEdgeIterator(const G* g, VertexId v, std::uint32_t mask, int scan)
        : g_(g), v_(v), mask_(mask), scan_(scan) {}

private:
    friend class boost::iterator_core_access;
    CISTERNA_GRAPHCUT_INLINE GridEdge dereference() const {
        if (scan_ == 0)
            return GridEdge{v_, std::uint32_t(__builtin_ctz(mask_))};
        if (scan_ == 1 || scan_ == -1)
            return GridEdge{v_, kFromTerminal};
        return GridEdge{(*g_->terminalSeeds())[v_], kFromTerminal};
    }
    CISTERNA_GRAPHCUT_INLINE bool equal(const GridOutEdgeIterator& o) const {
        return v_ == o.v_ && mask_ == o.mask_;
    }
    CISTERNA_GRAPHCUT_INLINE void increment() {
        if (scan_ == 0) {
            mask_ &= mask_ - 1;
            return;
        }
        const std::int32_t* t = g_->terminals();
        if (scan_ == 1 || scan_ == -1) {
            const VertexId n = g_->voxelCount();
            do
                ++v_;
            while (v_ < n && !(scan_ > 0 ? t[v_] > 0 : t[v_] < 0));
            return;
        }
        const std::vector<VertexId>& seeds = *g_->terminalSeeds();
        do
            ++v_;
        while (v_ < seeds.size() && !(scan_ > 0 ? t[seeds[v_]] > 0 : t[seeds[v_]] < 0));
    }

    const G* g_ = nullptr;
    VertexId v_ = 0;
    std::uint32_t mask_ = 0;
    // 0: a voxel's edges; +1 / -1: the source's / the sink's (v_ is a voxel);
    // +2 / -2: the same restricted to the seeds (v_ indexes them).
    int scan_ = 0;
};

// The source's or the sink's edges: a scan over the linked voxels (called once per
// flow, so kept out of line).
template <class G>
__attribute__((noinline)) std::pair<GridOutEdgeIterator<G>, GridOutEdgeIterator<G>>
terminalOutEdges(VertexId v, const G& g) {
    using It = GridOutEdgeIterator<G>;
    const int scan = v == g.sourceVertex() ? 1 : -1;
    const std::int32_t* t = g.terminals();
    if (const std::vector<VertexId>* seeds = g.terminalSeeds()) {
        const VertexId count = VertexId(seeds->size());
        VertexId first = 0;
        while (first < count && !(scan > 0 ? t[(*seeds)[first]] > 0 : t[(*seeds)[first]] < 0))
            ++first;
        return {It(&g, first, 0, 2 * scan), It(&g, count, 0, 2 * scan)};
    }
    VertexId first = 0;
    const VertexId n = g.voxelCount();
    while (first < n && !(scan > 0 ? t[first] > 0 : t[first] < 0))
        ++first;
    return {It(&g, first, 0, scan), It(&g, n, 0, scan)};
}

template <class G>
CISTERNA_GRAPHCUT_INLINE std::pair<GridOutEdgeIterator<G>, GridOutEdgeIterator<G>>
gridOutEdges(VertexId v, const G& g) {
    g.tick();
    using It = GridOutEdgeIterator<G>;
    if (!g.isTerminal(v))
        return {It(&g, v, g.outMask(v), 0), It(&g, v, 0, 0)};
    return terminalOutEdges(v, g);
}

// Every edge: the out-edges of each vertex in turn.
template <class G>
class GridEdgeIterator : public boost::iterator_facade<GridEdgeIterator<G>, GridEdge,
                                                       boost::forward_traversal_tag, GridEdge> {
public:
    GridEdgeIterator() = default;
    GridEdgeIterator(const G* g, VertexId u) : g_(g), u_(u) { settle(true); }

private:
    friend class boost::iterator_core_access;
    GridEdge dereference() const { return *cur_; }
    bool equal(const GridEdgeIterator& o) const {
        return u_ == o.u_ && (u_ == g_->vertexCount() || cur_ == o.cur_);
    }
    void increment() {
        ++cur_;
        settle(false);
    }
    // Moves to the next vertex with out-edges when the current one is exhausted.
    void settle(bool fresh) {
        const VertexId count = g_->vertexCount();
        if (fresh && u_ < count)
            std::tie(cur_, end_) = gridOutEdges(u_, *g_);
        while (u_ < count && cur_ == end_) {
            if (++u_ < count)
                std::tie(cur_, end_) = gridOutEdges(u_, *g_);
        }
    }

    const G* g_ = nullptr;
    VertexId u_ = 0;
    GridOutEdgeIterator<G> cur_, end_;
};

struct GridTraversalCategory : boost::vertex_list_graph_tag,
                               boost::edge_list_graph_tag,
                               boost::incidence_graph_tag,
                               boost::adjacency_matrix_tag {};

// ---- the Boost.Graph free functions (found by argument-dependent lookup) ----

template <class T, int K>
std::pair<boost::counting_iterator<VertexId>, boost::counting_iterator<VertexId>>
vertices(const GridGraph<T, K>& g) {
    return {boost::counting_iterator<VertexId>(0),
            boost::counting_iterator<VertexId>(g.vertexCount())};
}
template <class T, int K> VertexId num_vertices(const GridGraph<T, K>& g) {
    return g.vertexCount();
}
template <class T, int K>
CISTERNA_GRAPHCUT_INLINE
    std::pair<GridOutEdgeIterator<GridGraph<T, K>>, GridOutEdgeIterator<GridGraph<T, K>>>
    out_edges(VertexId v, const GridGraph<T, K>& g) {
    return gridOutEdges(v, g);
}
template <class T, int K> std::uint64_t out_degree(VertexId v, const GridGraph<T, K>& g) {
    if (!g.isTerminal(v))
        return std::uint64_t(__builtin_popcount(g.outMask(v)));
    std::uint64_t count = 0;
    for (auto [it, end] = out_edges(v, g); it != end; ++it)
        ++count;
    return count;
}
template <class T, int K>
std::pair<GridEdgeIterator<GridGraph<T, K>>, GridEdgeIterator<GridGraph<T, K>>>
edges(const GridGraph<T, K>& g) {
    return {GridEdgeIterator<GridGraph<T, K>>(&g, 0),
            GridEdgeIterator<GridGraph<T, K>>(&g, g.vertexCount())};
}
template <class T, int K> std::uint64_t num_edges(const GridGraph<T, K>& g) {
    std::uint64_t count = 0;
    for (VertexId v = 0; v < g.vertexCount(); ++v)
        count += out_degree(v, g);
    return count;
}
template <class T, int K>
CISTERNA_GRAPHCUT_INLINE VertexId source(GridEdge e, const GridGraph<T, K>& g) {
    return g.edgeSource(e);
}
template <class T, int K>
CISTERNA_GRAPHCUT_INLINE VertexId target(GridEdge e, const GridGraph<T, K>& g) {
    return g.edgeTarget(e);
}
// Constant time for terminal links (what boost's BK looks up); a scan of the at
// most 27 out-edges otherwise.
template <class T, int K>
std::pair<GridEdge, bool> edge(VertexId u, VertexId v, const GridGraph<T, K>& g) {
    if (g.isTerminal(u)) {
        if (!g.isTerminal(v) && g.terminals()[v] != 0 && g.terminalOf(v) == u)
            return {GridEdge{v, kFromTerminal}, true};
        return {GridEdge{}, false};
    }
    if (g.isTerminal(v)) {
        if (g.terminals()[u] != 0 && g.terminalOf(u) == v)
            return {GridEdge{u, kToTerminal}, true};
        return {GridEdge{}, false};
    }
    for (std::uint32_t m = g.outMask(u) & ~GridGraph<T, K>::kTerminalBit; m; m &= m - 1) {
        const std::uint32_t d = std::uint32_t(__builtin_ctz(m));
        if (g.neighbour(u, d) == v)
            return {GridEdge{u, d}, true};
    }
    return {GridEdge{}, false};
}

// ---- property maps over the graph's arrays ----

template <class G> struct GridResidualMap {
    using key_type = GridEdge;
    using value_type = Flow;
    using reference = Flow;
    using category = boost::read_write_property_map_tag;
    G* g = nullptr;
};
template <class G> CISTERNA_GRAPHCUT_INLINE Flow get(const GridResidualMap<G>& m, GridEdge e) {
    return m.g->residual(e);
}
template <class G>
CISTERNA_GRAPHCUT_INLINE void put(const GridResidualMap<G>& m, GridEdge e, Flow value) {
    m.g->setResidual(e, value);
}

template <class G> struct GridReverseMap {
    using key_type = GridEdge;
    using value_type = GridEdge;
    using reference = GridEdge;
    using category = boost::readable_property_map_tag;
    const G* g = nullptr;
};
template <class G> CISTERNA_GRAPHCUT_INLINE GridEdge get(const GridReverseMap<G>& m, GridEdge e) {
    return m.g->reverse(e);
}

template <class G> struct GridPredecessorMap {
    using key_type = VertexId;
    using value_type = GridEdge;
    using reference = GridEdge;
    using category = boost::read_write_property_map_tag;
    G* g = nullptr;
};
template <class G>
CISTERNA_GRAPHCUT_INLINE GridEdge get(const GridPredecessorMap<G>& m, VertexId v) {
    return m.g->predecessor(v);
}
template <class G>
CISTERNA_GRAPHCUT_INLINE void put(const GridPredecessorMap<G>& m, VertexId v, GridEdge e) {
    m.g->setPredecessor(v, e);
}

template <class G> struct GridColourMap {
    using key_type = VertexId;
    using value_type = boost::default_color_type;
    using reference = boost::default_color_type;
    using category = boost::read_write_property_map_tag;
    G* g = nullptr;
};
template <class G>
CISTERNA_GRAPHCUT_INLINE boost::default_color_type get(const GridColourMap<G>& m, VertexId v) {
    return m.g->colourOf(v);
}
template <class G>
CISTERNA_GRAPHCUT_INLINE void put(const GridColourMap<G>& m, VertexId v,
                                  boost::default_color_type c) {
    m.g->setColour(v, c);
}

// ---- construction ----

template <class T, int K>
GridGraph<T, K>::GridGraph(T topology) : topo_(std::move(topology)), n_(topo_.voxelCount()) {
    const std::uint64_t vertices = std::uint64_t(n_) + 2;
    requireMemory(vertices * (kBytesPerVertex + kBoostBytesPerVertex),
                  "graph-cut solver state for " + std::to_string(n_) + " voxels");
    residual_.reset(new Capacity[std::size_t(n_) * K]);
    terminal_.reset(new std::int32_t[vertices]);
    state_.reset(new std::uint8_t[vertices]);
    pred_.reset(new std::uint8_t[vertices]);
    distance_.reset(new std::uint32_t[vertices]);
    // The terminals: no link, no neighbours, no border bits.
    for (VertexId t : {n_, VertexId(n_ + 1)}) {
        terminal_[t] = 0;
        state_[t] = 0;
        pred_[t] = 0;
    }
}

} // namespace cisterna::graphcut

namespace boost {
template <class T, int K> struct graph_traits<cisterna::graphcut::GridGraph<T, K>> {
    using G = cisterna::graphcut::GridGraph<T, K>;
    using vertex_descriptor = cisterna::graphcut::VertexId;
    using edge_descriptor = cisterna::graphcut::GridEdge;
    using directed_category = directed_tag;
    using edge_parallel_category = disallow_parallel_edge_tag;
    using traversal_category = cisterna::graphcut::GridTraversalCategory;
    using vertex_iterator = counting_iterator<vertex_descriptor>;
    using out_edge_iterator = cisterna::graphcut::GridOutEdgeIterator<G>;
    using edge_iterator = cisterna::graphcut::GridEdgeIterator<G>;
    using adjacency_iterator = void;
    using in_edge_iterator = void;
    using vertices_size_type = vertex_descriptor;
    using edges_size_type = std::uint64_t;
    using degree_size_type = std::uint64_t;
    static vertex_descriptor null_vertex() { return ~vertex_descriptor(0); }
};
} // namespace boost
