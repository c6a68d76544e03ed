#include "core/learning/PostProcess.h"
#include "core/util/Error.h"

#include <catch2/catch.hpp>

using namespace cisterna;

namespace {

// One row of probabilities (percent) as a float32 volume of shape (1, 1, n).
Volume row(const std::vector<int>& percent, DataType type = DataType::Float32) {
    Volume v = Volume::allocate(type, {1, 1, std::int64_t(percent.size())});
    for (std::size_t i = 0; i < percent.size(); ++i) {
        if (type == DataType::Float32)
            v.view<float>()(0, 0, std::int64_t(i)) = float(percent[i]) / 100.0f;
        else
            v.view<std::uint8_t>()(0, 0, std::int64_t(i)) =
                static_cast<std::uint8_t>((percent[i] * 255 + 50) / 100); // rounded
    }
    return v;
}

std::vector<int> values(const Volume& v) {
    std::vector<int> out;
    for (std::int64_t x = 0; x < v.shape().x; ++x)
        out.push_back(int(v.valueAt({0, 0, x})));
    return out;
}

} // namespace

TEST_CASE("threshold of float and uint8 probability maps", "[learning][postprocess]") {
    const std::vector<int> p{0, 49, 50, 51, 100};
    CHECK(values(thresholdProbabilities(row(p), 0.5)) == std::vector<int>{0, 0, 0, 1, 1});
    // As uint8, 50 % is stored as 128 (127.5 rounded), which is above 0.5.
    CHECK(values(thresholdProbabilities(row(p, DataType::UInt8), 0.5)) ==
          std::vector<int>{0, 0, 1, 1, 1});
    CHECK(values(thresholdProbabilities(row(p), 0.3)) == std::vector<int>{0, 1, 1, 1, 1});
    CHECK_THROWS_AS(thresholdProbabilities(Volume::allocate(DataType::UInt16, {1, 1, 2}), 0.5),
                    InvalidArgument);
}

TEST_CASE("components smaller than N voxels are removed", "[learning][postprocess]") {
    //  sizes along the row: 1, 3, 2 voxels
    const Volume p = row({90, 0, 90, 90, 90, 0, 80, 80});
    PostProcessOptions o;
    o.minComponentVoxels = 2;
    CHECK(values(postProcess(p, o)) == std::vector<int>{0, 0, 1, 1, 1, 0, 1, 1});
    o.minComponentVoxels = 3;
    CHECK(values(postProcess(p, o)) == std::vector<int>{0, 0, 1, 1, 1, 0, 0, 0});
    o.minComponentVoxels = 0;
    CHECK(values(postProcess(p, o)) == std::vector<int>{1, 0, 1, 1, 1, 0, 1, 1});
}

TEST_CASE("each voxel gets at most one organelle", "[learning][postprocess]") {
    const Volume mito = row({90, 60, 20, 70, 0});
    const Volume er = row({60, 90, 70, 70, 0});
    const std::vector<OrganelleMap> maps{{"mito", 1, mito}, {"er", 3, er}};
    PostProcessOptions o;
    CHECK(values(combineOrganelles(maps, OverlapRule::HighestProbability, o)) ==
          std::vector<int>{1, 3, 3, 1, 0}); // a tie goes to the first
    CHECK(values(combineOrganelles(maps, OverlapRule::Priority, o)) ==
          std::vector<int>{1, 1, 3, 1, 0});
    const std::vector<OrganelleMap> erFirst{{"er", 3, er}, {"mito", 1, mito}};
    CHECK(values(combineOrganelles(erFirst, OverlapRule::Priority, o)) ==
          std::vector<int>{3, 3, 3, 3, 0});
    // Small pieces left after the assignment are removed per organelle.
    o.minComponentVoxels = 2;
    CHECK(values(combineOrganelles(maps, OverlapRule::HighestProbability, o)) ==
          std::vector<int>{0, 3, 3, 0, 0});

    // Each organelle at its own threshold: ER only above 0.8, mito from 0.1.
    std::vector<OrganelleMap> own = maps;
    own[0].threshold = 0.1;
    own[1].threshold = 0.8;
    o.minComponentVoxels = 0;
    CHECK(values(combineOrganelles(own, OverlapRule::HighestProbability, o)) ==
          std::vector<int>{1, 3, 1, 1, 0});

    const std::vector<OrganelleMap> mismatched{{"mito", 1, mito}, {"er", 3, row({1, 2})}};
    CHECK_THROWS_AS(combineOrganelles(mismatched, OverlapRule::Priority, o), InvalidArgument);
    CHECK_THROWS_AS(combineOrganelles({}, OverlapRule::Priority, o), InvalidArgument);
    CHECK(parseOverlapRule("priority") == OverlapRule::Priority);
    CHECK_THROWS_AS(parseOverlapRule("vote"), InvalidArgument);
}
