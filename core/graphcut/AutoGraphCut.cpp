#include "core/graphcut/AutoGraphCut.h"
#include "core/graphcut/DynamicGraphCut.h"

#include "core/metrics/ConnectedComponents.h"
#include "core/util/Error.h"
#include "core/util/Stopwatch.h"
#include "core/volume/MemoryBudget.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

namespace cisterna {
namespace {

// A block-averaged copy of the image for the cross-validation cuts. Factors grow on
// the axis whose coarse voxels are smallest, so thin sections are merged only once
// in-plane pixels have caught up with them and coarse voxels stay near-isotropic.
struct Coarse {
    Shape3 shape;
    std::int64_t f[3] = {1, 1, 1};    // z, y, x
    Volume image;                     // float32
    std::vector<std::int64_t> centre; // per coarse voxel: the fine voxel at its centre

    std::int64_t indexOfFine(std::int64_t fine, const Shape3& s) const {
        const std::int64_t x = fine % s.x, y = (fine / s.x) % s.y, z = fine / (s.x * s.y);
        return ((z / f[0]) * shape.y + y / f[1]) * shape.x + x / f[2];
    }
};

Coarse makeCoarse(const Volume& image, std::int64_t limit) {
    Coarse c;
    const Shape3 s = image.shape();
    const Vec3d size = image.voxelSize();
    const double side[3] = {size.z, size.y, size.x};
    const std::int64_t extent[3] = {s.z, s.y, s.x};
    auto count = [&] {
        std::int64_t n = 1;
        for (int a = 0; a < 3; ++a)
            n *= (extent[a] + c.f[a] - 1) / c.f[a];
        return n;
    };
    while (count() > limit) {
        int best = -1;
        for (int a = 2; a >= 0; --a) // x, then y, then z on ties
            if (c.f[a] < extent[a] &&
                (best < 0 || side[a] * double(c.f[a]) < side[best] * double(c.f[best]) - 1e-9))
                best = a;
        if (best < 0)
            break;
        ++c.f[best];
    }
    c.shape = {(s.z + c.f[0] - 1) / c.f[0], (s.y + c.f[1] - 1) / c.f[1],
               (s.x + c.f[2] - 1) / c.f[2]};
    c.image = Volume::allocate(DataType::Float32, c.shape, VolumeRole::Image, "coarse image");
    c.image.setVoxelSize(
        {size.z * double(c.f[0]), size.y * double(c.f[1]), size.x * double(c.f[2])});
    std::vector<double> sum(std::size_t(c.shape.voxelCount()), 0.0);
    std::vector<std::int32_t> n(sum.size(), 0);
    dispatchDataType(image.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const auto v = image.view<T>();
        forEachRow(v, [&](std::int64_t z, std::int64_t y, const T* row) {
            const std::int64_t base = ((z / c.f[0]) * c.shape.y + y / c.f[1]) * c.shape.x;
            for (std::int64_t x = 0; x < s.x; ++x) {
                const double value = double(row[x * v.strides().x]);
                if (!std::isfinite(value))
                    continue;
                sum[std::size_t(base + x / c.f[2])] += value;
                ++n[std::size_t(base + x / c.f[2])];
            }
        });
    });
    auto* out = static_cast<float*>(c.image.data());
    c.centre.resize(sum.size());
    for (std::int64_t z = 0; z < c.shape.z; ++z)
        for (std::int64_t y = 0; y < c.shape.y; ++y)
            for (std::int64_t x = 0; x < c.shape.x; ++x) {
                const std::int64_t i = (z * c.shape.y + y) * c.shape.x + x;
                out[i] = n[std::size_t(i)] ? float(sum[std::size_t(i)] / n[std::size_t(i)]) : 0.0f;
                const std::int64_t fz = std::min(s.z - 1, z * c.f[0] + c.f[0] / 2);
                const std::int64_t fy = std::min(s.y - 1, y * c.f[1] + c.f[1] / 2);
                const std::int64_t fx = std::min(s.x - 1, x * c.f[2] + c.f[2] / 2);
                c.centre[std::size_t(i)] = (fz * s.y + fy) * s.x + fx;
            }
    return c;
}

// Fold of every stroked voxel (-1 elsewhere): strokes are grouped by the plane they
// lie on (the axis along which a connected piece of strokes is thinnest, and its
// slice); planes go to folds in turn. Otherwise pieces of strokes go to folds in
// turn from left to right, object pieces first.
struct Folds {
    std::vector<std::int8_t> ofVoxel;
    int count = 0;
    bool byPlane = false;
};

Folds assignFolds(const Volume& strokes, int maxFolds, bool allowPlanes) {
    const Components comps = connectedComponents(strokes, Connectivity::Corners26);
    const Shape3 s = strokes.shape();
    struct Box {
        std::int64_t lo[3] = {INT64_MAX, INT64_MAX, INT64_MAX}, hi[3] = {-1, -1, -1};
        double sumX = 0;
        std::int64_t objectVoxels = 0;
    };
    const auto* str = static_cast<const std::uint8_t*>(strokes.data());
    std::vector<Box> boxes(comps.count + 1);
    for (std::int64_t z = 0, i = 0; z < s.z; ++z)
        for (std::int64_t y = 0; y < s.y; ++y)
            for (std::int64_t x = 0; x < s.x; ++x, ++i) {
                const std::uint32_t l = comps.labels[std::size_t(i)];
                if (!l)
                    continue;
                Box& b = boxes[l];
                const std::int64_t p[3] = {z, y, x};
                for (int a = 0; a < 3; ++a) {
                    b.lo[a] = std::min(b.lo[a], p[a]);
                    b.hi[a] = std::max(b.hi[a], p[a]);
                }
                b.sumX += double(x);
                b.objectVoxels += str[i] == kStrokeObject;
            }
    std::map<std::pair<int, std::int64_t>, int> planes;
    std::vector<std::pair<int, std::int64_t>> planeOf(comps.count + 1);
    for (std::uint32_t l = 1; l <= comps.count; ++l) {
        const Box& b = boxes[l];
        int axis = 0;
        for (int a = 1; a < 3; ++a)
            if (b.hi[a] - b.lo[a] < b.hi[axis] - b.lo[axis])
                axis = a;
        planeOf[l] = {axis, b.lo[axis]};
        planes[planeOf[l]] = 0;
    }
    Folds folds;
    std::vector<int> foldOfComponent(comps.count + 1, -1);
    if (allowPlanes && planes.size() >= 2) {
        folds.byPlane = true;
        int k = 0;
        for (auto& p : planes)
            p.second = k++ % maxFolds;
        folds.count = std::min<int>(int(planes.size()), maxFolds);
        for (std::uint32_t l = 1; l <= comps.count; ++l)
            foldOfComponent[l] = planes[planeOf[l]];
    } else {
        // Object strokes in turn, then background strokes in turn, so that every fold
        // holds out a share of each class.
        std::vector<std::pair<double, std::uint32_t>> order[2];
        for (std::uint32_t l = 1; l <= comps.count; ++l) {
            const bool object = boxes[l].objectVoxels * 2 >= std::int64_t(comps.sizes[l]);
            order[object ? 0 : 1].push_back({boxes[l].sumX / double(comps.sizes[l]), l});
        }
        std::size_t j = 0;
        for (auto& o : order) {
            std::sort(o.begin(), o.end());
            for (const auto& c : o)
                foldOfComponent[c.second] = int(j++ % std::size_t(maxFolds));
        }
        folds.count = std::min<int>(int(j), maxFolds);
    }
    folds.ofVoxel.assign(comps.labels.size(), -1);
    for (std::size_t i = 0; i < comps.labels.size(); ++i)
        if (comps.labels[i])
            folds.ofVoxel[i] = std::int8_t(foldOfComponent[comps.labels[i]]);
    return folds;
}

// Held-out stroke voxels a candidate labelled right, and the share of the unstroked
// coarse voxels its cuts made object.
// Whether a (coarse) stroke volume holds both classes.
bool checkStrokeCounts(const Volume& strokes) {
    const auto* s = static_cast<const std::uint8_t*>(strokes.data());
    bool object = false, background = false;
    for (std::int64_t i = 0; i < strokes.voxelCount() && !(object && background); ++i) {
        object |= s[i] == kStrokeObject;
        background |= s[i] == kStrokeBackground;
    }
    return object && background;
}

struct Tally {
    double object = 0, objectHit = 0, background = 0, backgroundHit = 0;
    double cutObject = 0, cutVoxels = 0;
    double objectRecall() const { return object > 0 ? objectHit / object : 0; }
    double backgroundRecall() const { return background > 0 ? backgroundHit / background : 0; }
};

// The object share of a volume from a class-balanced classifier's P(object): its
// odds are likelihood ratios, so the share pi is the fixed point of
// pi = mean(pi P / (pi P + (1 - pi)(1 - P))) (Saerens et al., Neural Computation
// 2002: adjusting a classifier to new priors by EM).
double objectShare(const Volume& probability) {
    std::array<double, 256> count{};
    const auto* p = static_cast<const std::uint8_t*>(probability.data());
    for (std::int64_t i = 0; i < probability.voxelCount(); ++i)
        count[p[i]] += 1;
    const double n = double(probability.voxelCount());
    double pi = 0.5;
    for (int iteration = 0; iteration < 200; ++iteration) {
        double sum = 0;
        for (std::size_t b = 0; b < 256; ++b) {
            const double q = (double(b) + 0.5) / 256.0;
            sum += count[b] * pi * q / (pi * q + (1 - pi) * (1 - q));
        }
        const double next = sum / n;
        if (std::abs(next - pi) < 1e-6)
            return next;
        pi = next;
    }
    return pi;
}

struct Candidate {
    RegionalModel model;
    double weight;
    double bias; // log-odds bias of the learned term
};

} // namespace

double heldOutF1(double objectRecall, double backgroundRecall, double volumeShare, double cutShare,
                 double smallShareCeiling) {
    double prevalence = volumeShare;
    if (volumeShare < smallShareCeiling)
        prevalence = std::clamp(cutShare, volumeShare, smallShareCeiling);
    // Balanced accuracy would weigh a background error like an object error, but
    // background is most of a volume, so one percent of it wrongly taken costs F1 many
    // times what one percent of missed object does (measured on the SBEM training
    // stack: balanced accuracy preferred a weight whose cut had F1 0.68 over one with
    // 0.76).
    const double tp = prevalence * objectRecall;
    const double fn = prevalence - tp;
    const double fp = (1 - prevalence) * (1 - backgroundRecall);
    return tp > 0 ? tp / (tp + 0.5 * (fp + fn)) : 0;
}

std::string EnergyChoice::summary() const {
    char line[320];
    const char* term = model == RegionalModel::Learned           ? "learned term"
                       : model == RegionalModel::Prior           ? "prediction prior"
                       : model == RegionalModel::None            ? "strokes only"
                       : model == RegionalModel::GaussianMixture ? "grey-value mixture"
                                                                 : "grey-value histogram";
    std::snprintf(line, sizeof line, "%s, regional weight %.3g, lambda %.3g", term, regionalWeight,
                  lambda);
    std::string s = line;
    if (logOddsBias != 0) {
        std::snprintf(line, sizeof line, ", log-odds bias %+.3g", logOddsBias);
        s += line;
    }
    if (automatic && score >= 0) {
        std::snprintf(line, sizeof line,
                      " (chosen from %zu settings by %d-fold cross-validation on the strokes: "
                      "F1 %.2f estimated from the held-out strokes)",
                      candidates.size(), folds, score);
        s += line;
    } else if (!note.empty()) {
        s += " (" + note + ")";
    }
    if (!memoryNote.empty())
        s += "; " + memoryNote;
    return s;
}

std::string collapseWarning(std::int64_t objectVoxels, std::int64_t voxels,
                            const StrokeCounts& strokes) {
    const std::int64_t free = voxels - strokes.object - strokes.background;
    if (free <= 0)
        return {};
    const std::int64_t grown = objectVoxels - strokes.object;
    if (double(grown) <= 0.02 * double(std::max<std::int64_t>(strokes.object, 1)) ||
        double(grown) < 1e-4 * double(free))
        return "The object region is only the object strokes: the cut did not spread from "
               "them. Add object strokes on other planes, raise the regional weight or lower "
               "lambda.";
    if (double(grown) >= 0.97 * double(free))
        return "The object region fills nearly the whole volume: the cut leaked past the "
               "objects. Add background strokes where it leaked, lower the regional weight or "
               "raise lambda.";
    return {};
}

AutoGraphCutResult autoGraphCut(const Volume& input, const Volume& strokeInput,
                                const AutoGraphCutParams& params, const Progress& progress) {
    const Stopwatch start;
    const StrokeCounts counts = checkStrokes(input, strokeInput);
    const Volume image = input.contiguous();
    const Volume strokes = strokeInput.contiguous();
    const bool prior = !params.prior.isNull();
    if (prior && params.prior.shape() != image.shape())
        throw InvalidArgument("the prediction (" + toString(params.prior.shape()) +
                              ") does not have the image's shape (" + toString(image.shape()) +
                              ")");
    AutoGraphCutResult result;
    EnergyChoice& choice = result.choice;
    EnergyParams energy = params.cut.energy;
    if (prior) {
        energy.regionalModel = RegionalModel::Prior;
        energy.probability = params.prior;
    }

    // Candidates: the models to try and the weights to try them with.
    const AutoTuneOptions& tune = params.tune;
    std::vector<RegionalModel> models;
    if (prior || params.fixedModel)
        models = {energy.regionalModel};
    else {
        if (tune.learned)
            models.push_back(RegionalModel::Learned);
        if (tune.histogram)
            models.push_back(RegionalModel::Histogram);
    }
    // The learned term's features take a dozen bytes per voxel. When they do not fit
    // and the histogram is a candidate too, the cut goes on with the histogram and
    // says so, rather than refusing a cut that fits without them.
    const bool featuresGiven =
        params.features && params.features->shape == image.shape() &&
        params.features->count == voxelFeatureCount(tune.classifier.features);
    if (!featuresGiven && models.size() > 1 &&
        std::find(models.begin(), models.end(), RegionalModel::Learned) != models.end()) {
        const std::uint64_t need = voxelFeatureBytes(image.shape(), tune.classifier.features);
        const std::uint64_t available = availableMemoryBytes();
        if (need > available) {
            models.erase(std::remove(models.begin(), models.end(), RegionalModel::Learned),
                         models.end());
            choice.memoryNote = "the learned term was left out: its features need " +
                                humanBytesOf(need) + " and " + humanBytesOf(available) +
                                " is available; cut a smaller region to use it";
        }
    }
    const std::vector<double> weights =
        params.fixedWeight ? std::vector<double>{energy.regionalWeight} : tune.weights;
    // In order of preference: the learned term first, unbiased first, lower weights
    // first (see preferLowerBy).
    std::vector<Candidate> candidates;
    for (RegionalModel m : models) {
        const std::vector<double> biases =
            m != RegionalModel::Learned || params.fixedBias || tune.learnedBiases.empty()
                ? std::vector<double>{energy.logOddsBias}
                : tune.learnedBiases;
        for (double b : biases)
            for (double w : weights)
                candidates.push_back({m, w, usesProbabilityMap(m) ? b : 0.0});
    }
    const bool wantLearned = std::any_of(
        models.begin(), models.end(), [](RegionalModel m) { return m == RegionalModel::Learned; });

    const double side = std::min({image.voxelSize().z, image.voxelSize().y, image.voxelSize().x});
    if (!energy.lengthUnit)
        energy.lengthUnit = side;
    const bool tuning = tune.enabled && candidates.size() > 1;

    // The coarse copy, for the first result and the cross-validation cuts.
    Coarse coarse;
    Vec3d coarseSigma;
    Volume coarsePrior; // the prediction prior at the coarse voxels
    if (tuning || params.preview) {
        progress.report(0.0, "a coarse copy of the image");
        coarse = makeCoarse(image, tune.coarseVoxelLimit);
        coarseSigma = estimateAxisSigma(coarse.image);
        if (prior) {
            coarsePrior =
                Volume::allocate(DataType::UInt8, coarse.shape, VolumeRole::Image, "coarse prior");
            const Volume full = params.prior.contiguous();
            const auto* src = static_cast<const std::uint8_t*>(full.data());
            auto* dst = static_cast<std::uint8_t*>(coarsePrior.data());
            for (std::size_t c = 0; c < coarse.centre.size(); ++c)
                dst[c] = src[coarse.centre[c]];
        }
    }
    if (params.preview) {
        // A first result in a fraction of a second: every stroke, the histogram term
        // (or the prior) at the first weight of the grid, cut coarse and upsampled.
        progress.report(0.0, "a first, coarse cut");
        Volume coarseStrokes =
            Volume::allocate(DataType::UInt8, coarse.shape, VolumeRole::Label, "coarse strokes");
        auto* cs = static_cast<std::uint8_t*>(coarseStrokes.data());
        const auto* str = static_cast<const std::uint8_t*>(strokes.data());
        for (std::int64_t i = 0; i < image.voxelCount(); ++i)
            if (str[i] != kStrokeNone) {
                std::uint8_t& c = cs[coarse.indexOfFine(i, image.shape())];
                c |= str[i] == kStrokeObject ? 1 : 2; // 3: both, no constraint
            }
        for (std::int64_t c = 0; c < coarse.shape.voxelCount(); ++c)
            cs[c] = cs[c] == 3 ? kStrokeNone : cs[c];
        if (checkStrokeCounts(coarseStrokes)) {
            EnergyParams e = energy;
            e.regionalModel = prior ? RegionalModel::Prior : RegionalModel::Histogram;
            e.regionalWeight = weights.front();
            e.sigma.reset();
            e.axisSigma = coarseSigma;
            e.probability = coarsePrior;
            const GraphCutResult cut = exactGraphCut(coarse.image, coarseStrokes,
                                                     Energy::fit(coarse.image, coarseStrokes, e));
            Volume labels = Volume::allocate(DataType::UInt8, image.shape(), VolumeRole::Label,
                                             "first graph-cut labels");
            auto* out = static_cast<std::uint8_t*>(labels.data());
            const auto* lab = static_cast<const std::uint8_t*>(cut.labels.data());
            for (std::int64_t i = 0; i < image.voxelCount(); ++i)
                out[i] = lab[coarse.indexOfFine(i, image.shape())];
            if (image.hasVoxelSize())
                labels.setVoxelSize(image.voxelSize());
            labels.setOrigin(image.origin());
            params.preview(labels);
        }
    }

    // The learned term's features, once for every fold and the final cut.
    std::shared_ptr<const FeatureStack> features;
    StrokeSamples samples;
    if (wantLearned) {
        Stopwatch t;
        features = featuresGiven ? params.features
                                 : std::make_shared<const FeatureStack>(computeVoxelFeatures(
                                       image, tune.classifier.features, progress, 0.0, 0.3));
        samples = sampleStrokes(*features, strokes, tune.classifier.samplesPerClass);
        choice.featureSeconds = t.seconds();
    }

    if (tuning) {
        Stopwatch t;
        progress.report(0.3, "choosing the weights from the strokes");
        const auto* str = static_cast<const std::uint8_t*>(strokes.data());
        const std::int64_t n = image.voxelCount();
        std::vector<Tally> tallies;
        int usedFolds = 0;
        double totalObject = 0, totalBackground = 0;
        double classifierShare = 0; // summed over the folds' forests
        int classifierShares = 0;
        // Folds by plane first; stroke by stroke when holding out planes leaves too
        // little evidence: a fold is skipped when the rest keeps under a tenth of a
        // class's stroked voxels (the forest and the histograms would be trained on
        // almost nothing), and planes are given up when the folds that remain hold
        // out under half of a class (objects stroked on one plane only: a Golgi
        // stack seen on one of three planes).
        std::int64_t strokedObject = 0, strokedBackground = 0;
        for (std::int64_t i = 0; i < n; ++i) {
            strokedObject += str[i] == kStrokeObject;
            strokedBackground += str[i] == kStrokeBackground;
        }
        for (const bool planesFirst : {true, false}) {
            const Folds folds = assignFolds(strokes, std::max(2, tune.maxFolds), planesFirst);
            tallies.assign(candidates.size(), Tally());
            usedFolds = 0;
            for (int k = 0; k < folds.count; ++k) {
                // The other folds' strokes, coarse; the held-out ones as voxel counts.
                Volume train = Volume::allocate(DataType::UInt8, coarse.shape, VolumeRole::Label,
                                                "coarse strokes");
                auto* ts = static_cast<std::uint8_t*>(train.data());
                std::vector<std::uint8_t> seen(std::size_t(coarse.shape.voxelCount()), 0);
                std::vector<float> heldObject(seen.size(), 0), heldBackground(seen.size(), 0);
                std::int64_t trainObject = 0, trainBackground = 0;
                for (std::int64_t i = 0; i < n; ++i) {
                    if (str[i] == kStrokeNone)
                        continue;
                    const std::size_t c = std::size_t(coarse.indexOfFine(i, image.shape()));
                    if (folds.ofVoxel[std::size_t(i)] == k) {
                        (str[i] == kStrokeObject ? heldObject : heldBackground)[c] += 1;
                        continue;
                    }
                    seen[c] |= str[i] == kStrokeObject ? 1 : 2;
                    trainObject += str[i] == kStrokeObject;
                    trainBackground += str[i] == kStrokeBackground;
                }
                if (trainObject * 10 < strokedObject || trainBackground * 10 < strokedBackground ||
                    trainObject == 0 || trainBackground == 0)
                    continue; // this fold cannot be held out: the rest lacks a class
                for (std::size_t c = 0; c < seen.size(); ++c)
                    ts[c] = seen[c] == 1 ? kStrokeObject : seen[c] == 2 ? kStrokeBackground : 0;
                double heldO = 0, heldB = 0;
                for (std::size_t c = 0; c < seen.size(); ++c)
                    if (!seen[c]) {
                        heldO += heldObject[c];
                        heldB += heldBackground[c];
                    }
                if (heldO + heldB == 0)
                    continue;
                ++usedFolds;

                Volume coarseProbability;
                if (wantLearned) {
                    TrainingSamples foldSamples;
                    foldSamples.featureCount = samples.samples.featureCount;
                    for (std::size_t r = 0; r < samples.voxels.size(); ++r)
                        if (folds.ofVoxel[std::size_t(samples.voxels[r])] != k)
                            foldSamples.add(
                                &samples.samples
                                     .features[r * std::size_t(foldSamples.featureCount)],
                                samples.samples.labels[r] != 0);
                    const RandomForest forest =
                        RandomForest::train(foldSamples, tune.classifier.forest);
                    coarseProbability = Volume::allocate(DataType::UInt8, coarse.shape,
                                                         VolumeRole::Image, "coarse probability");
                    auto* p = static_cast<std::uint8_t*>(coarseProbability.data());
                    for (std::size_t c = 0; c < coarse.centre.size(); ++c)
                        p[c] = std::uint8_t(std::lround(
                            255.0f * forest.probability(features->voxel(coarse.centre[c]))));
                    classifierShare += objectShare(coarseProbability);
                    ++classifierShares;
                }
                for (std::size_t j = 0; j < candidates.size(); ++j) {
                    progress.report(0.3 + 0.3 *
                                              (double(k) + double(j) / double(candidates.size())) /
                                              double(folds.count),
                                    "choosing the weights from the strokes");
                    EnergyParams e = energy;
                    e.regionalModel = candidates[j].model;
                    e.regionalWeight = candidates[j].weight;
                    e.logOddsBias = candidates[j].bias;
                    e.sigma.reset();
                    e.axisSigma = coarseSigma;
                    if (candidates[j].model == RegionalModel::Learned)
                        e.probability = coarseProbability;
                    else if (candidates[j].model == RegionalModel::Prior)
                        e.probability = coarsePrior;
                    const Energy fitted = Energy::fit(coarse.image, train, e);
                    const GraphCutResult cut = exactGraphCut(coarse.image, train, fitted);
                    const auto* lab = static_cast<const std::uint8_t*>(cut.labels.data());
                    Tally& tally = tallies[j];
                    for (std::size_t c = 0; c < seen.size(); ++c) {
                        if (seen[c])
                            continue;
                        tally.cutObject += lab[c];
                        tally.cutVoxels += 1;
                        tally.object += heldObject[c];
                        tally.background += heldBackground[c];
                        if (lab[c])
                            tally.objectHit += heldObject[c];
                        else
                            tally.backgroundHit += heldBackground[c];
                    }
                }
            }
            totalObject = totalBackground = 0;
            for (const Tally& tl : tallies) {
                totalObject = std::max(totalObject, tl.object);
                totalBackground = std::max(totalBackground, tl.background);
            }
            const bool enough = planesFirst ? totalObject * 2 >= double(strokedObject) &&
                                                  totalBackground * 2 >= double(strokedBackground)
                                            : totalObject > 0 && totalBackground > 0;
            if (enough)
                break;
        }
        if (usedFolds >= 1 && totalObject > 0 && totalBackground > 0) {
            // The object share of the volume, which turns recalls into an F1. From the
            // folds' classifiers when the learned term is tried (a property of the
            // image, not of any candidate, so a leaking or collapsing cut cannot set
            // it); else the median of the unbiased candidates' cuts.
            double prevalence = 0;
            if (classifierShares > 0) {
                prevalence = classifierShare / classifierShares;
            } else {
                std::vector<double> shares;
                for (std::size_t j = 0; j < tallies.size(); ++j)
                    if (candidates[j].bias == 0 || j == 0) {
                        const Tally& tl = tallies[j];
                        shares.push_back(tl.cutVoxels > 0 ? tl.cutObject / tl.cutVoxels : 0);
                    }
                std::nth_element(shares.begin(), shares.begin() + std::ptrdiff_t(shares.size() / 2),
                                 shares.end());
                prevalence = shares[shares.size() / 2];
            }
            prevalence = std::clamp(prevalence, 0.001, 0.5);
            choice.objectShare = prevalence;
            std::size_t best = 0;
            for (std::size_t j = 0; j < candidates.size(); ++j) {
                CandidateScore cs;
                cs.model = candidates[j].model;
                cs.regionalWeight = candidates[j].weight;
                cs.logOddsBias = candidates[j].bias;
                cs.objectRecall = tallies[j].objectRecall();
                cs.backgroundRecall = tallies[j].backgroundRecall();
                // The candidate's own cut share counts only with the classifiers'
                // estimate (without it the prevalence is the candidates' median).
                const bool ownShare = classifierShares > 0 && tallies[j].cutVoxels > 0;
                cs.score =
                    heldOutF1(cs.objectRecall, cs.backgroundRecall, prevalence,
                              ownShare ? tallies[j].cutObject / tallies[j].cutVoxels : prevalence,
                              tune.smallShareCeiling);
                choice.candidates.push_back(cs);
                // Candidates come in order of preference (the learned term, lower
                // weights first): a later one must be clearly better to win.
                if (cs.score > choice.candidates[best].score + tune.preferLowerBy)
                    best = j;
            }
            choice.automatic = true;
            choice.folds = usedFolds;
            choice.score = choice.candidates[best].score;
            energy.regionalModel = candidates[best].model;
            energy.regionalWeight = candidates[best].weight;
            energy.logOddsBias = candidates[best].bias;
        } else {
            choice.note = "too few strokes to cross-validate: paint both classes on at least "
                          "two planes; defaults used";
        }
        choice.tuneSeconds = t.seconds();
    } else if (!tune.enabled) {
        choice.note = "set by hand";
    }
    if (!choice.automatic && !params.fixedModel && !prior)
        energy.regionalModel = models.empty() ? energy.regionalModel : models.front();
    // No choice possible: the lower middle of the grid (0.1 by default, what the SBEM
    // training stack chose).
    if (!choice.automatic && !params.fixedWeight && tune.enabled && !weights.empty())
        energy.regionalWeight = weights[(weights.size() - 1) / 2];

    if (energy.regionalModel == RegionalModel::Learned) {
        Stopwatch t;
        progress.report(0.6, "training the voxel classifier");
        const RandomForest forest = RandomForest::train(samples.samples, tune.classifier.forest);
        result.probability = predictProbability(*features, forest, image, progress, 0.6, 0.7);
        choice.classifierAccuracy = forest.outOfBagAccuracy();
        choice.classifierSeconds = t.seconds();
        energy.probability = result.probability;
    }
    // The features are not needed by the cut: free them before it allocates (unless
    // the caller keeps them).
    features.reset();
    samples = StrokeSamples();

    const Progress cutProgress(
        [&](double f, const std::string& m) { progress.report(0.7 + 0.3 * f, m); });
    GraphCutParams cutParams = params.cut;
    cutParams.energy = energy;
    Vec3d axisSigma;
    if (params.keepSession && !cutsBanded(image.voxelCount(), cutParams)) {
        // The same exact cut, through a session that keeps its graph and flow.
        auto session = std::make_shared<DynamicGraphCut>(image, cutParams, false);
        result.cut = session->cut(strokes, cutProgress);
        result.cut.labels = result.cut.labels.clone(); // the session's result stays its own
        axisSigma = session->energy()->axisSigma();
        result.session = std::move(session);
    } else {
        const Energy fitted = Energy::fit(image, strokes, energy);
        result.cut = graphCut(image, strokes, fitted, cutParams, cutProgress);
        axisSigma = fitted.axisSigma();
    }
    result.cut.stats.fitSeconds =
        choice.featureSeconds + choice.tuneSeconds + choice.classifierSeconds;
    result.cut.stats.totalSeconds = start.seconds();
    choice.model = energy.regionalModel;
    choice.lambda = energy.lambda;
    choice.regionalWeight = energy.regionalWeight;
    choice.logOddsBias = energy.logOddsBias;
    choice.axisSigma = axisSigma;
    choice.connectivity = energy.connectivity;
    result.cut.warning = collapseWarning(result.cut.stats.objectVoxels, image.voxelCount(), counts);
    return result;
}

} // namespace cisterna
