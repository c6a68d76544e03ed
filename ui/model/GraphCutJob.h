#pragma once
// The whole-volume graph cut of one organelle from its strokes, as a job. The
// result becomes the organelle's truth layer through an undoable command.
//
// Re-cuts are fast: each organelle keeps a re-cut session (core's DynamicGraphCut)
// holding the graph and flow of its last cut, and the next cut after more strokes
// only pushes the flow the changed strokes need. A session is dropped when the
// image, its voxel size or the settings change. Volumes beyond the exact cut's size
// use the banded cut from scratch instead.
#include "ui/model/DocumentModel.h"
#include "ui/model/JobManager.h"

#include "core/graphcut/Energy.h"

#include <map>
#include <memory>
#include <optional>

namespace cisterna {
class DynamicGraphCut;
class FeatureStack;
} // namespace cisterna

namespace cisterna::ui {

// Which voxels a graph cut covers (core's CutRegion.h).
enum class CutRegionMode {
    Automatic, // the whole volume up to kWholeCutVoxelLimit voxels, else Strokes
    Whole,     // every voxel
    Strokes,   // the box the strokes span plus regionMargin; the truth outside is kept
};
// Beyond this many voxels a cut of the whole volume takes minutes and gigabytes (about
// 80 bytes per voxel with the learned term's features): 32 M voxels is three times the
// SBEM validation stack, whose whole cut takes 15 s on two cores.
constexpr std::int64_t kWholeCutVoxelLimit = std::int64_t(32) << 20;

struct GraphCutSettings {
    CutRegionMode region = CutRegionMode::Automatic;
    // Margin around the strokes, in units of the smallest voxel side (pixels in-plane;
    // the same distance along thick sections).
    double regionMargin = 32;
    EnergyParams energy; // lambda, regional weight, model, connectivity
    // Choose the data term (learned or grey-value histogram) and its weight by
    // cross-validation on the strokes (core's autoGraphCut); off: energy as set.
    bool automatic = true;
    // Refine: the organelle's prediction (a U-Net's probabilities) is the regional
    // term, so correction strokes fix the network's mistakes.
    bool refineWithPrediction = false;
    // Re-cuts keep the intensity model fitted to the first cut's strokes by default:
    // then only the edited voxels' links change and a re-cut takes a fraction of a
    // cut from scratch (about 1/6 at 256^3). Re-fitting changes every voxel's link and
    // makes a re-cut as slow as a fresh one; the new strokes always count as hard
    // constraints either way.
    bool refitRegionalModel = false;
};

// The box the next cut covers with these settings and strokes; none: the whole volume
// (also when the box would be the whole volume, or there are no strokes).
std::optional<Box3> graphCutRegion(const GraphCutSettings& settings, const Volume& strokes);

class GraphCutSessions {
public:
    GraphCutSessions();
    ~GraphCutSessions();
    // Whether a cut of this organelle is running (one at a time per organelle).
    bool isBusy(int organelleUid) const;
    bool hasSession(int organelleUid) const;
    void clear();

private:
    friend Job* startGraphCut(JobManager&, DocumentModel&, int, const GraphCutSettings&,
                              GraphCutSessions*, std::shared_ptr<const FeatureStack>);

public:
    // The session of this organelle's last automatic cut when it was made on this
    // image with these settings (else null). The table forgets the organelle's
    // session either way: the caller owns it now, and marks the organelle busy.
    std::shared_ptr<DynamicGraphCut> takeAutomatic(int organelleUid, const Volume& image,
                                                   const GraphCutSettings& settings);
    // Keeps the session of a finished automatic cut for the next one.
    void keepAutomatic(int organelleUid, std::shared_ptr<DynamicGraphCut> session,
                       const Volume& image, const GraphCutSettings& settings);
    void setBusy(int organelleUid, bool busy);

private:
    struct Entry {
        std::shared_ptr<DynamicGraphCut> session;
        const void* image = nullptr; // identity of the image's voxels
        Vec3d voxelSize;
        EnergyParams energy;
        bool refit = false;
        bool automatic = false; // the session of an automatic (or learned) cut
        bool chosen = false;    // ... whose energy was chosen from the strokes
        bool busy = false;
    };
    std::map<int, Entry> entries_;
};

// Throws InvalidArgument (with a sentence for the user) when the organelle has no
// strokes yet or is being cut already. `sessions` may be null (always from scratch).
// `features`: the image's voxel features when the caller has them (the live
// preview's), so that the learned term does not compute them again.
Job* startGraphCut(JobManager& jobs, DocumentModel& document, int organelle,
                   const GraphCutSettings& settings = {}, GraphCutSessions* sessions = nullptr,
                   std::shared_ptr<const FeatureStack> features = nullptr);

} // namespace cisterna::ui
