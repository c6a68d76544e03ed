#pragma once
// The energy a graph cut minimises over object/background labellings L:
//   E(L) = sum_p D_p(L_p) + sum_{p,q neighbours} w_pq [L_p != L_q]
// Boundary term  w_pq = lambda * exp(-(I_p - I_q)^2 / (2 sigma^2)) / dist(p, q), with
// sigma estimated from the volume as in GrabCut (sigma^2 = mean squared neighbour
// difference) unless given, and dist in units of the smallest voxel side.
// Regional term  D_p = -regionalWeight * log P(I_p | class), P from the intensity
// histograms (or Gaussian mixtures) of the stroked voxels; stroked voxels are hard
// constraints.
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

enum class RegionalModel : std::uint8_t { Histogram, GaussianMixture, None };
const char* toString(RegionalModel model);
RegionalModel parseRegionalModel(const std::string& name); // throws InvalidArgument

struct EnergyParams {
    double lambda = 1.0;          // weight of the boundary term
    std::optional<double> sigma;  // intensity scale of the boundary term; estimated if unset
    int connectivity = 6;         // 6, 18 or 26
    double regionalWeight = 0.02; // weight of the regional term (0 = strokes only)
    RegionalModel regionalModel = RegionalModel::Histogram;
    int histogramBins = 64;
    int mixtureComponents = 3;
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
    double sigma() const { return sigma_; }
    double unit() const { return unit_; } // energy per capacity quantum

    // Capacity of the edge from a voxel of intensity a to its neighbour of
    // intensity b in direction d (symmetric).
    Capacity pairCapacity(double a, double b, std::uint32_t d) const {
        return pairFromGain(gain(a - b), d);
    }
    Capacity pairFromGain(double g, std::uint32_t d) const {
        return Capacity(std::lround(g * inverseDistance_[d]));
    }
    // lambda * exp(-delta^2 / (2 sigma^2)) in capacity units.
    // NaN intensities carry no boundary information: zero weight.
    double gain(double delta) const {
        return delta == delta ? gainScale_ * std::exp(-delta * delta * beta_) : 0.0;
    }

    // Net terminal capacity of an unstroked voxel: positive favours the object.
    Capacity regionalCapacity(double intensity) const {
        return regionalByBin_.empty() ? 0 : regionalByBin_[binOf(intensity)];
    }
    std::size_t binOf(double intensity) const;
    // Larger than any change of energy a single voxel's label can make.
    Capacity hardCapacity() const { return hard_; }
    Capacity terminalCapacity(double intensity, std::uint8_t stroke) const {
        return stroke == kStrokeObject       ? hard_
               : stroke == kStrokeBackground ? -hard_
                                             : regionalCapacity(intensity);
    }

    // Regional capacities of every value of an integer image type, for the builders.
    std::vector<Capacity> regionalTable(DataType type) const;
    // gain() of every absolute difference of an integer image type.
    std::vector<double> gainTable(DataType type) const;

    // Energy of a labelling (1 = object), in capacity units: what the cut of the
    // graph with these capacities costs. Strokes must be respected by the caller.
    std::int64_t evaluate(const Volume& image, const Volume& strokes, const Volume& labels) const;

private:
    EnergyParams params_;
    double sigma_ = 1;
    double beta_ = 0.5;
    double unit_ = 1;
    double gainScale_ = 1;
    std::array<double, 26> inverseDistance_{};
    double rangeLow_ = 0, binScale_ = 1;
    std::vector<Capacity> regionalByBin_;
    Capacity hard_ = 1;
};

// sigma^2 = mean squared difference of 6-neighbours (GrabCut's beta = 1 / (2 sigma^2)).
double estimateSigma(const Volume& image);

// Checks a stroke volume against an image: same shape, integer type, values 0..2.
// Returns the number of object and background voxels.
struct StrokeCounts {
    std::int64_t object = 0, background = 0;
};
StrokeCounts checkStrokes(const Volume& image, const Volume& strokes);

} // namespace cisterna
