#include "LearningTestSupport.h"

#include "core/learning/KeyValueText.h"
#include "core/learning/ModelFile.h"
#include "core/learning/Prediction.h"
#include "core/util/Error.h"

#include <catch2/catch.hpp>
#include <torch/serialize/output-archive.h>

#include <filesystem>
#include <fstream>

using namespace cisterna;

namespace {

std::string errorOf(const std::string& path) {
    try {
        Model::load(path);
    } catch (const FormatError& e) {
        CHECK(e.path() == path);
        return e.problem();
    }
    FAIL("loading " << path << " did not fail");
    return {};
}

void writeBytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("a saved model loads with identical weights, outputs and metadata", "[learning][model]") {
    test::Scratch dir("model-roundtrip");
    UNetConfig network = test::tinyNetwork();
    network.downFactors = {{1, 2, 2}};
    network.kernelSizes = {{1, 3, 3}, {3, 3, 3}};
    network.upsampling = Upsampling::TransposedConv;
    ModelMetadata meta = test::tinyMetadata(network, {12, 36, 36});
    meta.voxelSize = {30, 8, 8};
    meta.hasVoxelSize = true;
    meta.normalisation = {12.5, 3000.25, "percentile"};
    meta.trainingData = "image 40 x 64 x 64 (z, y, x) uint16\nwith a newline and a \\ backslash";
    meta.iterations = 1234;
    meta.validationF1 = 0.875;
    meta.finetunedFrom = "mito model, 100000 iterations";
    meta.cisternaVersion = CISTERNA_VERSION;
    meta.device = "cpu";
    meta.createdAt = utcTimestamp();
    const Model model = Model::create(meta, 42);
    model.save(dir.file("m.cmodel"));
    const Model loaded = Model::load(dir.file("m.cmodel"));

    const ModelMetadata& m = loaded.metadata();
    CHECK(m.organelle == "mito");
    CHECK(m.classNames == meta.classNames);
    CHECK(m.network.describe() == network.describe());
    CHECK(m.trainingInput == meta.trainingInput);
    CHECK(m.voxelSize == meta.voxelSize);
    CHECK(m.hasVoxelSize);
    CHECK(m.normalisation.low == 12.5);
    CHECK(m.normalisation.high == 3000.25);
    CHECK(m.normalisation.method == "percentile");
    CHECK(m.trainingData == meta.trainingData);
    CHECK(m.iterations == 1234);
    REQUIRE(m.validationF1);
    CHECK(*m.validationF1 == Approx(0.875));
    CHECK(m.finetunedFrom == meta.finetunedFrom);
    CHECK(m.cisternaVersion == CISTERNA_VERSION);
    CHECK(!m.checkpoint);
    CHECK(loaded.parameterCount() == model.parameterCount());

    Volume image = test::noiseVolume({14, 40, 38}, 7);
    PredictOptions options;
    options.outputType = DataType::Float32;
    const Volume before = predictVolume(model, image, options)[0];
    const Volume after = predictVolume(loaded, image, options)[0];
    CHECK(test::maxAbsDifference(before, after) == 0.0);
}

TEST_CASE("damaged and foreign model files are refused with a clear message",
          "[learning][model][malformed]") {
    test::Scratch dir("model-malformed");
    const ModelMetadata meta = test::tinyMetadata(test::tinyNetwork(), {36, 36, 36});
    const Model model = Model::create(meta, 1);
    const std::string good = dir.file("good.cmodel");
    model.save(good);
    const std::string bytes = [&] {
        std::ifstream in(good, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }();

    CHECK(contains(errorOf(dir.file("missing.cmodel")), "no such model file"));
    writeBytes(dir.file("empty.cmodel"), "");
    CHECK(contains(errorOf(dir.file("empty.cmodel")), "empty"));
    writeBytes(dir.file("text.cmodel"), "organelle = mito\n");
    CHECK(contains(errorOf(dir.file("text.cmodel")), "not a LibTorch archive"));
    writeBytes(dir.file("half.cmodel"), bytes.substr(0, bytes.size() / 2));
    CHECK(contains(errorOf(dir.file("half.cmodel")), "not a readable Cisterna model"));
    std::string garbage = "PK\x03\x04" + std::string(5000, '\x7f');
    writeBytes(dir.file("garbage.cmodel"), garbage);
    CHECK(contains(errorOf(dir.file("garbage.cmodel")), "not a readable Cisterna model"));
    CHECK(contains(errorOf(dir.file("")), "is not a file")); // a folder

    // A valid LibTorch archive that is not ours.
    {
        torch::serialize::OutputArchive foreign;
        foreign.write("weight", torch::ones({3}));
        foreign.save_to(dir.file("foreign.pt"));
    }
    CHECK(contains(errorOf(dir.file("foreign.pt")), "not a Cisterna model"));

    // From a future version.
    {
        torch::serialize::OutputArchive future;
        future.write("cisterna_format", c10::IValue(std::string("cisterna-unet")));
        future.write("cisterna_version", c10::IValue(std::int64_t(7)));
        future.save_to(dir.file("future.cmodel"));
    }
    CHECK(contains(errorOf(dir.file("future.cmodel")), "format version 7"));

    // Metadata that does not match the weights: another width, another depth.
    UNet narrow(test::tinyNetwork(2));
    writeModelFile(dir.file("shape.cmodel"), meta, narrow);
    CHECK(contains(errorOf(dir.file("shape.cmodel")), "have shape [2, 1, 3, 3, 3]"));
    ModelMetadata deeper = meta;
    deeper.network.downFactors = {{2, 2, 2}, {2, 2, 2}};
    UNet shallow(test::tinyNetwork());
    writeModelFile(dir.file("depth.cmodel"), deeper, shallow);
    CHECK(contains(errorOf(dir.file("depth.cmodel")), "no weights for layer down2"));

    // Nonsense in the metadata text.
    ModelMetadata silly = meta;
    silly.network.baseFeatures = 4;
    silly.normalisation.high = silly.normalisation.low;
    UNet tiny(test::tinyNetwork());
    writeModelFile(dir.file("norm.cmodel"), silly, tiny);
    CHECK(contains(errorOf(dir.file("norm.cmodel")), "normalisation"));
}

// Inputs that made the fuzz_model harness (tests/fuzz) fail, kept after the fix: each
// must be refused with a FormatError naming the file. Inputs of the harness's
// metadata mode (starting with 'K') are committed as the archive the harness built.
TEST_CASE("model files the fuzzer found are refused cleanly", "[learning][model][fuzz]") {
    namespace fs = std::filesystem;
    const fs::path regressions = fs::path(CISTERNA_FUZZ_REGRESSIONS) / "model";
    test::Scratch dir("model-fuzz-regressions");
    int replayed = 0;
    for (const auto& entry : fs::directory_iterator(regressions)) {
        INFO("fuzz regression " << entry.path().string());
        const std::string path = dir.file("input.cmodel");
        fs::copy_file(entry.path(), path, fs::copy_options::overwrite_existing);
        CHECK(!errorOf(path).empty());
        ++replayed;
    }
    CHECK(replayed > 0);
}

TEST_CASE("saving over an existing model is atomic", "[learning][model]") {
    test::Scratch dir("model-atomic");
    const Model model = Model::create(test::tinyMetadata(test::tinyNetwork(), {36, 36, 36}), 1);
    model.save(dir.file("m.cmodel"));
    const auto size = std::filesystem::file_size(dir.file("m.cmodel"));
    // A folder that cannot be written: the save fails and leaves nothing behind.
    CHECK_THROWS_AS(model.save(dir.file("no/such/folder/m.cmodel")), Error);
    CHECK(std::filesystem::file_size(dir.file("m.cmodel")) == size);
    int entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.file("")))
        entries += e.is_regular_file();
    CHECK(entries == 1);
}

TEST_CASE("metadata text escapes and refuses malformed lines", "[learning][model]") {
    KeyValueText kv;
    kv.set("a", std::string("line one\nline two \\ end"));
    kv.set("b", std::int64_t(-5));
    kv.set("c", 0.1);
    const KeyValueText back = KeyValueText::parse(kv.serialize(), "x");
    CHECK(back.get("a") == kv.get("a"));
    CHECK(back.requireInt("b", "x") == -5);
    CHECK(back.requireDouble("c", "x") == 0.1);
    CHECK_THROWS_AS(KeyValueText::parse("no equals sign here\n", "x"), FormatError);
    CHECK_THROWS_AS(back.requireInt("a", "x"), FormatError);
    CHECK_THROWS_AS(back.require("missing", "x"), FormatError);
}

TEST_CASE("a model trained at another voxel size warns", "[learning][model]") {
    ModelMetadata meta = test::tinyMetadata(test::tinyNetwork(), {36, 36, 36});
    meta.voxelSize = {8, 8, 8};
    meta.hasVoxelSize = true;
    CHECK(voxelSizeWarning(meta, {8.4, 8, 7.7}, true).empty());
    CHECK(voxelSizeWarning(meta, {8, 8, 8}, false).empty());
    CHECK(contains(voxelSizeWarning(meta, {16, 16, 16}, true), "trained at voxel size (8, 8, 8)"));

    const Model model = Model::create(meta, 1);
    Volume image = test::noiseVolume({20, 20, 20}, 3);
    image.setVoxelSize({4, 4, 4});
    std::vector<std::string> warnings;
    PredictOptions options;
    options.onWarning = [&](const std::string& w) { warnings.push_back(w); };
    predictVolume(model, image, options);
    REQUIRE(warnings.size() == 1);
    CHECK(contains(warnings[0], "(4, 4, 4)"));
}
