// The registry decides everything format-specific outside the formats themselves:
// which block writer a path gets, and which extensions the app's file dialogs offer
// (plugins' formats included).
#include "TestPaths.h"
#include "VolumeTestSupport.h"

#include "core/io/BlockWriter.h"
#include "core/io/VolumeFileFilters.h"
#include "core/io/VolumeIO.h"
#include "core/plugin/PluginRegistry.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <set>

using namespace cisterna;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;

namespace {

void loadMrcPlugin() {
    PluginRegistry::instance().loadPlugins({CISTERNA_PLUGIN_BUILD_DIR});
    REQUIRE(PluginRegistry::instance().formatByName("mrc"));
}

bool has(const std::vector<std::string>& patterns, const std::string& pattern) {
    return std::find(patterns.begin(), patterns.end(), pattern) != patterns.end();
}

// A format known only to this test: it keeps what is written to it and counts how
// often it is asked for a block writer, which it leaves to VolumeFormat's default.
struct CountingFormatState {
    std::atomic<int> blockWriters{0};
    std::atomic<int> writes{0};
    Volume written;
};

class CountingFormat final : public VolumeFormat {
public:
    explicit CountingFormat(CountingFormatState& state) : state_(state) {}
    std::string name() const override { return "counting-test"; }
    std::string description() const override { return "test format that counts its calls"; }
    std::vector<std::string> extensions() const override { return {".cntfmt"}; }
    VolumeInfo info(const VolumePath& path) const override {
        throw FormatError(path.display(), "the counting test format reads nothing");
    }
    Volume read(const VolumePath& path, const ReadOptions&) const override {
        throw FormatError(path.display(), "the counting test format reads nothing");
    }
    void write(const VolumePath&, const Volume& volume, const WriteOptions&) const override {
        ++state_.writes;
        state_.written = volume.contiguous();
    }
    std::unique_ptr<BlockWriter> createBlockWriter(const VolumePath& path,
                                                   const BlockWriterSpec& spec,
                                                   const WriteOptions& options) const override {
        ++state_.blockWriters;
        return VolumeFormat::createBlockWriter(path, spec, options);
    }

private:
    CountingFormatState& state_;
};

} // namespace

TEST_CASE("createBlockWriter asks the registry's format for the writer", "[io][registry]") {
    static CountingFormatState state; // outlives the registry's reference to the format
    PluginRegistry::instance().addFormat(std::make_shared<CountingFormat>(state));
    const int before = state.blockWriters;
    test::ScratchDir dir("registry-block-writer");
    const Volume v = test::patternVolume(DataType::UInt16, {3, 4, 5});
    BlockWriterSpec spec;
    spec.dataType = v.dataType();
    spec.shape = v.shape();

    auto writer = createBlockWriter(dir.file("out.cntfmt"), spec);
    REQUIRE(state.blockWriters == before + 1);
    REQUIRE(state.writes == 0);
    // The default writer gathers the blocks and hands the whole volume to write().
    writer->writeBlock({{0, 0, 0}, {1, 4, 5}}, v.crop({{0, 0, 0}, {1, 4, 5}}));
    writer->writeBlock({{1, 0, 0}, {2, 4, 5}}, v.crop({{1, 0, 0}, {2, 4, 5}}));
    REQUIRE(state.writes == 0);
    writer->commit();
    REQUIRE(state.writes == 1);
    test::requireSameVoxels(v, state.written);

    // A path no format writes is still refused up front, naming the path.
    REQUIRE_THAT(test::formatErrorOf([&] { createBlockWriter(dir.file("out.nosuchext"), spec); }),
                 Contains("out.nosuchext"));
    REQUIRE(state.blockWriters == before + 1);
}

TEST_CASE("the chunked built-in formats write block by block, the others in memory",
          "[io][registry]") {
    test::ScratchDir dir("registry-chunked");
    BlockWriterSpec spec;
    spec.dataType = DataType::UInt8;
    spec.shape = {64, 1024, 1024}; // 64 MiB
    setMemoryLimitOverride(std::uint64_t(16) << 20);
    // Asked directly, each format gives the writer the old name switch picked: the
    // chunked ones never hold the whole volume, the rest gather it in memory and so
    // refuse a volume beyond the memory budget up front.
    for (const std::string name : {"zarr", "n5", "hdf5"}) {
        const auto format = PluginRegistry::instance().formatByName(name);
        REQUIRE(format);
        const VolumePath path = parseVolumePath(dir.file("big" + format->extensions().front()));
        INFO(name);
        REQUIRE(format->createBlockWriter(path, spec, {}));
    }
    for (const std::string name : {"itk", "tiff"}) {
        const auto format = PluginRegistry::instance().formatByName(name);
        REQUIRE(format);
        const VolumePath path = parseVolumePath(dir.file("big" + format->extensions().front()));
        INFO(name);
        REQUIRE_THROWS_AS(format->createBlockWriter(path, spec, {}), MemoryBudgetError);
    }
    setMemoryLimitOverride(std::nullopt);
}

TEST_CASE("file dialog filters list every registered format's extensions", "[io][registry]") {
    loadMrcPlugin();
    const std::vector<std::string> open = volumeFilePatterns(FileAccess::Read);
    for (const auto& format : PluginRegistry::instance().formats())
        for (const auto& ext : format->extensions()) {
            INFO(format->name() << " " << ext);
            REQUIRE(has(open, "*" + ext));
        }
    // What the old hard-coded lists missed: the MRC plugin's and HDF5's other names.
    for (const char* pattern : {"*.map", "*.st", "*.rec", "*.mrcs", "*.hdf", "*.he5"})
        REQUIRE(has(open, pattern));
    // ...and everything the old Open dialog listed is still there.
    for (const char* pattern : {"*.h5", "*.hdf5", "*.zarr", "*.n5", "*.tif", "*.tiff", "*.mrc",
                                "*.rec", "*.nrrd", "*.nhdr", "*.mha", "*.mhd", "*.nii", "*.nii.gz"})
        REQUIRE(has(open, pattern));
    REQUIRE(std::set<std::string>(open.begin(), open.end()).size() == open.size());

    const std::vector<std::string> save = volumeFilePatterns(FileAccess::Write);
    for (const char* pattern : {"*.h5", "*.hdf", "*.zarr", "*.n5", "*.tif", "*.mrc", "*.map",
                                "*.st", "*.nrrd", "*.nii.gz", "*.mha"})
        REQUIRE(has(save, pattern));
    // TIFF reads OME-TIFF but writes ImageJ TIFFs, so .ome.tif is offered for opening only.
    REQUIRE(has(open, "*.ome.tif"));
    REQUIRE_FALSE(has(save, "*.ome.tif"));

    const std::string filter =
        volumeNameFilter(FileAccess::Read, "Volumes and projects", {"*.cisterna"});
    REQUIRE_THAT(filter, StartsWith("Volumes and projects (*."));
    REQUIRE_THAT(filter, EndsWith(" *.cisterna)"));
    REQUIRE_THAT(filter, Contains(" *.map "));
    REQUIRE_THAT(filter, Contains(" *.hdf "));
    REQUIRE_THAT(volumeNameFilter(FileAccess::Write), StartsWith("Volumes (*."));
}
