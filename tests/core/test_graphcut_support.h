#pragma once
// Shared by the graph-cut tests: a reference max-flow (boost's BK on an
// adjacency_list), random capacities for GridGraphs, and small synthetic volumes.
#include "core/graphcut/Energy.h"
#include "core/graphcut/GridGraph.h"
#include "core/volume/Volume.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/boykov_kolmogorov_max_flow.hpp>

#include <cstdint>
#include <random>
#include <vector>

namespace cisterna::test {

// boost::boykov_kolmogorov_max_flow on an ordinary adjacency_list: the reference
// our implicit grid must agree with.
class ReferenceFlowGraph {
public:
    using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
    using Graph = boost::adjacency_list<
        boost::vecS, boost::vecS, boost::directedS,
        boost::property<boost::vertex_index_t, long,
                        boost::property<boost::vertex_color_t, boost::default_color_type,
                                        boost::property<boost::vertex_distance_t, long,
                                                        boost::property<boost::vertex_predecessor_t,
                                                                        Traits::edge_descriptor>>>>,
        boost::property<
            boost::edge_capacity_t, std::int64_t,
            boost::property<boost::edge_residual_capacity_t, std::int64_t,
                            boost::property<boost::edge_reverse_t, Traits::edge_descriptor>>>>;

    // Voxels 0..n-1, then the source n and the sink n + 1.
    explicit ReferenceFlowGraph(std::size_t voxels) : g_(voxels + 2), n_(voxels) {}
    std::size_t source() const { return n_; }
    std::size_t sink() const { return n_ + 1; }

    void addEdge(std::size_t u, std::size_t v, std::int64_t cap, std::int64_t reverseCap) {
        auto e = boost::add_edge(u, v, g_).first;
        auto r = boost::add_edge(v, u, g_).first;
        boost::put(boost::edge_capacity, g_, e, cap);
        boost::put(boost::edge_capacity, g_, r, reverseCap);
        boost::put(boost::edge_reverse, g_, e, r);
        boost::put(boost::edge_reverse, g_, r, e);
    }
    // A net terminal capacity: to the source if positive, to the sink if negative.
    void addTerminal(std::size_t v, std::int64_t t) {
        if (t > 0)
            addEdge(source(), v, t, 0);
        else if (t < 0)
            addEdge(v, sink(), -t, 0);
    }
    std::int64_t solve() { return boost::boykov_kolmogorov_max_flow(g_, source(), sink()); }
    bool onSourceSide(std::size_t v) const {
        return boost::get(boost::vertex_color, g_, v) == boost::black_color;
    }

private:
    Graph g_;
    std::size_t n_;
};

// Random asymmetric capacities on every in-grid edge and random terminal links of
// a dense GridGraph, mirrored into a reference graph.
template <int K>
void fillRandomDense(graphcut::GridGraph<graphcut::DenseTopology, K>& g, ReferenceFlowGraph& ref,
                     std::mt19937& rng, int maxCap = 20, int maxTerminal = 40) {
    using namespace graphcut;
    const DenseTopology& topo = g.topology();
    const Shape3 s = topo.shape();
    std::uniform_int_distribution<int> cap(0, maxCap), term(-maxTerminal, maxTerminal);
    for (std::int64_t z = 0; z < s.z; ++z)
        for (std::int64_t y = 0; y < s.y; ++y)
            for (std::int64_t x = 0; x < s.x; ++x) {
                const VertexId v = topo.index(z, y, x);
                g.states()[v] = topo.borderState(z, y, x);
                g.terminals()[v] = terminal::encode(term(rng));
                const std::uint32_t mask = topo.neighbourMask(v, g.states()[v]);
                for (std::uint32_t d = 0; d < std::uint32_t(K); ++d)
                    g.residuals()[std::size_t(v) * K + d] = (mask >> d & 1u) ? cap(rng) : 0;
            }
    g.clearSearchState();
    for (VertexId v = 0; v < g.voxelCount(); ++v) {
        const std::uint32_t mask = topo.neighbourMask(v, g.states()[v]);
        for (std::uint32_t d = 0; d < std::uint32_t(K); d += 2) // each pair once
            if (mask >> d & 1u) {
                const VertexId q = topo.neighbour(v, d);
                ref.addEdge(v, q, g.residuals()[std::size_t(v) * K + d],
                            g.residuals()[std::size_t(q) * K + opposite(d)]);
            }
        ref.addTerminal(v, terminal::decode(g.terminals()[v]));
    }
}

// A volume of `shape` with a bright ellipsoid on a dark noisy background, and the
// matching truth mask.
struct BlobVolume {
    Volume image, truth;
};
BlobVolume makeBlobVolume(const Shape3& shape, std::uint32_t seed, double noise = 20.0);

// Strokes: object strokes are truth voxels deep inside, background far outside, on
// the given z-slices only.
Volume strokesOnSlices(const Volume& truth, const std::vector<std::int64_t>& slices);

} // namespace cisterna::test
