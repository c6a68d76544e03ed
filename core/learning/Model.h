#pragma once
// A trained (or being trained) network with its metadata: what the app and the CLI
// hold, save, load, fine-tune and predict with. One file per model.
#include "core/learning/ModelMetadata.h"

#include <cstdint>
#include <memory>
#include <string>

namespace cisterna {

struct ModelState; // LibTorch side, see ModelState.h

class Model {
public:
    Model() = default;

    // Fresh weights (PyTorch's default initialisation, seeded) for metadata.network.
    // Throws InvalidArgument for an unusable architecture, MemoryBudgetError when its
    // weights would not fit.
    static Model create(const ModelMetadata& metadata, std::uint64_t seed = 1);
    // Throws FormatError naming the file for anything that is not a readable Cisterna
    // model (missing, truncated, a foreign archive, weights of the wrong shape).
    static Model load(const std::string& path);
    // Written atomically: a failed save leaves an existing file untouched.
    void save(const std::string& path) const;

    bool isNull() const { return !state_; }
    const ModelMetadata& metadata() const;
    // Replaces the descriptive metadata; the architecture must stay the same.
    void setMetadata(const ModelMetadata& metadata);
    std::int64_t parameterCount() const;
    // An independent copy of the weights (the training of one does not move the other).
    Model clone() const;

    std::shared_ptr<ModelState> state() const { return state_; }
    explicit Model(std::shared_ptr<ModelState> state) : state_(std::move(state)) {}

private:
    std::shared_ptr<ModelState> state_;
};

} // namespace cisterna
