#include "core/learning/PatchSampler.h"

#include "core/learning/VolumeTensor.h"

namespace cisterna {
namespace {

// Gives up on rejection after this many tries (data with almost no organelle would
// otherwise loop for long) and takes the last patch.
constexpr int kMaxTries = 200;

torch::Tensor window(const torch::Tensor& t, const Index3& begin, const Shape3& size) {
    return t.narrow(0, begin.z, size.z).narrow(1, begin.y, size.y).narrow(2, begin.x, size.x);
}

} // namespace

PatchSampler::PatchSampler(torch::Tensor image, torch::Tensor target, const UNetGeometry& geometry,
                           const SamplingOptions& sampling, Augmenter augmenter)
    : image_(std::move(image)), target_(std::move(target)), geometry_(geometry),
      sampling_(sampling), augmenter_(std::move(augmenter)) {}

bool PatchSampler::accept(const torch::Tensor& outputTarget, std::mt19937_64& rng) const {
    const double total = double(outputTarget.numel());
    const torch::Tensor counted = outputTarget != kIgnoreTarget;
    const double labelled = counted.sum().item<double>();
    if (labelled == 0)
        return false;
    std::uniform_real_distribution<double> coin(0, 1);
    if (labelled / total < sampling_.minMasked && coin(rng) < sampling_.rejectMaskedProbability)
        return false;
    const double foreground = (counted & (outputTarget > 0)).sum().item<double>();
    if (foreground / labelled < sampling_.minForeground &&
        coin(rng) < sampling_.rejectEmptyProbability)
        return false;
    return true;
}

PatchBatch PatchSampler::next(int batchSize, const torch::Device& device,
                              std::mt19937_64& rng) const {
    const Shape3 in = geometry_.input, out = geometry_.output;
    std::uniform_int_distribution<std::int64_t> pz(0, image_.size(0) - in.z),
        py(0, image_.size(1) - in.y), px(0, image_.size(2) - in.x);
    std::vector<torch::Tensor> inputs, targets;
    for (int b = 0; b < batchSize; ++b) {
        Index3 at;
        for (int tries = 0; tries < kMaxTries; ++tries) {
            at = {pz(rng), py(rng), px(rng)};
            const Index3 outAt{at.z + geometry_.offset.z, at.y + geometry_.offset.y,
                               at.x + geometry_.offset.x};
            if (accept(window(target_, outAt, out), rng))
                break;
        }
        torch::Tensor image = window(image_, at, in).to(device);
        torch::Tensor target;
        if (augmenter_.options().elastic) {
            target = window(target_, at, in).to(device);
        } else {
            const Index3 outAt{at.z + geometry_.offset.z, at.y + geometry_.offset.y,
                               at.x + geometry_.offset.x};
            target = window(target_, outAt, out).to(device);
        }
        auto [augImage, augTarget] = augmenter_.apply(image, target, out, rng);
        inputs.push_back(augImage.unsqueeze(0));
        targets.push_back(augTarget);
    }
    return {torch::stack(inputs), torch::stack(targets)};
}

} // namespace cisterna
