#pragma once
// Runs boost::boykov_kolmogorov_max_flow on a GridGraph, with progress reports and
// cancellation. Include only where a flow is computed: boost's BK header is large.
#include "core/graphcut/GridGraph.h"
#include "core/util/Progress.h"

#include <boost/graph/boykov_kolmogorov_max_flow.hpp>

#include <algorithm>
#include <string>

namespace cisterna::graphcut {

// Pushes the maximum flow through the graph's residual capacities, starting with
// fresh search trees. The residuals may hold an earlier flow (a re-cut): the value
// returned is only what this call added. Afterwards onSourceSide() tells the
// minimum cut: the voxels reachable from the source in the residual graph.
// Progress goes from `from` to `to`; Cancelled leaves the residuals holding a
// valid (not yet maximum) flow, because boost only polls between augmentations.
template <class G>
Flow runMaxFlow(G& g, const Progress& progress = {}, double from = 0, double to = 1) {
    const double scale = 8.0 * double(g.voxelCount()) + 1;
    // About a hundred polls per pass over the vertices, so that small cuts can be
    // cancelled too, but never so often that polling costs time.
    const std::uint64_t interval =
        std::clamp<std::uint64_t>(std::uint64_t(g.voxelCount()) / 100, 4096, 1u << 20);
    g.setPoll(
        [&](std::uint64_t ticks) {
            const double done = double(ticks) / (double(ticks) + scale);
            progress.report(from + (to - from) * done, "max-flow");
        },
        interval);
    // The terminals' distances are read as 0 by boost's path-length heuristic.
    g.distances()[g.sourceVertex()] = 0;
    g.distances()[g.sinkVertex()] = 0;
    struct ClearPoll {
        G& g;
        ~ClearPoll() { g.setPoll(nullptr); }
    } clear{g};
    // The capacity map is the residual map: boost starts by copying capacities into
    // residuals, which is then a no-op, and a re-cut starts from the previous flow.
    GridResidualMap<G> residual{&g};
    return boost::boykov_kolmogorov_max_flow(
        g, residual, residual, GridReverseMap<G>{&g}, GridPredecessorMap<G>{&g},
        GridColourMap<G>{&g}, g.distances(), boost::typed_identity_property_map<VertexId>(),
        g.sourceVertex(), g.sinkVertex());
}

// Marks the source side of the cut the residual graph defines (the voxels
// reachable from the source) as the source tree's colour, so that onSourceSide()
// reads it, whatever search trees the flow left. Returns false when the flow is
// not maximum: a voxel so reached still has residual capacity to the sink.
// Uses the distance array as its queue (it is free between flows) and leaves the
// distances at zero.
template <class G> bool markSourceSide(G& g) {
    constexpr int K = G::kConnectivity;
    const VertexId n = g.voxelCount();
    std::uint32_t* queue = g.distances();
    std::uint8_t* state = g.states();
    const std::int32_t* link = g.terminals();
    const Capacity* residual = g.residuals();
    std::uint64_t tail = 0;
    for (VertexId v = 0; v < n; ++v) {
        const bool linked = terminal::decode(link[v]) > 0;
        state[v] =
            std::uint8_t((state[v] & ~colour::kMask) | (linked ? colour::kBlack : colour::kWhite));
        if (linked)
            queue[tail++] = v;
    }
    bool maximum = true;
    for (std::uint64_t head = 0; head < tail; ++head) {
        const VertexId v = queue[head];
        maximum = maximum && terminal::decode(link[v]) >= 0;
        for (std::uint32_t m = g.outMask(v) & ~G::kTerminalBit; m; m &= m - 1) {
            const std::uint32_t d = std::uint32_t(__builtin_ctz(m));
            if (residual[std::size_t(v) * K + d] <= 0)
                continue;
            const VertexId q = g.neighbour(v, d);
            if ((state[q] & colour::kMask) == colour::kBlack)
                continue;
            state[q] = std::uint8_t((state[q] & ~colour::kMask) | colour::kBlack);
            queue[tail++] = q;
        }
    }
    std::fill(queue, queue + std::uint64_t(n) + 2, 0u);
    return maximum;
}

} // namespace cisterna::graphcut
