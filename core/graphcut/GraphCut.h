#pragma once
// Whole-volume 3D graph cut from brush strokes: image + strokes + parameters ->
// object mask, cut energy and statistics. Up to exactVoxelLimit voxels the cut is
// exact at full resolution; beyond (or on request) it is coarse-to-fine banded
// (BandedGraphCut.h). For interactive re-cuts after stroke edits see
// DynamicGraphCut.h.
#include "core/graphcut/Energy.h"
#include "core/util/Progress.h"
#include "core/volume/Volume.h"

#include <cstdint>
#include <string>

namespace cisterna {

enum class BandMode : std::uint8_t { Auto, Never, Always };

struct GraphCutParams {
    EnergyParams energy;
    BandMode band = BandMode::Auto;
    // Banded cut: downsampling factor of the coarse cut (2, 4 or 8; 0 = the smallest
    // that brings the coarse volume to at most coarseVoxelLimit voxels) and the
    // half-width of the band around the coarse boundary, in coarse voxels.
    int coarseFactor = 0;
    int bandRadius = 1;
    std::int64_t coarseVoxelLimit = std::int64_t(256) * 256 * 256;
    // Auto mode cuts exactly up to this many voxels, banded beyond, and banded too
    // when the exact cut's solver and labels do not fit in the memory available.
    std::int64_t exactVoxelLimit = std::int64_t(512) * 512 * 512;
};

// Whether graphCut() cuts this many voxels banded under these parameters.
bool cutsBanded(std::int64_t voxels, const GraphCutParams& params);

struct GraphCutStats {
    // Energy of the labelling: the cut's cost under the net terminal capacities
    // (E(L) minus sum_p min(D_p(object), D_p(background)), a constant of the image
    // and the strokes), in the units of lambda; energyQuanta is the same, exact.
    double energy = 0;
    std::int64_t energyQuanta = 0;
    double sigma = 0;
    double unit = 0;
    int connectivity = 6;
    std::int64_t voxels = 0;
    std::int64_t objectVoxels = 0;
    std::int64_t graphVoxels = 0;  // vertices of the solved graph(s), terminals excluded
    std::uint64_t solverBytes = 0; // solver state the graph(s) needed, boost's included
    bool banded = false;
    int coarseFactor = 1;
    std::int64_t bandVoxels = 0;
    bool reused = false;           // a re-cut that started from the previous flow
    std::int64_t changedLinks = 0; // terminal links a re-cut changed
    double fitSeconds = 0, buildSeconds = 0, flowSeconds = 0, totalSeconds = 0;
};

struct GraphCutResult {
    Volume labels; // uint8, 1 = object, 0 = background; the image's voxel size and origin
    GraphCutStats stats;
    // Set when the result is (nearly) only the object strokes or (nearly) the whole
    // volume: what happened and what to change (collapseWarning in AutoGraphCut.h).
    std::string warning;
};

// Fits the energy to the strokes and cuts. Throws InvalidArgument for bad input
// (empty image, strokes of another shape, of one class only, or other than 0/1/2),
// MemoryBudgetError before allocating what cannot fit, and Cancelled when
// `progress` is cancelled; the caller's previous result is then untouched.
GraphCutResult graphCut(const Volume& image, const Volume& strokes,
                        const GraphCutParams& params = {}, const Progress& progress = {});

// The same with an energy fitted elsewhere (benchmarks, re-cuts with a frozen model).
GraphCutResult graphCut(const Volume& image, const Volume& strokes, const Energy& energy,
                        const GraphCutParams& params, const Progress& progress = {});

// The exact full-resolution cut, whatever the size.
GraphCutResult exactGraphCut(const Volume& image, const Volume& strokes, const Energy& energy,
                             const Progress& progress = {});

// Solver bytes an exact cut of `voxels` voxels needs at this connectivity.
std::uint64_t exactSolverBytes(std::int64_t voxels, int connectivity);

namespace graphcut {
// Calls f(std::integral_constant<int, K>) for K = connectivity (6, 18 or 26).
template <class F> decltype(auto) withConnectivity(int connectivity, F&& f) {
    switch (connectivity) {
    case 26:
        return f(std::integral_constant<int, 26>{});
    case 18:
        return f(std::integral_constant<int, 18>{});
    default:
        return f(std::integral_constant<int, 6>{});
    }
}
} // namespace graphcut

} // namespace cisterna
