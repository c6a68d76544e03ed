#include "core/learning/Model.h"

#include "core/learning/ModelFile.h"
#include "core/learning/ModelState.h"
#include "core/util/Error.h"

#include <torch/utils.h>

namespace cisterna {
namespace {

const ModelState& require(const std::shared_ptr<ModelState>& state) {
    if (!state)
        throw InvalidArgument("no model: train or load one first");
    return *state;
}

bool sameArchitecture(const UNetConfig& a, const UNetConfig& b) {
    return a.baseFeatures == b.baseFeatures && a.featureFactor == b.featureFactor &&
           a.downFactors.size() == b.downFactors.size() &&
           formatLevelTriples(a.downFactors) == formatLevelTriples(b.downFactors) &&
           formatLevelTriples(a.kernelSizes) == formatLevelTriples(b.kernelSizes) &&
           a.upsampling == b.upsampling && a.headKernel == b.headKernel && a.classes == b.classes;
}

} // namespace

Model Model::create(const ModelMetadata& metadata, std::uint64_t seed) {
    metadata.network.validate();
    requireMemoryForNetwork(metadata.network, false);
    auto state = std::make_shared<ModelState>();
    state->metadata = metadata;
    state->net = makeUNet(metadata.network, seed);
    return Model(std::move(state));
}

Model Model::load(const std::string& path) {
    return Model(readModelFile(path));
}

void Model::save(const std::string& path) const {
    const ModelState& s = require(state_);
    writeModelFile(path, s.metadata, const_cast<ModelState&>(s).net);
}

const ModelMetadata& Model::metadata() const {
    return require(state_).metadata;
}

void Model::setMetadata(const ModelMetadata& metadata) {
    require(state_);
    if (!sameArchitecture(metadata.network, state_->metadata.network))
        throw InvalidArgument("the metadata describes another architecture than the weights");
    state_->metadata = metadata;
}

std::int64_t Model::parameterCount() const {
    require(state_);
    return countParameters(*state_->net);
}

Model Model::clone() const {
    const ModelState& s = require(state_);
    auto copy = std::make_shared<ModelState>();
    copy->metadata = s.metadata;
    copy->net = UNet(s.metadata.network);
    torch::NoGradGuard noGrad;
    auto from = s.net->named_parameters(true);
    for (auto& p : copy->net->named_parameters(true))
        p.value().copy_(from[p.key()].detach().to(torch::kCPU));
    return Model(std::move(copy));
}

} // namespace cisterna
