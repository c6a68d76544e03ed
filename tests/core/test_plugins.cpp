// The plugin loader with a real plugin (plugins/mrc), a text file posing as one and
// a real shared library without the entry points (plugins/testing).
#include "core/io/VolumeIO.h"
#include "core/plugin/PluginRegistry.h"
#include "core/util/Error.h"
#include "tests/support/TestPaths.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace cisterna;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

fs::path mrcPluginFile() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(CISTERNA_PLUGIN_BUILD_DIR, ec))
        if (entry.path().filename().string().find("cisterna-mrc") != std::string::npos)
            return entry.path();
    return {};
}

// Built by the target cisterna_test_bogus_plugin, outside the plugin folder.
fs::path bogusPluginFile() {
    return fs::path(CISTERNA_BINARY_DIR) / "lib" / "cisterna" / "test-plugins" /
           "libcisterna-test-bogus.so";
}

bool sameFile(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    return fs::equivalent(a, b, ec);
}

std::size_t formatsNamed(const std::string& name) {
    const auto all = PluginRegistry::instance().formats();
    return static_cast<std::size_t>(
        std::count_if(all.begin(), all.end(), [&](const auto& f) { return f->name() == name; }));
}

} // namespace

TEST_CASE("the MRC format arrives through its plugin, once", "[plugin]") {
    auto& registry = PluginRegistry::instance();
    const fs::path plugin = mrcPluginFile();
    INFO("plugin folder " << CISTERNA_PLUGIN_BUILD_DIR);
    REQUIRE_FALSE(plugin.empty());
    if (registry.loadedPlugins().empty()) {
        // This process has loaded no plugin yet (as when ctest runs this case on
        // its own): MRC is not built into core.
        REQUIRE(registry.formatByName("mrc") == nullptr);
        test::ScratchDir dir("plugins-before");
        std::ofstream(dir.file("x.mrc")) << "not yet";
        REQUIRE_THAT(
            [&] {
                try {
                    readVolume(dir.file("x.mrc"));
                } catch (const FormatError& e) {
                    return std::string(e.what());
                }
                return std::string("no error");
            }(),
            Contains("no format reads"));
    }

    for (const auto& p : registry.loadPlugins({CISTERNA_PLUGIN_BUILD_DIR})) {
        INFO(p.file.string() << ": " << p.error);
        REQUIRE(p.error.empty());
    }
    const auto mrc = registry.formatByName("mrc");
    REQUIRE(mrc);
    REQUIRE(mrc->extensions() ==
            std::vector<std::string>{".mrc", ".map", ".rec", ".st", ".ali", ".mrcs"});
    REQUIRE(registry.formatForWriting(parseVolumePath("a.rec"))->name() == "mrc");

    // Loading again, even the same folder twice in one call, registers nothing twice.
    const auto again = registry.loadPlugins({CISTERNA_PLUGIN_BUILD_DIR, CISTERNA_PLUGIN_BUILD_DIR});
    for (const auto& p : again)
        REQUIRE_FALSE(sameFile(p.file, plugin));
    REQUIRE(registry.formatByName("mrc") == mrc);
    REQUIRE(formatsNamed("mrc") == 1);
    const auto loaded = registry.loadedPlugins();
    REQUIRE(std::count_if(loaded.begin(), loaded.end(), [&](const auto& p) {
                return p.error.empty() && sameFile(p.file, plugin);
            }) == 1);
}

TEST_CASE("broken plugins are reported and loading goes on", "[plugin]") {
    auto& registry = PluginRegistry::instance();
    INFO("build the target cisterna_test_bogus_plugin: " << bogusPluginFile().string());
    REQUIRE(fs::exists(bogusPluginFile()));
    REQUIRE_FALSE(mrcPluginFile().empty());
    test::ScratchDir dir("plugins-broken");
    std::ofstream(dir.file("bad.so")) << "this text file is not a shared library\n";
    std::ofstream(dir.file("notes.txt")) << "not a .so, never tried\n";
    fs::copy_file(bogusPluginFile(), dir.file("bogus.so"));
    // A copy of the MRC plugin, sorted after the broken ones: it still loads.
    fs::copy_file(mrcPluginFile(), dir.file("mrc-copy.so"));

    const auto results = registry.loadPlugins({dir.path(), dir.path() / "no-such-folder"});
    REQUIRE(results.size() == 3);
    REQUIRE(results[0].file.filename() == "bad.so");
    REQUIRE_FALSE(results[0].error.empty());
    REQUIRE(results[1].file.filename() == "bogus.so");
    REQUIRE_THAT(results[1].error, Contains("not a Cisterna plugin"));
    REQUIRE(results[2].file.filename() == "mrc-copy.so");
    REQUIRE(results[2].error.empty());

    // The failures are remembered for `cisterna-cli formats`, and the format works.
    const auto loaded = registry.loadedPlugins();
    REQUIRE(std::any_of(loaded.begin(), loaded.end(), [&](const auto& p) {
        return p.file.filename() == "bogus.so" && !p.error.empty();
    }));
    REQUIRE(formatsNamed("mrc") == 1);
    Volume v = Volume::allocate(DataType::UInt8, {2, 3, 4});
    v.view<std::uint8_t>()(1, 2, 3) = 9;
    writeVolume(dir.file("check.mrc"), v);
    REQUIRE(readVolume(dir.file("check.mrc")).valueAt({1, 2, 3}) == 9.0);

    // A second pass tries the broken ones again, but not the one that loaded.
    const auto again = registry.loadPlugins({dir.path()});
    REQUIRE(again.size() == 2);
    REQUIRE_FALSE(again[0].error.empty());
    REQUIRE_FALSE(again[1].error.empty());
    REQUIRE(formatsNamed("mrc") == 1);
}
