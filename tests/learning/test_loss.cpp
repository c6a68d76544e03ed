#include "LearningTestSupport.h"

#include "core/learning/ClassBalancedLoss.h"
#include "core/learning/VolumeTensor.h"

#include <catch2/catch.hpp>

using namespace cisterna;

namespace {

torch::Tensor randomTargets(std::int64_t n, double foreground, std::uint64_t seed) {
    torch::manual_seed(seed);
    return (torch::rand({1, n, n, n}) < foreground).to(torch::kUInt8);
}

} // namespace

TEST_CASE("masked voxels contribute no gradient", "[learning][loss]") {
    torch::manual_seed(1);
    const torch::Tensor logits = torch::randn({1, 2, 6, 6, 6}, torch::requires_grad());
    torch::Tensor targets = randomTargets(6, 0.3, 2);
    // Mask out a slab and a scattering of single voxels.
    targets.narrow(1, 0, 2).fill_(kIgnoreTarget);
    targets[0][4][1][3] = kIgnoreTarget;
    const BalancedLoss loss = classBalancedCrossEntropy(logits, targets);
    loss.loss.backward();
    const torch::Tensor grad = logits.grad();
    const torch::Tensor ignored = (targets == kIgnoreTarget).unsqueeze(1).expand_as(grad);
    CHECK(grad.masked_select(ignored).abs().max().item<float>() == 0.0f);
    CHECK(grad.masked_select(~ignored).abs().max().item<float>() > 0.0f);
    CHECK(loss.countedVoxels == 6 * 6 * 4 - 1);
}

TEST_CASE("class weights follow the batch's label frequencies, clipped as ASEM",
          "[learning][loss]") {
    const torch::Tensor logits = torch::zeros({1, 2, 10, 10, 10});
    torch::Tensor targets = torch::zeros({1, 10, 10, 10}, torch::kUInt8);
    targets.narrow(1, 0, 1).fill_(1); // 10 % foreground
    BalancedLoss loss = classBalancedCrossEntropy(logits, targets);
    CHECK(loss.classWeights[0].item<double>() == Approx(1.0 / (2 * 0.9)));
    CHECK(loss.classWeights[1].item<double>() == Approx(1.0 / (2 * 0.1)));
    // Equal logits: every voxel's cross-entropy is log 2, whatever the weights.
    CHECK(loss.loss.item<double>() == Approx(std::log(2.0)));

    targets.zero_();
    targets[0][0][0][0] = 1; // 0.1 % foreground: the fraction is clipped to 1 %
    loss = classBalancedCrossEntropy(logits, targets);
    CHECK(loss.classWeights[1].item<double>() == Approx(1.0 / (2 * 0.01)));
    CHECK(loss.classWeights[0].item<double>() == Approx(1.0 / (2 * 0.99)));

    // Nothing counted: zero loss, zero gradient, no NaN.
    const torch::Tensor l = torch::randn({1, 2, 4, 4, 4}, torch::requires_grad());
    const BalancedLoss none =
        classBalancedCrossEntropy(l, torch::full({1, 4, 4, 4}, kIgnoreTarget, torch::kUInt8));
    none.loss.backward();
    CHECK(none.loss.item<double>() == 0.0);
    CHECK(l.grad().abs().max().item<float>() == 0.0f);
}
