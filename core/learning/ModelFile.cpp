#include "core/learning/ModelFile.h"

#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

#include <c10/util/Exception.h>

#include <filesystem>
#include <fstream>

namespace cisterna {
namespace {

constexpr const char* kFormatName = "cisterna-unet";
constexpr std::int64_t kFormatVersion = 1;

// Archive entry names may not contain dots; parameter names ("down0.0.weight") do.
std::string entryName(const std::string& parameter) {
    std::string s = parameter;
    for (char& c : s)
        if (c == '.')
            c = '_';
    return s;
}

std::string describeTorchError(const c10::Error& e) {
    std::string what = e.what_without_backtrace();
    const auto newline = what.find('\n');
    if (newline != std::string::npos)
        what = what.substr(0, newline);
    return what;
}

// Cheap checks before LibTorch sees the file, for messages that say what is wrong.
void checkLooksLikeArchive(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw FormatError(path, "no such model file");
    if (!fs::is_regular_file(path, ec))
        throw FormatError(path, "is not a file (a model is one .cmodel file)");
    const auto size = fs::file_size(path, ec);
    if (ec || size == 0)
        throw FormatError(path, "the model file is empty");
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    if (in.gcount() < 4 || magic[0] != 'P' || magic[1] != 'K' || magic[2] != 3 || magic[3] != 4)
        throw FormatError(path, "not a Cisterna model file (it is not a LibTorch archive)");
}

} // namespace

void requireMemoryForNetwork(const UNetConfig& config, bool training) {
    const std::uint64_t params = static_cast<std::uint64_t>(unetParameterCount(config));
    // Weights; when training also their gradients and Adam's two moments.
    requireMemory(params * sizeof(float) * (training ? 4 : 1), "network's weights");
}

void writeModelFile(const std::string& path, const ModelMetadata& metadata, UNet& net,
                    torch::optim::Optimizer* optimizer) {
    try {
        torch::serialize::OutputArchive archive;
        archive.write("cisterna_format", c10::IValue(std::string(kFormatName)));
        archive.write("cisterna_version", c10::IValue(kFormatVersion));
        archive.write("metadata", c10::IValue(metadata.toKeyValues().serialize()));
        torch::serialize::OutputArchive weights;
        torch::NoGradGuard noGrad;
        for (const auto& p : net->named_parameters(true))
            weights.write(entryName(p.key()),
                          p.value().detach().to(torch::kCPU, torch::kFloat).contiguous());
        archive.write("weights", weights);
        if (optimizer) {
            torch::serialize::OutputArchive state;
            optimizer->save(state);
            archive.write("optimizer", state);
        }
        AtomicFile file(path);
        archive.save_to(file.tempPath().string());
        file.commit();
    } catch (const c10::Error& e) {
        throw FormatError(path, "could not write the model: " + describeTorchError(e));
    }
}

std::shared_ptr<ModelState> readModelFile(const std::string& path) {
    checkLooksLikeArchive(path);
    try {
        torch::serialize::InputArchive archive;
        try {
            archive.load_from(path, torch::Device(torch::kCPU));
        } catch (const c10::Error& e) {
            throw FormatError(path, "not a readable Cisterna model (damaged or not a LibTorch "
                                    "archive: " +
                                        describeTorchError(e) + ")");
        }
        c10::IValue format, version, text;
        if (!archive.try_read("cisterna_format", format) || !format.isString() ||
            format.toStringRef() != kFormatName)
            throw FormatError(path, "a LibTorch archive but not a Cisterna model (no "
                                    "cisterna_format entry)");
        if (!archive.try_read("cisterna_version", version) || !version.isInt())
            throw FormatError(path, "the model has no format version");
        if (version.toInt() != kFormatVersion)
            throw FormatError(path, "the model file has format version " +
                                        std::to_string(version.toInt()) + "; this Cisterna reads " +
                                        std::to_string(kFormatVersion));
        if (!archive.try_read("metadata", text) || !text.isString())
            throw FormatError(path, "the model has no metadata");
        auto state = std::make_shared<ModelState>();
        state->metadata =
            ModelMetadata::fromKeyValues(KeyValueText::parse(text.toStringRef(), path), path);
        requireMemoryForNetwork(state->metadata.network, false);
        state->net = UNet(state->metadata.network);

        torch::serialize::InputArchive weights;
        if (!archive.try_read("weights", weights))
            throw FormatError(path, "the model holds no weights");
        torch::NoGradGuard noGrad;
        for (auto& p : state->net->named_parameters(true)) {
            torch::Tensor stored;
            if (!weights.try_read(entryName(p.key()), stored) || !stored.defined())
                throw FormatError(path, "the model has no weights for layer " + p.key() +
                                            " of its architecture");
            if (stored.sizes() != p.value().sizes() || stored.scalar_type() != torch::kFloat)
                throw FormatError(path, "the weights of layer " + p.key() + " have shape " +
                                            c10::str(stored.sizes()) + ", the architecture needs " +
                                            c10::str(p.value().sizes()));
            p.value().copy_(stored);
        }
        return state;
    } catch (const Error&) {
        throw;
    } catch (const c10::Error& e) {
        throw FormatError(path, "damaged model file: " + describeTorchError(e));
    } catch (const std::exception& e) {
        // LibTorch's unpickler reads a damaged archive with std::vector::at and the
        // like, so std::out_of_range and friends come out of it as well as c10::Error.
        throw FormatError(path, std::string("damaged model file: ") + e.what());
    }
}

bool readOptimizerState(const std::string& path, torch::optim::Optimizer& optimizer,
                        const torch::Device& device) {
    checkLooksLikeArchive(path);
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path, device);
        torch::serialize::InputArchive state;
        if (!archive.try_read("optimizer", state))
            return false;
        optimizer.load(state);
        return true;
    } catch (const c10::Error& e) {
        throw FormatError(path, "could not restore the optimizer from the checkpoint: " +
                                    describeTorchError(e));
    } catch (const std::exception& e) { // see readModelFile
        throw FormatError(path, std::string("could not restore the optimizer from the "
                                            "checkpoint: ") +
                                    e.what());
    }
}

} // namespace cisterna
