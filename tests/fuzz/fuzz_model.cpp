// .cmodel model files (core/learning/ModelFile.h readModelFile), in two modes:
//   - an input starting with 'K' is the metadata's "key = value" text (after the 'K'):
//     the harness wraps it in a LibTorch archive with the right format entries and the
//     weights of a tiny network, so the fuzzer reaches the metadata, the architecture
//     checks and the weight checks past the archive's CRCs;
//   - any other input is the whole .cmodel file (the zip archive itself).
#include "FuzzSupport.h"

#include "core/learning/ModelFile.h"

#include <torch/serialize/output-archive.h>

namespace fs = std::filesystem;

namespace cisterna::fuzz {
namespace {

ModelMetadata tinyModel() {
    ModelMetadata m;
    m.organelle = "mito";
    m.classNames = {"mito"};
    m.network.baseFeatures = 2;
    m.network.downFactors = {{1, 2, 2}};
    m.trainingInput = {4, 8, 8};
    m.voxelSize = {30, 4, 4};
    m.hasVoxelSize = true;
    m.iterations = 3;
    m.createdAt = "2026-01-01T00:00:00Z";
    return m;
}

// The tiny network's weights, written once: they make a well-formed archive for the
// metadata mode.
const fs::path& weightsArchive() {
    static const fs::path file = [] {
        const fs::path f = scratchRoot() / "weights.cmodel";
        UNet net(tinyModel().network);
        writeModelFile(f.string(), tinyModel(), net);
        return f;
    }();
    return file;
}

void writeArchiveWithMetadata(const fs::path& file, const std::string& metadata) {
    torch::serialize::InputArchive tiny;
    tiny.load_from(weightsArchive().string());
    torch::serialize::InputArchive weights;
    tiny.read("weights", weights);
    torch::serialize::OutputArchive archive;
    archive.write("cisterna_format", c10::IValue(std::string("cisterna-unet")));
    archive.write("cisterna_version", c10::IValue(std::int64_t(1)));
    archive.write("metadata", c10::IValue(metadata));
    torch::serialize::OutputArchive out;
    for (const auto& key : weights.keys()) {
        torch::Tensor t;
        weights.read(key, t);
        out.write(key, t);
    }
    archive.write("weights", out);
    archive.save_to(file.string());
}

} // namespace

void writeSeeds(const fs::path& dir) {
    const fs::path file = caseDir() / "seed.cmodel";
    UNet net(tinyModel().network);
    writeModelFile(file.string(), tinyModel(), net);
    writeSeed(dir, "tiny-archive", readFile(file));
    writeSeed(dir, "tiny-metadata", "K" + tinyModel().toKeyValues().serialize());
}

void fuzzOne(const std::string& input) {
    const fs::path file = caseDir() / "input.cmodel";
    if (!input.empty() && input[0] == 'K')
        writeArchiveWithMetadata(file, input.substr(1));
    else
        writeFile(file, input);
    keepBuiltFile(file);
    const auto state = readModelFile(file.string());
    if (!state || !state->net)
        finding("readModelFile returned no network and threw nothing");
}

} // namespace cisterna::fuzz
