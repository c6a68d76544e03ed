#include "core/graphcut/Energy.h"

#include "core/util/Error.h"
#include "core/volume/VolumeOps.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace cisterna {
namespace {

// Capacities are quantised so that the largest weight is about 2^20 quanta: fine
// enough for any energy a user can tell apart, small enough that a hard constraint
// (26 edges plus the regional term) and a re-parametrised terminal link fit in 32 bits.
constexpr double kQuantaPerMaxWeight = double(1 << 20);
// |log P_obj - log P_bkg| is capped so that one impossible-looking intensity cannot
// outweigh every boundary.
constexpr double kMaxLogRatio = 20.0;

bool finite(double v) {
    return std::isfinite(v);
}

// Histogram of the intensities of one stroke class, over the image's value range.
std::vector<double> strokeHistogram(const Volume& image, const Volume& strokes, std::uint8_t cls,
                                    const Energy& energy, std::size_t bins) {
    std::vector<double> h(bins, 0.0);
    dispatchDataType(image.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const auto img = image.view<T>();
        const auto str = strokes.view<std::uint8_t>();
        for (std::int64_t z = 0; z < img.shape().z; ++z)
            for (std::int64_t y = 0; y < img.shape().y; ++y)
                for (std::int64_t x = 0; x < img.shape().x; ++x)
                    if (str(z, y, x) == cls)
                        h[energy.binOf(double(img(z, y, x)))] += 1;
    });
    return h;
}

// log P(bin) from a histogram: smoothed over neighbouring bins (strokes sample an
// intensity distribution sparsely) and with one pseudo-count per bin, so that
// intensities no stroke covered are unlikely but not impossible.
std::vector<double> histogramLogLikelihood(const std::vector<double>& h) {
    const std::size_t n = h.size();
    std::vector<double> smooth(n, 0.0);
    const double kernel[3] = {0.25, 0.5, 0.25};
    for (std::size_t b = 0; b < n; ++b)
        for (int k = -1; k <= 1; ++k) {
            const std::int64_t j =
                std::clamp<std::int64_t>(std::int64_t(b) + k, 0, std::int64_t(n) - 1);
            smooth[b] += kernel[k + 1] * h[std::size_t(j)];
        }
    double total = 0;
    for (double v : smooth)
        total += v;
    std::vector<double> logP(n);
    for (std::size_t b = 0; b < n; ++b)
        logP[b] = std::log((smooth[b] + 1.0) / (total + double(n)));
    return logP;
}

// One-dimensional Gaussian mixture fitted by EM, evaluated as log density at the
// bin centres.
std::vector<double> mixtureLogLikelihood(const std::vector<double>& hist, int components,
                                         double low, double binWidth) {
    const std::size_t n = hist.size();
    double total = 0;
    for (double v : hist)
        total += v;
    const int k = std::max(1, components);
    const std::size_t kk = std::size_t(k);
    std::vector<double> weight(kk, 1.0 / k), mean(kk, 0.0), var(kk, 1.0);
    // Start at the quantiles of the histogram, with the overall variance.
    double m = 0, s2 = 0;
    for (std::size_t b = 0; b < n; ++b)
        m += hist[b] * (low + (double(b) + 0.5) * binWidth);
    m /= total;
    for (std::size_t b = 0; b < n; ++b) {
        const double c = low + (double(b) + 0.5) * binWidth - m;
        s2 += hist[b] * c * c;
    }
    s2 = std::max(s2 / total, binWidth * binWidth);
    for (int j = 0; j < k; ++j) {
        const double q = (j + 0.5) / k * total;
        double acc = 0;
        std::size_t b = 0;
        while (b + 1 < n && acc + hist[b] < q)
            acc += hist[b++];
        mean[std::size_t(j)] = low + (double(b) + 0.5) * binWidth;
        var[std::size_t(j)] = s2 / k;
    }
    const double minVar = binWidth * binWidth;
    std::vector<double> resp(kk, 0.0);
    for (int iteration = 0; iteration < 100; ++iteration) {
        std::vector<double> sw(kk, 0.0), sx(kk, 0.0), sxx(kk, 0.0);
        for (std::size_t b = 0; b < n; ++b) {
            if (hist[b] == 0)
                continue;
            const double x = low + (double(b) + 0.5) * binWidth;
            double norm = 0;
            for (std::size_t j = 0; j < std::size_t(k); ++j) {
                const double d = x - mean[j];
                resp[j] = weight[j] * std::exp(-0.5 * d * d / var[j]) / std::sqrt(var[j]);
                norm += resp[j];
            }
            if (!(norm > 0))
                continue;
            for (std::size_t j = 0; j < std::size_t(k); ++j) {
                const double r = hist[b] * resp[j] / norm;
                sw[j] += r;
                sx[j] += r * x;
                sxx[j] += r * x * x;
            }
        }
        for (std::size_t j = 0; j < std::size_t(k); ++j) {
            if (sw[j] <= 1e-9 * total)
                continue; // an empty component keeps its place
            weight[j] = sw[j] / total;
            mean[j] = sx[j] / sw[j];
            var[j] = std::max(sxx[j] / sw[j] - mean[j] * mean[j], minVar);
        }
    }
    std::vector<double> logP(n);
    const double pi2 = 2 * 3.14159265358979323846;
    for (std::size_t b = 0; b < n; ++b) {
        const double x = low + (double(b) + 0.5) * binWidth;
        double p = 0;
        for (std::size_t j = 0; j < std::size_t(k); ++j) {
            const double d = x - mean[j];
            p += weight[j] * std::exp(-0.5 * d * d / var[j]) / std::sqrt(pi2 * var[j]);
        }
        logP[b] = std::log(std::max(p * binWidth, 1e-300));
    }
    return logP;
}

} // namespace

const char* toString(RegionalModel model) {
    switch (model) {
    case RegionalModel::Histogram:
        return "histogram";
    case RegionalModel::GaussianMixture:
        return "gmm";
    case RegionalModel::Learned:
        return "learned";
    case RegionalModel::Prior:
        return "prior";
    case RegionalModel::None:
    default:
        return "none";
    }
}

RegionalModel parseRegionalModel(const std::string& name) {
    if (name == "histogram")
        return RegionalModel::Histogram;
    if (name == "gmm" || name == "mixture")
        return RegionalModel::GaussianMixture;
    if (name == "none")
        return RegionalModel::None;
    if (name == "learned")
        return RegionalModel::Learned;
    if (name == "prior")
        return RegionalModel::Prior;
    throw InvalidArgument("unknown regional model '" + name +
                          "' (histogram, gmm, learned, prior or none)");
}

bool usesProbabilityMap(RegionalModel model) {
    return model == RegionalModel::Learned || model == RegionalModel::Prior;
}

namespace {
// Sums of squared neighbour differences and their counts per axis (z, y, x). Large
// volumes are sampled on every k-th slice: means are all that is needed.
struct DifferenceSums {
    double sum[3] = {0, 0, 0};
    std::int64_t count[3] = {0, 0, 0};
};
DifferenceSums neighbourDifferences(const Volume& image) {
    const Shape3 s = image.shape();
    const std::int64_t step = std::max<std::int64_t>(1, s.voxelCount() / (std::int64_t(1) << 24));
    DifferenceSums d;
    dispatchDataType(image.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const auto v = image.view<T>();
        for (std::int64_t z = 0; z < s.z; z += step)
            for (std::int64_t y = 0; y < s.y; ++y)
                for (std::int64_t x = 0; x < s.x; ++x) {
                    const double c = double(v(z, y, x));
                    if (!finite(c))
                        continue;
                    auto add = [&](int axis, double o) {
                        if (finite(o)) {
                            d.sum[axis] += (c - o) * (c - o);
                            ++d.count[axis];
                        }
                    };
                    if (x + 1 < s.x)
                        add(2, double(v(z, y, x + 1)));
                    if (y + 1 < s.y)
                        add(1, double(v(z, y + 1, x)));
                    if (z + 1 < s.z)
                        add(0, double(v(z + 1, y, x)));
                }
    });
    return d;
}
// A constant volume has no contrast to scale by; any sigma gives the same cut.
double validSigma(double sigma) {
    return sigma > 0 && finite(sigma) ? sigma : 1.0;
}
} // namespace

double estimateSigma(const Volume& image) {
    const DifferenceSums d = neighbourDifferences(image);
    const std::int64_t count = d.count[0] + d.count[1] + d.count[2];
    return validSigma(count > 0 ? std::sqrt((d.sum[0] + d.sum[1] + d.sum[2]) / double(count))
                                : 0.0);
}

Vec3d estimateAxisSigma(const Volume& image) {
    const DifferenceSums d = neighbourDifferences(image);
    const double overall = estimateSigma(image);
    double axis[3];
    for (int a = 0; a < 3; ++a)
        axis[a] = d.count[a] > 0 ? validSigma(std::sqrt(d.sum[a] / double(d.count[a]))) : overall;
    return {axis[0], axis[1], axis[2]};
}

StrokeCounts checkStrokes(const Volume& image, const Volume& strokes) {
    if (image.isNull() || image.shape().isEmpty())
        throw InvalidArgument("the graph cut needs a non-empty image");
    if (strokes.isNull())
        throw InvalidArgument("the graph cut needs strokes (a label volume of 0, 1 and 2)");
    if (strokes.shape() != image.shape())
        throw InvalidArgument("the strokes (" + toString(strokes.shape()) +
                              ") do not have the image's shape (" + toString(image.shape()) + ")");
    if (strokes.dataType() != DataType::UInt8)
        throw InvalidArgument(std::string("strokes must be a uint8 volume of 0, 1 and 2, not ") +
                              toString(strokes.dataType()));
    StrokeCounts counts;
    const auto v = strokes.view<std::uint8_t>();
    forEachRow(v, [&](std::int64_t z, std::int64_t y, const std::uint8_t* row) {
        for (std::int64_t x = 0; x < v.shape().x; ++x) {
            const std::uint8_t s = row[x * v.strides().x];
            if (s == kStrokeObject)
                ++counts.object;
            else if (s == kStrokeBackground)
                ++counts.background;
            else if (s != kStrokeNone)
                throw InvalidArgument("stroke value " + std::to_string(int(s)) + " at z " +
                                      std::to_string(z) + ", y " + std::to_string(y) + ", x " +
                                      std::to_string(x) +
                                      " is not 0 (none), 1 (object) or 2 (background)");
        }
    });
    if (counts.object == 0 || counts.background == 0)
        throw InvalidArgument(
            std::string("the graph cut needs both object (1) and background (2) strokes; ") +
            (counts.object == 0 && counts.background == 0 ? "no strokes were given"
             : counts.object == 0                         ? "only background strokes were given"
                                                          : "only object strokes were given"));
    return counts;
}

Energy Energy::fit(const Volume& image, const Volume& strokes, const EnergyParams& params) {
    if (!(params.lambda >= 0) || !finite(params.lambda))
        throw InvalidArgument("lambda must be a finite number >= 0, got " +
                              std::to_string(params.lambda));
    if (params.sigma && (!(*params.sigma > 0) || !finite(*params.sigma)))
        throw InvalidArgument("sigma must be a positive number, got " +
                              std::to_string(*params.sigma));
    if (params.connectivity != 6 && params.connectivity != 18 && params.connectivity != 26)
        throw InvalidArgument("connectivity must be 6, 18 or 26, got " +
                              std::to_string(params.connectivity));
    if (!(params.regionalWeight >= 0) || !finite(params.regionalWeight))
        throw InvalidArgument("the regional weight must be a finite number >= 0, got " +
                              std::to_string(params.regionalWeight));
    if (params.histogramBins < 2 || params.histogramBins > 65536)
        throw InvalidArgument("histogram bins must be in 2..65536, got " +
                              std::to_string(params.histogramBins));
    if (params.mixtureComponents < 1 || params.mixtureComponents > 16)
        throw InvalidArgument("mixture components must be in 1..16, got " +
                              std::to_string(params.mixtureComponents));
    if (params.lengthUnit && (!(*params.lengthUnit > 0) || !finite(*params.lengthUnit)))
        throw InvalidArgument("the length unit must be a positive number of nm");
    if (!finite(params.logOddsBias) || std::abs(params.logOddsBias) > kMaxLogRatio)
        throw InvalidArgument("the log-odds bias must be a number of magnitude at most " +
                              std::to_string(kMaxLogRatio) + ", got " +
                              std::to_string(params.logOddsBias));
    if (!(params.polarity >= -1 && params.polarity <= 1))
        throw InvalidArgument("the polarity must be in -1..1, got " +
                              std::to_string(params.polarity));
    checkStrokes(image, strokes);
    const bool mapped = usesProbabilityMap(params.regionalModel);
    if (mapped) {
        const Volume& p = params.probability;
        if (p.isNull())
            throw InvalidArgument(std::string("the ") + toString(params.regionalModel) +
                                  " regional term needs a probability map");
        if (p.shape() != image.shape())
            throw InvalidArgument("the probability map (" + toString(p.shape()) +
                                  ") does not have the image's shape (" + toString(image.shape()) +
                                  ")");
        if (p.dataType() != DataType::UInt8)
            throw InvalidArgument("the probability map must be uint8 (P x 255)");
    }

    Energy e;
    e.params_ = params;
    e.params_.probability = Volume(); // held below, contiguous
    if (params.sigma)
        e.axisSigma_ = {*params.sigma, *params.sigma, *params.sigma};
    else
        e.axisSigma_ = params.axisSigma ? *params.axisSigma : estimateAxisSigma(image);
    for (double s : {e.axisSigma_.z, e.axisSigma_.y, e.axisSigma_.x})
        if (!(s > 0) || !finite(s))
            throw InvalidArgument("sigma must be a positive number, got " + std::to_string(s));
    e.sigma_ = std::min({e.axisSigma_.z, e.axisSigma_.y, e.axisSigma_.x});
    e.params_.axisSigma = e.axisSigma_;

    const Vec3d size = image.voxelSize();
    const double side = params.lengthUnit ? *params.lengthUnit : std::min({size.z, size.y, size.x});
    std::array<double, 26> distance{};
    for (std::size_t d = 0; d < 26; ++d) {
        const graphcut::Offset3& o = graphcut::kDirections[d];
        distance[d] = std::sqrt(o.dz * size.z * o.dz * size.z + o.dy * size.y * o.dy * size.y +
                                o.dx * size.x * o.dx * size.x) /
                      side;
        const double s2 = std::abs(o.dz) * e.axisSigma_.z * e.axisSigma_.z +
                          std::abs(o.dy) * e.axisSigma_.y * e.axisSigma_.y +
                          std::abs(o.dx) * e.axisSigma_.x * e.axisSigma_.x;
        e.beta_[d] = 1.0 / (2.0 * s2);
    }

    // Intensity bins over the image's range; integer images never get finer bins
    // than one per value.
    const ValueRange range = valueRange(image);
    std::size_t bins = std::size_t(params.histogramBins);
    if (isIntegerType(image.dataType()))
        bins = std::min<std::size_t>(bins, std::size_t(range.max - range.min) + 1);
    bins = std::max<std::size_t>(bins, 1);
    e.rangeLow_ = range.min;
    e.binScale_ = range.max > range.min ? double(bins) / (range.max - range.min) : 0;
    const double binWidth = e.binScale_ > 0 ? 1.0 / e.binScale_ : 1.0;

    std::vector<double> regional;
    if (mapped && params.regionalWeight > 0) {
        // P(object) of each byte, from the bin's centre: log-odds never infinite.
        e.probabilityVolume_ = params.probability.contiguous();
        e.probability_ = static_cast<const std::uint8_t*>(e.probabilityVolume_.data());
        regional.resize(256);
        for (std::size_t b = 0; b < 256; ++b) {
            const double p = (double(b) + 0.5) / 256.0;
            regional[b] =
                params.regionalWeight *
                std::clamp(std::log(p / (1 - p)) + params.logOddsBias, -kMaxLogRatio, kMaxLogRatio);
        }
    } else if (!mapped && params.regionalModel != RegionalModel::None &&
               params.regionalWeight > 0) {
        e.regionalByBin_.assign(bins, 0); // binOf() needs the bin count
        const auto hObject = strokeHistogram(image, strokes, kStrokeObject, e, bins);
        const auto hBackground = strokeHistogram(image, strokes, kStrokeBackground, e, bins);
        std::vector<double> lo, lb;
        if (params.regionalModel == RegionalModel::Histogram) {
            lo = histogramLogLikelihood(hObject);
            lb = histogramLogLikelihood(hBackground);
        } else {
            lo = mixtureLogLikelihood(hObject, params.mixtureComponents, range.min, binWidth);
            lb = mixtureLogLikelihood(hBackground, params.mixtureComponents, range.min, binWidth);
        }
        regional.resize(bins);
        for (std::size_t b = 0; b < bins; ++b)
            regional[b] =
                params.regionalWeight * std::clamp(lo[b] - lb[b], -kMaxLogRatio, kMaxLogRatio);
    }

    // The unit depends on the parameters only, not on the strokes, so that re-fitting
    // the regional model after a stroke edit changes terminal capacities and nothing
    // else (see DynamicGraphCut).
    const bool regionalOn =
        params.regionalModel != RegionalModel::None && params.regionalWeight > 0;
    const double regionalBound = regionalOn ? params.regionalWeight * kMaxLogRatio : 0.0;
    const double largest = std::max(params.lambda, regionalBound);
    e.unit_ = largest > 0 ? largest / kQuantaPerMaxWeight : 1.0;
    e.gainScale_ = params.lambda / e.unit_;
    e.riseScale_ = params.polarity < 0 ? 1 + params.polarity : 1.0;
    e.fallScale_ = params.polarity > 0 ? 1 - params.polarity : 1.0;
    for (std::size_t d = 0; d < 26; ++d)
        e.inverseDistance_[d] = 1.0 / distance[d];

    e.regionalByBin_.clear();
    for (double r : regional)
        e.regionalByBin_.push_back(Capacity(std::lround(r / e.unit_)));
    // A hard constraint outweighs every edge of its voxel and any regional term.
    std::int64_t hard = std::int64_t(std::lround(regionalBound / e.unit_)) + 1;
    for (int d = 0; d < params.connectivity; ++d)
        hard += e.pairFromGain(e.gainScale_, std::uint32_t(d));
    e.hard_ = Capacity(hard);
    return e;
}

std::size_t Energy::binOf(double intensity) const {
    if (probability_)
        return 0; // bins are probability bytes, read per voxel
    const std::size_t bins = regionalByBin_.size();
    if (bins <= 1 || !(intensity == intensity))
        return 0;
    const double b = std::floor((intensity - rangeLow_) * binScale_);
    return b <= 0 ? 0 : b >= double(bins - 1) ? bins - 1 : std::size_t(b);
}

std::vector<Capacity> Energy::regionalTable(DataType type) const {
    if (!isIntegerType(type))
        throw InvalidArgument("regional tables exist only for integer images");
    if (probability_)
        return {};
    const std::size_t n = type == DataType::UInt8 ? 256 : 65536;
    std::vector<Capacity> table(n);
    for (std::size_t v = 0; v < n; ++v)
        table[v] = regionalCapacity(double(v), 0);
    return table;
}

std::vector<double> Energy::gainTable(DataType type, std::uint32_t d, bool falling) const {
    if (!isIntegerType(type))
        throw InvalidArgument("gain tables exist only for integer images");
    const std::size_t n = type == DataType::UInt8 ? 256 : 65536;
    std::vector<double> table(n);
    for (std::size_t v = 0; v < n; ++v)
        table[v] = directedGain(falling ? -double(v) : double(v), d);
    return table;
}

std::int64_t Energy::evaluate(const Volume& image, const Volume& strokes,
                              const Volume& labels) const {
    if (labels.shape() != image.shape() || strokes.shape() != image.shape())
        throw InvalidArgument("image, strokes and labels must have the same shape");
    const Shape3 s = image.shape();
    const int k = params_.connectivity;
    std::int64_t energy = 0;
    dispatchDataType(image.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const auto img = image.view<T>();
        const auto str = strokes.view<std::uint8_t>();
        dispatchDataType(labels.dataType(), [&](auto ltag) {
            using L = decltype(ltag);
            const auto lab = labels.view<L>();
            for (std::int64_t z = 0; z < s.z; ++z)
                for (std::int64_t y = 0; y < s.y; ++y)
                    for (std::int64_t x = 0; x < s.x; ++x) {
                        const bool object = lab(z, y, x) != 0;
                        const double a = double(img(z, y, x));
                        const Capacity t =
                            terminalCapacity(a, str(z, y, x), (z * s.y + y) * s.x + x);
                        energy += object ? std::max(-t, 0) : std::max(t, 0);
                        if (!object)
                            continue;
                        // Edges from object to background voxels are the ones cut.
                        for (int d = 0; d < k; ++d) {
                            const graphcut::Offset3& o = graphcut::kDirections[std::size_t(d)];
                            const Index3 q{z + o.dz, y + o.dy, x + o.dx};
                            if (!s.contains(q) || lab(q) != 0)
                                continue;
                            energy += pairCapacity(a, double(img(q)), std::uint32_t(d));
                        }
                    }
        });
    });
    return energy;
}

} // namespace cisterna
