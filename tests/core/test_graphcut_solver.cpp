// The implicit grid graph under boost's Boykov-Kolmogorov max-flow: its flow equals
// a brute-force minimum cut on tiny graphs and boost's BK on an adjacency_list on
// random grids, for 6-, 18- and 26-connectivity, dense and banded layouts.
#include "test_graphcut_support.h"

#include "core/graphcut/GridGraph.h"
#include "core/graphcut/MaxFlow.h"

#include <boost/graph/graph_concepts.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>

using namespace cisterna;
using namespace cisterna::graphcut;
using cisterna::test::ReferenceFlowGraph;

namespace {

BOOST_CONCEPT_ASSERT((boost::VertexListGraphConcept<GridGraph<DenseTopology, 6>>));
BOOST_CONCEPT_ASSERT((boost::EdgeListGraphConcept<GridGraph<DenseTopology, 26>>));
BOOST_CONCEPT_ASSERT((boost::IncidenceGraphConcept<GridGraph<BlockTopology, 18>>));
BOOST_CONCEPT_ASSERT((boost::AdjacencyMatrixConcept<GridGraph<DenseTopology, 6>>));

// Cost of the cut that puts exactly the voxels in `sourceSet` (bit v) on the source
// side, from the graph's capacities before any flow.
template <class G>
Flow cutCost(const G& g, const std::vector<Capacity>& residual,
             const std::vector<std::int32_t>& link, std::uint32_t sourceSet) {
    Flow cost = 0;
    for (VertexId v = 0; v < g.voxelCount(); ++v) {
        const bool inS = sourceSet >> v & 1u;
        const Flow t = terminal::decode(link[v]);
        cost += inS ? (t < 0 ? -t : 0) : (t > 0 ? t : 0);
        if (!inS)
            continue;
        const std::uint32_t mask = g.outMask(v) & ((1u << G::kConnectivity) - 1);
        for (std::uint32_t d = 0; d < std::uint32_t(G::kConnectivity); ++d)
            if (mask >> d & 1u) {
                const VertexId q = g.neighbour(v, d);
                if (!(sourceSet >> q & 1u))
                    cost += residual[std::size_t(v) * G::kConnectivity + d];
            }
    }
    return cost;
}

template <int K> void checkAgainstBruteForce(const Shape3& shape, std::uint32_t seed) {
    std::mt19937 rng(seed);
    GridGraph<DenseTopology, K> g{DenseTopology(shape)};
    ReferenceFlowGraph unused(std::size_t(shape.voxelCount()));
    test::fillRandomDense(g, unused, rng);
    const std::vector<Capacity> residual(g.residuals(),
                                         g.residuals() + std::size_t(g.voxelCount()) * K);
    const std::vector<std::int32_t> link(g.terminals(), g.terminals() + g.voxelCount());
    Flow best = std::numeric_limits<Flow>::max();
    for (std::uint32_t set = 0; set < (1u << g.voxelCount()); ++set)
        best = std::min(best, cutCost(g, residual, link, set));
    const Flow flow = runMaxFlow(g);
    REQUIRE(flow == best);
    // The source side the flow leaves is a minimum cut.
    std::uint32_t sourceSet = 0;
    for (VertexId v = 0; v < g.voxelCount(); ++v)
        sourceSet |= std::uint32_t(g.onSourceSide(v)) << v;
    REQUIRE(cutCost(g, residual, link, sourceSet) == best);
}

template <int K> void checkAgainstAdjacencyList(const Shape3& shape, std::uint32_t seed) {
    std::mt19937 rng(seed);
    GridGraph<DenseTopology, K> g{DenseTopology(shape)};
    ReferenceFlowGraph ref(std::size_t(shape.voxelCount()));
    test::fillRandomDense(g, ref, rng);
    const Flow expected = ref.solve();
    REQUIRE(runMaxFlow(g) == expected);
    // Both leave the source side reachable from the source in the residual graph,
    // which is the same set for every maximum flow.
    for (VertexId v = 0; v < g.voxelCount(); ++v)
        REQUIRE(g.onSourceSide(v) == ref.onSourceSide(v));
}

// A random half of the 8^3 blocks of a volume whose size is no multiple of 8, with
// random capacities on every edge between voxels inside the volume.
template <int K> void checkBlocksAgainstAdjacencyList(std::uint32_t seed) {
    std::mt19937 rng(seed);
    const Shape3 volume{20, 19, 17};
    std::vector<Index3> blocks;
    for (std::int64_t z = 0; z < 3; ++z)
        for (std::int64_t y = 0; y < 3; ++y)
            for (std::int64_t x = 0; x < 3; ++x)
                if (rng() % 2)
                    blocks.push_back({z, y, x});
    std::shuffle(blocks.begin(), blocks.end(), rng);
    GridGraph<BlockTopology, K> g{BlockTopology(volume, blocks)};
    const BlockTopology& topo = g.topology();
    std::uniform_int_distribution<int> cap(0, 20), term(-40, 40);
    for (VertexId v = 0; v < g.voxelCount(); ++v) {
        const bool inside = volume.contains(topo.coordinates(v));
        g.states()[v] = 0;
        g.terminals()[v] = inside ? terminal::encode(term(rng)) : 0;
        for (std::uint32_t d = 0; d < std::uint32_t(K); ++d) {
            const Offset3& o = kDirections[d];
            const Index3 p = topo.coordinates(v);
            const bool edge = inside && volume.contains({p.z + o.dz, p.y + o.dy, p.x + o.dx});
            g.residuals()[std::size_t(v) * K + d] = edge ? cap(rng) : 0;
        }
    }
    g.clearSearchState();
    ReferenceFlowGraph ref(g.voxelCount());
    for (VertexId v = 0; v < g.voxelCount(); ++v) {
        const std::uint32_t mask = topo.neighbourMask(v, 0);
        for (std::uint32_t d = 0; d < std::uint32_t(K); d += 2)
            if (mask >> d & 1u) {
                const VertexId q = topo.neighbour(v, d);
                // The neighbour in the graph is the neighbour in the volume.
                const Index3 p = topo.coordinates(v), n = topo.coordinates(q);
                REQUIRE(n.z - p.z == kDirections[d].dz);
                REQUIRE(n.y - p.y == kDirections[d].dy);
                REQUIRE(n.x - p.x == kDirections[d].dx);
                ref.addEdge(v, q, g.residuals()[std::size_t(v) * K + d],
                            g.residuals()[std::size_t(q) * K + opposite(d)]);
            }
        ref.addTerminal(v, terminal::decode(g.terminals()[v]));
    }
    REQUIRE(runMaxFlow(g) == ref.solve());
    for (VertexId v = 0; v < g.voxelCount(); ++v)
        REQUIRE(g.onSourceSide(v) == ref.onSourceSide(v));
}

} // namespace

TEST_CASE("banded (block) grids agree with boost BK on an adjacency_list", "[graphcut]") {
    for (std::uint32_t seed = 1; seed <= 3; ++seed) {
        INFO("seed " << seed);
        checkBlocksAgainstAdjacencyList<6>(seed);
        checkBlocksAgainstAdjacencyList<18>(seed);
        checkBlocksAgainstAdjacencyList<26>(seed);
    }
}

TEST_CASE("grid max-flow equals a brute-force minimum cut on tiny graphs", "[graphcut]") {
    for (std::uint32_t seed = 1; seed <= 12; ++seed) {
        INFO("seed " << seed);
        checkAgainstBruteForce<6>({2, 2, 4}, seed);
        checkAgainstBruteForce<18>({1, 4, 4}, seed);
        checkAgainstBruteForce<26>({2, 2, 3}, seed);
        checkAgainstBruteForce<26>({2, 3, 2}, seed + 100);
    }
}

TEST_CASE("grid max-flow equals boost BK on an adjacency_list on random grids", "[graphcut]") {
    for (std::uint32_t seed = 1; seed <= 6; ++seed) {
        INFO("seed " << seed);
        checkAgainstAdjacencyList<6>({5, 6, 7}, seed);
        checkAgainstAdjacencyList<18>({4, 7, 5}, seed);
        checkAgainstAdjacencyList<26>({6, 5, 4}, seed);
        checkAgainstAdjacencyList<6>({1, 1, 9}, seed);
        checkAgainstAdjacencyList<26>({3, 1, 8}, seed);
    }
}

TEST_CASE("grid graph edges and reverse edges are consistent", "[graphcut]") {
    GridGraph<DenseTopology, 26> g{DenseTopology({3, 4, 5})};
    ReferenceFlowGraph ref(60);
    std::mt19937 rng(5);
    test::fillRandomDense(g, ref, rng);
    std::uint64_t count = 0;
    for (auto [it, end] = edges(g); it != end; ++it, ++count) {
        const GridEdge e = *it;
        const GridEdge r = g.reverse(e);
        REQUIRE(g.reverse(r) == e);
        REQUIRE(source(r, g) == target(e, g));
        REQUIRE(target(r, g) == source(e, g));
        REQUIRE(edge(source(e, g), target(e, g), g) == std::make_pair(e, true));
    }
    REQUIRE(count == num_edges(g));
    // Every voxel edge inside the 3x4x5 box: 26-neighbour pairs, both directions.
    std::uint64_t pairs = 0;
    for (std::int64_t z = 0; z < 3; ++z)
        for (std::int64_t y = 0; y < 4; ++y)
            for (std::int64_t x = 0; x < 5; ++x)
                for (const Offset3& o : kDirections)
                    pairs += Shape3{3, 4, 5}.contains({z + o.dz, y + o.dy, x + o.dx});
    std::uint64_t links = 0;
    for (VertexId v = 0; v < 60; ++v)
        links += g.terminals()[v] != 0;
    REQUIRE(count == pairs + 2 * links);
}
