#pragma once
// A small random forest for two classes on 8-bit features, for the graph cut's
// learned data term (ilastik's pixel classification uses the same kind of model).
// Features are quantised to 0..255 (VoxelFeatures.h), so a split is "feature f <=
// t" with an integer threshold, the best one of a node is found from 256-bin class
// histograms, and a tree of depth 12 is evaluated with 12 byte loads. Bootstrap
// samples, sqrt(F) candidate features per node, Gini impurity; classes are weighted
// so that each counts as much as the other whatever the number of stroked voxels
// (a few background strokes cover far more voxels than an object stroke).
// Deterministic for a given seed.
#include <cstdint>
#include <vector>

namespace cisterna {

struct RandomForestOptions {
    int trees = 24;
    int maxDepth = 12;
    int minSamplesLeaf = 3;
    int featuresPerNode = 0; // 0 = sqrt(feature count)
    std::uint64_t seed = 1;
};

// Training samples: rows of `featureCount` bytes, one label per row (true = object).
struct TrainingSamples {
    int featureCount = 0;
    std::vector<std::uint8_t> features; // row-major, size = rows * featureCount
    std::vector<std::uint8_t> labels;   // 1 object, 0 background
    std::size_t rows() const { return labels.size(); }
    void add(const std::uint8_t* row, bool object) {
        features.insert(features.end(), row, row + featureCount);
        labels.push_back(object ? 1 : 0);
    }
};

class RandomForest {
public:
    // Throws InvalidArgument when there are no samples of one class.
    static RandomForest train(const TrainingSamples& samples, const RandomForestOptions& options);

    int featureCount() const { return featureCount_; }
    int treeCount() const { return int(roots_.size()); }
    // P(object) of one sample; `feature(f)` returns its f-th feature byte.
    template <class FeatureOf> float probability(FeatureOf&& feature) const {
        float sum = 0;
        for (const std::int32_t root : roots_) {
            std::int32_t n = root;
            while (nodes_[std::size_t(n)].feature >= 0) {
                const Node& node = nodes_[std::size_t(n)];
                n = feature(node.feature) <= node.threshold ? node.left : node.left + 1;
            }
            sum += nodes_[std::size_t(n)].value;
        }
        return sum / float(roots_.size());
    }
    float probability(const std::uint8_t* row) const {
        return probability([row](int f) { return row[f]; });
    }
    // Fraction of the training samples each tree left out (its bootstrap's
    // out-of-bag rows) that the trees without them classify correctly, classes
    // weighted equally; an honest estimate of accuracy on voxels like the strokes.
    double outOfBagAccuracy() const { return oobAccuracy_; }

private:
    struct Node {
        std::int16_t feature = -1; // -1: leaf
        std::uint8_t threshold = 0;
        std::int32_t left = 0; // children at left and left + 1
        float value = 0;       // leaf: P(object)
    };
    int featureCount_ = 0;
    std::vector<Node> nodes_;
    std::vector<std::int32_t> roots_;
    double oobAccuracy_ = 0;
};

} // namespace cisterna
