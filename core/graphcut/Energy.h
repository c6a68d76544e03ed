#pragma once
// The energy a graph cut minimises over object/background labellings L:
//   E(L) = sum_p D_p(L_p) + sum_{p,q neighbours} w_pq [L_p != L_q]
// Boundary term  w_pq = lambda * exp(-(I_p - I_q)^2 / (2 sigma_d^2)) / dist(p, q), with
// dist in units of the smallest voxel side (lengthUnit) and sigma_d the contrast
// scale of the direction d = q - p. Anisotropy enters in three places, each per
// axis:
//  - sigma_d: as in GrabCut, sigma^2 is the mean squared neighbour difference, but
//    estimated per axis, because on thick sections the steps between sections are
//    three to four times larger than the steps within one (SBEM: 32.9 along z, 8.7
//    along x). One sigma over all axes makes every in-plane boundary look weak and
//    every z step look like a boundary; per axis, each edge is judged against the
//    contrast its own direction normally has. A diagonal's sigma^2 is the sum of its
//    axes' (the differences add up).
//  - dist: an edge between thick sections stands for a smaller share of a surface
//    than an in-plane one (weights 1/dist give surface area up to a constant).
//  - lengthUnit: fixed in nm, so that the same lambda and regional weight make the
//    same physical trade-off (area against volume) on a downsampled volume: the
//    automatic choice of weights (AutoGraphCut.h) tries them on a coarse copy.
// Polarity (Boykov and Funka-Lea's directed cut): the weight of the edge p -> q counts
// when p is object and q background. In heavy-metal stained EM every organelle is
// wrapped in a dark membrane that belongs to it, so stepping out of an organelle its
// boundary goes from dark (membrane) to lighter (cytoplasm). With polarity rho > 0 a
// step that gets darker going outwards is judged as if its contrast were (1 - rho)
// times smaller, so the cut prefers the outer face of the membrane to its inner face
// (lumen to membrane), which a symmetric term cannot tell apart. Thin organelles
// (Golgi cisternae, ER) are mostly membrane: without it the cut keeps only their lumen.
// Regional term  D_p = -regionalWeight * log-ratio(object vs background at p): from the
// intensity histograms (or Gaussian mixtures) of the stroked voxels, or from a
// per-voxel probability map P(object) (a classifier trained on the strokes, or a
// U-Net's prediction), log(P / (1 - P)). Stroked voxels are hard constraints.
//
// All capacities are integers in units of unit() (about 2^-20 of the largest
// weight), so that flows, energies and re-cuts are exact and reproducible.
#include "core/graphcut/GridTopology.h"
#include "core/volume/Volume.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cisterna {

// Values of a stroke volume.
constexpr std::uint8_t kStrokeNone = 0;
constexpr std::uint8_t kStrokeObject = 1;
constexpr std::uint8_t kStrokeBackground = 2;

// Histogram and GaussianMixture model the stroked voxels' grey values; Probability
// reads P(object) per voxel from EnergyParams::probability (Learned: a voxel classifier
// trained on the strokes made it; Prior: a U-Net's prediction), log P / (1 - P).
enum class RegionalModel : std::uint8_t { Histogram, GaussianMixture, None, Learned, Prior };
const char* toString(RegionalModel model);
RegionalModel parseRegionalModel(const std::string& name); // throws InvalidArgument
bool usesProbabilityMap(RegionalModel model);

struct EnergyParams {
    double lambda = 1.0;         // weight of the boundary term
    std::optional<double> sigma; // one intensity scale for every direction; per axis if unset
    // Per-axis scales (z, y, x) estimated earlier, reused so that a re-cut keeps them.
    std::optional<Vec3d> axisSigma;
    // Length of one distance unit in nm (see above); the smallest voxel side if unset.
    std::optional<double> lengthUnit;
    int connectivity = 6; // 6, 18 or 26
    // 0: symmetric boundary term; 1: steps getting darker going out of the object
    // count as no contrast at all (see above). Negative values: bright membranes.
    double polarity = 0.0;
    double regionalWeight = 0.02; // weight of the regional term (0 = strokes only)
    RegionalModel regionalModel = RegionalModel::Histogram;
    int histogramBins = 64;
    int mixtureComponents = 3;
    // P(object) per voxel as 0..255 (uint8, the image's shape) for the Learned and
    // Prior models; shared, not copied.
    Volume probability;
    // Added to log P / (1 - P) of the probability map: > 0 takes voxels the classifier
    // hesitates on as object. A forest trained on strokes down the middle of thin
    // organelles (Golgi cisternae, ER) calls their membranes and grazing sections
    // background; a positive bias recovers them (the automatic choice tries it).
    double logOddsBias = 0.0;
};

using Capacity = std::int32_t;

class Energy {
public:
    // Estimates sigma and fits the regional model to the stroked voxels. Checks the
    // parameters and the strokes: same shape as the image, values 0/1/2, both
    // classes present. Throws InvalidArgument with the reason.
    static Energy fit(const Volume& image, const Volume& strokes, const EnergyParams& params);

    const EnergyParams& params() const { return params_; }
    int connectivity() const { return params_.connectivity; }
    double sigma() const { return sigma_; } // the smallest of the axes' scales
    const Vec3d& axisSigma() const { return axisSigma_; }
    double unit() const { return unit_; } // energy per capacity quantum

    // Capacity of the edge from a voxel of intensity a to its neighbour of
    // intensity b in direction d: what the cut costs when a is object and b is
    // background (symmetric when polarity is 0).
    Capacity pairCapacity(double a, double b, std::uint32_t d) const {
        return pairFromGain(directedGain(b - a, d), d);
    }
    // gain() of a step of `rise` (neighbour minus voxel) leaving the object.
    double directedGain(double rise, std::uint32_t d) const {
        const double scale = rise < 0 ? fallScale_ : riseScale_;
        return gain(rise * scale, d);
    }
    Capacity pairFromGain(double g, std::uint32_t d) const {
        return Capacity(std::lround(g * inverseDistance_[d]));
    }
    // lambda * exp(-delta^2 / (2 sigma_d^2)) in capacity units.
    // NaN intensities carry no boundary information: zero weight.
    double gain(double delta, std::uint32_t d) const {
        return delta == delta ? gainScale_ * std::exp(-delta * delta * beta_[d]) : 0.0;
    }

    // The probability map (Learned and Prior models), else null.
    const std::uint8_t* probabilityMap() const { return probability_; }
    // Net terminal capacity of an unstroked voxel of this intensity and (linear)
    // index: positive favours the object.
    Capacity regionalCapacity(double intensity, std::int64_t index) const {
        if (regionalByBin_.empty())
            return 0;
        return probability_ ? regionalByBin_[probability_[index]]
                            : regionalByBin_[binOf(intensity)];
    }
    std::size_t binOf(double intensity) const;
    // Larger than any change of energy a single voxel's label can make.
    Capacity hardCapacity() const { return hard_; }
    Capacity terminalCapacity(double intensity, std::uint8_t stroke, std::int64_t index) const {
        return stroke == kStrokeObject       ? hard_
               : stroke == kStrokeBackground ? -hard_
                                             : regionalCapacity(intensity, index);
    }

    // Regional capacities of every value of an integer image type, for the builders
    // (empty when the regional term comes from a probability map).
    std::vector<Capacity> regionalTable(DataType type) const;
    // The regional capacity of each probability byte (Learned and Prior models).
    const std::vector<Capacity>& probabilityTable() const { return regionalByBin_; }
    // directedGain(., d) of every step of an integer image type, rising (the
    // neighbour brighter) or falling by 0, 1, 2, ...
    std::vector<double> gainTable(DataType type, std::uint32_t d, bool falling = false) const;

    // Energy of a labelling (1 = object), in capacity units: what the cut of the
    // graph with these capacities costs. Strokes must be respected by the caller.
    std::int64_t evaluate(const Volume& image, const Volume& strokes, const Volume& labels) const;

private:
    EnergyParams params_;
    double sigma_ = 1;
    Vec3d axisSigma_{1, 1, 1};
    std::array<double, 26> beta_{};
    Volume probabilityVolume_; // keeps probability_ alive
    const std::uint8_t* probability_ = nullptr;
    double unit_ = 1;
    double gainScale_ = 1;
    double riseScale_ = 1, fallScale_ = 1; // contrast scales of polarity
    std::array<double, 26> inverseDistance_{};
    double rangeLow_ = 0, binScale_ = 1;
    std::vector<Capacity> regionalByBin_;
    Capacity hard_ = 1;
};

// sigma^2 = mean squared difference of 6-neighbours (GrabCut's beta = 1 / (2 sigma^2)).
double estimateSigma(const Volume& image);
// The same per axis (z, y, x): the mean squared difference of neighbours along it. An
// axis of one voxel takes the mean of the others.
Vec3d estimateAxisSigma(const Volume& image);

// Checks a stroke volume against an image: same shape, integer type, values 0..2.
// Returns the number of object and background voxels.
struct StrokeCounts {
    std::int64_t object = 0, background = 0;
};
StrokeCounts checkStrokes(const Volume& image, const Volume& strokes);

} // namespace cisterna
