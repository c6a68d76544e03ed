#include "LearningTestSupport.h"

#include "core/learning/Tiling.h"
#include "core/learning/UNet.h"
#include "core/learning/UNetConfig.h"
#include "core/util/Error.h"

#include <catch2/catch.hpp>
#include <torch/utils.h>

#include <set>

using namespace cisterna;

TEST_CASE("the ASEM network: 204^3 in, 112^3 out with a 1x1x1 head, 110^3 with ASEM's 3x3x3 "
          "head, about 5.8 M parameters",
          "[learning][unet]") {
    UNetConfig asem; // defaults: 32 features, x2, three levels of factor 2, nearest
    const UNetGeometry g = unetGeometry(asem, {204, 204, 204});
    CHECK(g.output == Shape3{112, 112, 112});
    CHECK(g.offset == Index3{46, 46, 46});
    CHECK(unetParameterCount(asem) == 5836066);

    UNetConfig exact = asem;
    exact.headKernel = 3;
    const UNetGeometry e = unetGeometry(exact, {204, 204, 204});
    CHECK(e.output == Shape3{110, 110, 110});
    CHECK(e.offset == Index3{47, 47, 47}); // ASEM's unpredicted ~47-voxel rim
    CHECK(unetParameterCount(exact) == 5837730);

    UNetConfig transposed = asem;
    transposed.upsampling = Upsampling::TransposedConv;
    CHECK(unetParameterCount(transposed) == 5836066 + 688576);

    // Valid sizes step by the total factor; the smallest gives an output of one factor.
    const std::vector<std::int64_t> sizes = validInputSizes(asem, 0, 220);
    CHECK(sizes.front() == 100);
    CHECK(unetOutputSize(asem, 0, 100) == 8);
    for (std::int64_t n : sizes)
        CHECK((n - 100) % 8 == 0);
}

TEST_CASE("the analytic parameter count matches the LibTorch module", "[learning][unet]") {
    UNetConfig asem;
    UNet net(asem);
    CHECK(countParameters(*net) == unetParameterCount(asem));

    UNetConfig odd;
    odd.baseFeatures = 3;
    odd.featureFactor = 3;
    odd.downFactors = {{1, 2, 2}, {2, 2, 2}};
    odd.kernelSizes = {{1, 3, 3}, {3, 3, 3}, {3, 3, 3}};
    odd.upsampling = Upsampling::TransposedConv;
    odd.headKernel = 3;
    odd.classes = 3;
    UNet oddNet(odd);
    CHECK(countParameters(*oddNet) == unetParameterCount(odd));
}

TEST_CASE("the forward pass gives exactly the computed output size", "[learning][unet]") {
    torch::NoGradGuard noGrad;
    UNetConfig c;
    c.baseFeatures = 2;
    c.downFactors = {{1, 2, 2}, {2, 2, 2}};
    c.kernelSizes = {{1, 3, 3}, {3, 3, 3}, {3, 3, 3}};
    UNet net(c);
    for (const Shape3 input : {Shape3{20, 48, 52}, Shape3{28, 56, 48}}) {
        const UNetGeometry g = unetGeometry(c, input);
        const torch::Tensor out = net->forward(torch::zeros({1, 1, input.z, input.y, input.x}));
        CHECK(out.size(1) == 2);
        CHECK(out.size(2) == g.output.z);
        CHECK(out.size(3) == g.output.y);
        CHECK(out.size(4) == g.output.x);
    }
}

TEST_CASE("an invalid input size is refused with the nearest valid sizes", "[learning][unet]") {
    UNetConfig asem;
    try {
        unetGeometry(asem, {204, 205, 204});
        FAIL("no error");
    } catch (const InvalidArgument& e) {
        const std::string what = e.what();
        CHECK(what.find("205 voxels along y") != std::string::npos);
        CHECK(what.find("nearest valid sizes: 204 212") != std::string::npos);
    }
    UNet net(test::tinyNetwork());
    CHECK_THROWS_AS(net->forward(torch::zeros({1, 1, 35, 36, 36})), InvalidArgument);
    CHECK_THROWS_AS(unetGeometry(asem, {50, 50, 50}), InvalidArgument); // too small
}

TEST_CASE("unusable architectures are refused", "[learning][unet]") {
    UNetConfig c;
    c.downFactors.clear();
    CHECK_THROWS_AS(c.validate(), InvalidArgument);
    c = UNetConfig();
    c.kernelSizes = {{3, 3, 3}};
    CHECK_THROWS_AS(c.validate(), InvalidArgument);
    c = UNetConfig();
    c.headKernel = 2;
    CHECK_THROWS_AS(c.validate(), InvalidArgument);
    c = UNetConfig();
    c.baseFeatures = 1024;
    c.featureFactor = 8;
    CHECK_THROWS_AS(c.validate(), InvalidArgument);
    CHECK(parseLevelTriples("1,2,2", 3).size() == 3);
    CHECK(parseLevelTriples("1,2,2;2,2,2", -1)[1] == Index3{2, 2, 2});
    CHECK_THROWS_AS(parseLevelTriples("1,2", 3), InvalidArgument);
    CHECK_THROWS_AS(parseLevelTriples("a", 3), InvalidArgument);
}

TEST_CASE("outputs are translation equivariant for shifts by the total factor",
          "[learning][unet]") {
    torch::NoGradGuard noGrad;
    const UNetConfig c = test::tinyNetwork();
    UNet net = makeUNet(c, 3);
    const torch::Tensor big = torch::randn({1, 1, 40, 40, 40});
    const torch::Tensor a = net->forward(big.narrow(2, 0, 36).narrow(3, 0, 36).narrow(4, 0, 36));
    const torch::Tensor b = net->forward(big.narrow(2, 2, 36).narrow(3, 4, 36).narrow(4, 0, 36));
    // b is a shifted by (2, 4, 0): compare the overlap.
    const torch::Tensor overlapA = a.narrow(2, 2, 18).narrow(3, 4, 16);
    const torch::Tensor overlapB = b.narrow(2, 0, 18).narrow(3, 0, 16);
    CHECK(torch::allclose(overlapA, overlapB, 1e-5, 1e-5));
}

TEST_CASE("tiles cover every voxel exactly once and mirror at the borders",
          "[learning][unet][tiling]") {
    CHECK(mirrorIndex(-1, 5) == 1);
    CHECK(mirrorIndex(-4, 5) == 4);
    CHECK(mirrorIndex(-5, 5) == 3);
    CHECK(mirrorIndex(5, 5) == 3);
    CHECK(mirrorIndex(12, 5) == 4);
    CHECK(mirrorIndex(7, 1) == 0);

    UNetConfig asem;
    const Shape3 volume{37, 250, 301};
    const TilePlan plan = planTiles(asem, volume, {204, 204, 204});
    CHECK(plan.tile.input.z == 132); // just large enough for 37 slices in one tile
    CHECK(plan.tile.input.y == 204);
    CHECK(plan.step.y == 112);
    CHECK(plan.counts == Index3{1, 3, 3});
    std::vector<int> hits(static_cast<std::size_t>(volume.voxelCount()), 0);
    Index3 t;
    for (t.z = 0; t.z < plan.counts.z; ++t.z)
        for (t.y = 0; t.y < plan.counts.y; ++t.y)
            for (t.x = 0; t.x < plan.counts.x; ++t.x) {
                const Box3 b = plan.outputBox(t, volume);
                REQUIRE(b.fitsIn(volume));
                const Index3 origin = plan.inputOrigin(t);
                // Tiles start on the pooling grid of the first tile.
                CHECK((origin.y - plan.inputOrigin({0, 0, 0}).y) % 8 == 0);
                for (std::int64_t z = b.begin.z; z < b.end().z; ++z)
                    for (std::int64_t y = b.begin.y; y < b.end().y; ++y)
                        for (std::int64_t x = b.begin.x; x < b.end().x; ++x)
                            ++hits[static_cast<std::size_t>((z * volume.y + y) * volume.x + x)];
            }
    CHECK(std::set<int>(hits.begin(), hits.end()) == std::set<int>{1});
}
