#include "core/graphcut/RandomForest.h"

#include "core/util/Error.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <thread>

namespace cisterna {
namespace {

// splitmix64: portable, so that a seed gives the same forest on every platform.
struct Random {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return std::size_t(next() % n); }
};

struct TreeNode {
    std::int16_t feature = -1;
    std::uint8_t threshold = 0;
    std::int32_t left = 0;
    float value = 0;
};

struct Tree {
    std::vector<TreeNode> nodes;
    std::vector<std::uint8_t> inBag; // per training row
};

double gini(double object, double background) {
    const double total = object + background;
    if (total <= 0)
        return 0;
    const double p = object / total;
    return total * 2 * p * (1 - p);
}

Tree growTree(const TrainingSamples& samples, const RandomForestOptions& options,
              const std::array<double, 2>& classWeight, std::uint64_t seed) {
    Random random{seed};
    const std::size_t n = samples.rows();
    const int featureCount = samples.featureCount;
    const int tries = options.featuresPerNode > 0
                          ? std::min(options.featuresPerNode, featureCount)
                          : std::max(1, int(std::lround(std::sqrt(double(featureCount)))));
    Tree tree;
    tree.inBag.assign(n, 0);
    std::vector<std::uint32_t> rows(n);
    for (std::size_t i = 0; i < n; ++i) {
        rows[i] = std::uint32_t(random.below(n));
        tree.inBag[rows[i]] = 1;
    }
    struct Pending {
        std::size_t node, begin, end;
        int depth;
    };
    std::vector<Pending> stack{{0, 0, n, 0}};
    tree.nodes.emplace_back();
    std::vector<int> order(static_cast<std::size_t>(featureCount));
    for (int f = 0; f < featureCount; ++f)
        order[std::size_t(f)] = f;
    std::array<double, 256> hObject{}, hBackground{};
    std::array<std::uint32_t, 256> hCount{};
    const std::uint8_t* x = samples.features.data();
    const std::uint8_t* y = samples.labels.data();
    while (!stack.empty()) {
        const Pending p = stack.back();
        stack.pop_back();
        double object = 0, background = 0;
        for (std::size_t i = p.begin; i < p.end; ++i)
            (y[rows[i]] ? object : background) += classWeight[y[rows[i]]];
        TreeNode& leaf = tree.nodes[p.node];
        leaf.value = object + background > 0 ? float(object / (object + background)) : 0.5f;
        const std::size_t count = p.end - p.begin;
        if (p.depth >= options.maxDepth || object == 0 || background == 0 ||
            count < std::size_t(2 * options.minSamplesLeaf))
            continue;
        const double parent = gini(object, background);
        double bestGain = 1e-12 * parent;
        int bestFeature = -1, bestThreshold = 0;
        // A partial Fisher-Yates shuffle picks `tries` distinct candidate features.
        for (int k = 0; k < tries; ++k) {
            const std::size_t j = std::size_t(k) + random.below(std::size_t(featureCount - k));
            std::swap(order[std::size_t(k)], order[j]);
            const int f = order[std::size_t(k)];
            hObject.fill(0);
            hBackground.fill(0);
            hCount.fill(0);
            for (std::size_t i = p.begin; i < p.end; ++i) {
                const std::uint32_t r = rows[i];
                const std::uint8_t v = x[std::size_t(r) * std::size_t(featureCount) + f];
                (y[r] ? hObject : hBackground)[v] += classWeight[y[r]];
                ++hCount[v];
            }
            double lo = 0, lb = 0;
            std::size_t leftCount = 0;
            for (int t = 0; t < 255; ++t) {
                lo += hObject[std::size_t(t)];
                lb += hBackground[std::size_t(t)];
                leftCount += hCount[std::size_t(t)];
                if (hCount[std::size_t(t)] == 0 || leftCount < std::size_t(options.minSamplesLeaf))
                    continue;
                if (count - leftCount < std::size_t(options.minSamplesLeaf))
                    break;
                const double g = parent - gini(lo, lb) - gini(object - lo, background - lb);
                if (g > bestGain) {
                    bestGain = g;
                    bestFeature = f;
                    bestThreshold = t;
                }
            }
        }
        if (bestFeature < 0)
            continue;
        const auto middle = std::partition(
            rows.begin() + std::ptrdiff_t(p.begin), rows.begin() + std::ptrdiff_t(p.end),
            [&](std::uint32_t r) {
                return x[std::size_t(r) * std::size_t(featureCount) + bestFeature] <= bestThreshold;
            });
        const std::size_t split = std::size_t(middle - rows.begin());
        const std::int32_t left = std::int32_t(tree.nodes.size());
        tree.nodes[p.node].feature = std::int16_t(bestFeature);
        tree.nodes[p.node].threshold = std::uint8_t(bestThreshold);
        tree.nodes[p.node].left = left;
        tree.nodes.emplace_back();
        tree.nodes.emplace_back();
        stack.push_back({std::size_t(left), p.begin, split, p.depth + 1});
        stack.push_back({std::size_t(left) + 1, split, p.end, p.depth + 1});
    }
    return tree;
}

} // namespace

RandomForest RandomForest::train(const TrainingSamples& samples,
                                 const RandomForestOptions& options) {
    if (samples.featureCount <= 0 || samples.featureCount > 32767 ||
        samples.features.size() != samples.rows() * std::size_t(samples.featureCount))
        throw InvalidArgument("random forest: the samples' feature rows do not match their count");
    if (options.trees < 1 || options.maxDepth < 1 || options.minSamplesLeaf < 1)
        throw InvalidArgument("random forest: trees, depth and leaf size must be positive");
    std::size_t objects = 0;
    for (std::uint8_t label : samples.labels)
        objects += label != 0;
    const std::size_t backgrounds = samples.rows() - objects;
    if (objects == 0 || backgrounds == 0)
        throw InvalidArgument("the voxel classifier needs samples of both object and background");
    // Each class weighs half of the whole.
    const std::array<double, 2> classWeight = {0.5 / double(backgrounds), 0.5 / double(objects)};

    std::vector<Tree> trees(std::size_t(options.trees));
    const unsigned threads = std::max(
        1u, std::min<unsigned>(std::thread::hardware_concurrency(), unsigned(options.trees)));
    std::vector<std::thread> workers;
    for (unsigned w = 0; w < threads; ++w)
        workers.emplace_back([&, w] {
            for (std::size_t t = w; t < trees.size(); t += threads)
                trees[t] =
                    growTree(samples, options, classWeight, options.seed * 0x100000001B3ull + t);
        });
    for (std::thread& w : workers)
        w.join();

    RandomForest forest;
    forest.featureCount_ = samples.featureCount;
    for (const Tree& tree : trees) {
        const std::int32_t offset = std::int32_t(forest.nodes_.size());
        forest.roots_.push_back(offset);
        for (const TreeNode& t : tree.nodes)
            forest.nodes_.push_back(
                {t.feature, t.threshold, t.feature >= 0 ? t.left + offset : 0, t.value});
    }

    // Out-of-bag accuracy, both classes weighted equally.
    double correct[2] = {0, 0}, seen[2] = {0, 0};
    for (std::size_t r = 0; r < samples.rows(); ++r) {
        const std::uint8_t* row = &samples.features[r * std::size_t(samples.featureCount)];
        float sum = 0;
        int votes = 0;
        for (std::size_t t = 0; t < trees.size(); ++t) {
            if (trees[t].inBag[r])
                continue;
            std::int32_t n = forest.roots_[t];
            while (forest.nodes_[std::size_t(n)].feature >= 0) {
                const Node& node = forest.nodes_[std::size_t(n)];
                n = row[node.feature] <= node.threshold ? node.left : node.left + 1;
            }
            sum += forest.nodes_[std::size_t(n)].value;
            ++votes;
        }
        if (votes == 0)
            continue;
        const int label = samples.labels[r] ? 1 : 0;
        seen[label] += 1;
        correct[label] += ((sum / float(votes)) > 0.5f) == (label == 1);
    }
    forest.oobAccuracy_ =
        seen[0] > 0 && seen[1] > 0 ? 0.5 * (correct[0] / seen[0] + correct[1] / seen[1]) : 0.0;
    return forest;
}

} // namespace cisterna
