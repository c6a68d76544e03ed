#include "core/graphcut/GraphCut.h"

#include "core/graphcut/AutoGraphCut.h"
#include "core/graphcut/BandedGraphCut.h"
#include "core/graphcut/DenseGraphBuilder.h"
#include "core/graphcut/MaxFlow.h"
#include "core/util/Error.h"
#include "core/util/Stopwatch.h"
#include "core/volume/MemoryBudget.h"

namespace cisterna {
std::uint64_t exactSolverBytes(std::int64_t voxels, int connectivity) {
    return graphcut::withConnectivity(connectivity, [&](auto k) {
        using G = graphcut::GridGraph<graphcut::DenseTopology, decltype(k)::value>;
        return (std::uint64_t(voxels) + 2) * (G::kBytesPerVertex + G::kBoostBytesPerVertex);
    });
}

GraphCutResult exactGraphCut(const Volume& image, const Volume& strokes, const Energy& energy,
                             const Progress& progress) {
    const Stopwatch start;
    checkStrokes(image, strokes);
    const Volume img = image.contiguous();
    const Volume str = strokes.contiguous();
    GraphCutResult result;
    GraphCutStats& stats = result.stats;
    stats.sigma = energy.sigma();
    stats.unit = energy.unit();
    stats.connectivity = energy.connectivity();
    stats.voxels = image.voxelCount();
    stats.graphVoxels = image.voxelCount();
    stats.solverBytes = exactSolverBytes(image.voxelCount(), energy.connectivity());

    graphcut::withConnectivity(energy.connectivity(), [&](auto k) {
        constexpr int K = decltype(k)::value;
        using namespace graphcut;
        Stopwatch t;
        GridGraph<DenseTopology, K> g{DenseTopology(img.shape())};
        // The labels are allocated before the flow so that a volume that cannot
        // hold them fails before the long part.
        Volume labels =
            Volume::allocate(DataType::UInt8, img.shape(), VolumeRole::Label, "graph-cut labels");
        buildDenseGraph(g, img, str, energy, progress, 0.0, 0.15);
        stats.buildSeconds = t.seconds();
        t.restart();
        const Flow flow = runMaxFlow(g, progress, 0.15, 0.97);
        stats.flowSeconds = t.seconds();
        progress.report(0.97, "writing the labels");
        auto* out = static_cast<std::uint8_t*>(labels.data());
        std::int64_t objects = 0;
        for (VertexId v = 0; v < g.voxelCount(); ++v) {
            out[v] = g.onSourceSide(v) ? 1 : 0;
            objects += out[v];
        }
        stats.objectVoxels = objects;
        stats.energyQuanta = flow;
        result.labels = std::move(labels);
    });
    if (image.hasVoxelSize())
        result.labels.setVoxelSize(image.voxelSize());
    result.labels.setOrigin(image.origin());
    stats.energy = double(stats.energyQuanta) * energy.unit();
    stats.totalSeconds = start.seconds();
    progress.report(1.0, "graph cut done");
    return result;
}

bool cutsBanded(std::int64_t voxels, const GraphCutParams& params) {
    if (params.band != BandMode::Auto)
        return params.band == BandMode::Always;
    if (voxels > params.exactVoxelLimit)
        return true;
    // An exact cut that cannot fit would be refused; the banded one needs a fraction
    // of its memory (a coarse graph and a band around its boundary).
    const std::uint64_t exact =
        exactSolverBytes(voxels, params.energy.connectivity) + std::uint64_t(voxels);
    return exact > availableMemoryBytes();
}

GraphCutResult graphCut(const Volume& image, const Volume& strokes, const Energy& energy,
                        const GraphCutParams& params, const Progress& progress) {
    if (cutsBanded(image.voxelCount(), params))
        return bandedGraphCut(image, strokes, energy, params, progress);
    return exactGraphCut(image, strokes, energy, progress);
}

GraphCutResult graphCut(const Volume& image, const Volume& strokes, const GraphCutParams& params,
                        const Progress& progress) {
    const Stopwatch start;
    progress.report(0.0, "fitting the energy to the strokes");
    const Energy energy = Energy::fit(image, strokes, params.energy);
    const double fit = start.seconds();
    GraphCutResult result = graphCut(image, strokes, energy, params, progress);
    result.stats.fitSeconds = fit;
    result.stats.totalSeconds += fit;
    result.warning = collapseWarning(result.stats.objectVoxels, image.voxelCount(),
                                     checkStrokes(image, strokes));
    return result;
}

} // namespace cisterna
