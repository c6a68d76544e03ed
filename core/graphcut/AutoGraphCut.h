#pragma once
// The graph cut as a user runs it: weights chosen from the user's own strokes, a
// learned data term, and a plain-words warning when the result is useless.
//
// Choice by cross-validation on the strokes: the strokes are split into folds by the
// plane they were painted on (or, on a single plane, stroke by stroke); for each fold
// and each candidate energy (regional model x regional weight) the volume is cut at a
// coarse scale (about coarseVoxelLimit voxels) from the other folds' strokes, and the
// candidate is scored by how well the held-out strokes are obeyed: the object and
// background recall on them, turned into the F1 they would give at the volume's
// object share (estimated from the candidates' cuts). The learned term's forest is retrained
// per fold without the held-out strokes, so it is judged on strokes it has not seen.
// Only the ratio of the regional weight to lambda changes a cut, so lambda stays at
// its value and the weight is searched. The energy's length unit is the full
// resolution's smallest voxel side at every scale, so a weight means the same
// physical trade-off on the coarse copy as in the final cut (Energy.h).
#include "core/graphcut/GraphCut.h"
#include "core/graphcut/StrokeClassifier.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cisterna {

class DynamicGraphCut;

struct AutoTuneOptions {
    bool enabled = true;
    bool learned = true;   // consider the learned term
    bool histogram = true; // consider the intensity histogram term
    std::vector<double> weights = {0.03, 0.05, 0.1, 0.3, 1.0};
    // A candidate with a larger weight (or a later model) must score this much
    // better to be chosen: holding out a plane removes the seeds of its objects,
    // which penalises the lower weights (the cut spreads from seeds) more than the
    // final cut, which has every seed.
    double preferLowerBy = 0.02;
    // Log-odds biases tried with the learned term (EnergyParams::logOddsBias), the
    // unbiased first. Thin organelles need them: the forest, trained on strokes down
    // their middle, calls their membranes background. On the phantom's Golgi the choice
    // took +4 (F1 0.74; 0.50 with at most +2); mito, nucleus and both SBEM stacks chose
    // no bias either way, at a third more candidates to try.
    std::vector<double> learnedBiases = {0.0, 2.0, 4.0};
    // The object share that turns a candidate's recalls into an F1 is the folds'
    // classifiers' estimate. Below this share of the volume that estimate is unreliable:
    // for thin organelles, stroked down their middle, the forest calls the membranes
    // background (phantom ER: 0.001 for a true 0.020). There a candidate's own cut share
    // counts instead, up to this ceiling, so that a cut that finds more of a thin
    // organelle is not judged as if it leaked. Above it the estimate stands, which keeps
    // a leaking cut from crediting itself (on the SBEM training stack, letting every
    // candidate use its own share chose a leaking cut: F1 0.53 instead of 0.81). 0: off.
    double smallShareCeiling = 0.02;
    int maxFolds = 3;
    std::int64_t coarseVoxelLimit = 250000;
    StrokeClassifierOptions classifier;
};

struct CandidateScore {
    RegionalModel model = RegionalModel::Histogram;
    double regionalWeight = 0;
    double logOddsBias = 0; // of the learned term
    double score = 0;       // object F1 estimated from the held-out strokes (AutoGraphCut.cpp)
    double objectRecall = 0, backgroundRecall = 0;
};

// The energy a cut used and how it was chosen; shown in the job's result and kept in
// the project so that the user can see and override it.
struct EnergyChoice {
    bool automatic = false;
    RegionalModel model = RegionalModel::Histogram;
    double lambda = 1, regionalWeight = 0, logOddsBias = 0;
    Vec3d axisSigma{1, 1, 1};
    int connectivity = 6;
    int folds = 0;
    double score = -1;       // estimated F1 of the chosen energy (-1: not scored)
    double objectShare = -1; // the volume's object share the scores assumed
    std::vector<CandidateScore> candidates;
    std::string note;               // why no choice was made, when it was not
    std::string memoryNote;         // why the learned term was not a candidate, when memory
    double classifierAccuracy = -1; // out-of-bag, when the learned term was trained
    double featureSeconds = 0, tuneSeconds = 0, classifierSeconds = 0;
    std::string summary() const; // one line: "learned term, weight 0.3 (chosen from 8 ...)"
};

struct AutoGraphCutParams {
    GraphCutParams cut; // energy: lambda, connectivity, and the weight/model when fixed
    AutoTuneOptions tune;
    bool fixedWeight = false; // the user set the regional weight: only the model is chosen
    bool fixedModel = false;  // the user set the regional model: only the weight is chosen
    bool fixedBias = false;   // the user set the learned term's log-odds bias
    // A U-Net's P(object) (uint8, P x 255, the image's shape): the regional term of a
    // Refine cut. The model is then Prior and only the weight is chosen.
    Volume prior;
    // Called (on the cutting thread) with a first whole-volume result within a
    // fraction of a second: a coarse cut with all strokes and the histogram term (or
    // the prior), upsampled, uint8 0/1. The final result follows.
    std::function<void(const Volume& labels)> preview;
    // Make the final cut a re-cut session (DynamicGraphCut with the chosen energy
    // frozen, P(object) included) and return it: a next cut after a few more strokes
    // then only pushes the flow they change, in a second or two, while the full
    // automatic cut retrains. Exact cuts only (not beyond cut.exactVoxelLimit).
    bool keepSession = false;
    // The image's voxel features, computed with tune.classifier.features, when the
    // caller has them (the app's live preview does): not computed again. Ignored when
    // their shape or count does not match.
    std::shared_ptr<const FeatureStack> features;
};

struct AutoGraphCutResult {
    GraphCutResult cut;
    EnergyChoice choice;
    Volume probability; // the learned term's P(object) x 255, when it was computed
    std::shared_ptr<DynamicGraphCut> session; // with keepSession, when the cut was exact
};

// A candidate's score: the object F1 that its recalls on the held-out strokes would
// give on a volume whose object share is `volumeShare` (the folds' classifiers'
// estimate). Below `smallShareCeiling` the candidate's own cut share counts instead,
// clamped to [volumeShare, smallShareCeiling] (see AutoTuneOptions).
double heldOutF1(double objectRecall, double backgroundRecall, double volumeShare, double cutShare,
                 double smallShareCeiling);

// Throws like graphCut(); Cancelled through `progress` at any stage.
AutoGraphCutResult autoGraphCut(const Volume& image, const Volume& strokes,
                                const AutoGraphCutParams& params, const Progress& progress = {});

// The warning of item "never silently useless": the object region is (nearly) only
// the object strokes, or (nearly) everything but the background strokes. Empty when
// the result looks like a segmentation.
std::string collapseWarning(std::int64_t objectVoxels, std::int64_t voxels,
                            const StrokeCounts& strokes);

} // namespace cisterna
