#pragma once
// Interactive re-cuts: after the user adds or removes strokes, the next cut starts
// from the previous flow and residual graph instead of from scratch (Kohli and
// Torr, "Dynamic graph cuts", ICCV 2005). Only terminal links change with strokes
// (hard constraints, and the regional model when it is re-fitted), and each is
// re-parametrised in place; boost's BK then pushes only the flow the change needs.
// When few links changed (a frozen regional model), its search trees also start
// from the changed voxels only, so a re-cut costs a fraction of a scratch cut.
// The result has the same minimum energy as a cut from scratch with the same
// strokes (labels may differ only where the minimum cut is not unique).
#include "core/graphcut/GraphCut.h"

#include <memory>

namespace cisterna {

class DynamicGraphCut {
public:
    // The image is shared, not copied; it must not change during the session.
    // refitRegionalModel: re-fit the intensity model to every new set of strokes
    // (the energy a cut from scratch would use) or keep the first one (faster
    // re-cuts: only the edited voxels' links change).
    DynamicGraphCut(const Volume& image, const GraphCutParams& params,
                    bool refitRegionalModel = true);
    ~DynamicGraphCut();
    DynamicGraphCut(const DynamicGraphCut&) = delete;
    DynamicGraphCut& operator=(const DynamicGraphCut&) = delete;

    // Cuts with these strokes (a full 0/1/2 stroke volume). The first call builds
    // the graph; later ones reuse the flow. Throws like graphCut(); on Cancelled
    // (or any error) result() keeps the previous cut, and the next call goes on
    // from the flow pushed so far.
    const GraphCutResult& cut(const Volume& strokes, const Progress& progress = {});

    bool hasResult() const;
    const GraphCutResult& result() const; // throws InvalidArgument before the first cut
    // The energy of the last strokes the graph holds (null before the first cut).
    const Energy* energy() const;

    struct Solver; // the graph of one connectivity (DynamicGraphCut.cpp)

private:
    Volume image_;
    GraphCutParams params_;
    bool refit_ = true;
    std::unique_ptr<Solver> solver_;
    std::unique_ptr<Energy> energy_;
    Volume strokes_; // the strokes the residual graph currently encodes
    std::unique_ptr<GraphCutResult> result_;
};

} // namespace cisterna
