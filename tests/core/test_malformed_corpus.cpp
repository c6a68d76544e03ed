// A corpus of damaged files for every format: each file a format writes is cut
// short and overwritten with garbage in many places, and every reader must answer
// with a cisterna::Error (naming the file) or with a volume of the declared shape:
// never a crash, a foreign exception or a giant allocation. Run under ASan/UBSan by CI.
#include "FuzzInputs.h"
#include "TestPaths.h"

#include "core/graphcut/Strokes.h"
#include "core/io/VolumeIO.h"
#include "core/plugin/PluginRegistry.h"
#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

using namespace cisterna;
namespace fs = std::filesystem;

namespace {

Volume sample(DataType type) {
    Volume v = Volume::allocate(type, {5, 9, 11});
    dispatchDataType(type, [&](auto tag) {
        using T = decltype(tag);
        auto view = v.view<T>();
        for (std::int64_t z = 0; z < 5; ++z)
            for (std::int64_t y = 0; y < 9; ++y)
                for (std::int64_t x = 0; x < 11; ++x)
                    view(z, y, x) = T((z * 31 + y * 7 + x) % 200);
    });
    v.setVoxelSize({30, 4, 4});
    return v;
}

std::vector<fs::path> filesOf(const fs::path& root) {
    std::vector<fs::path> files;
    if (fs::is_regular_file(root))
        return {root};
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file())
            files.push_back(e.path());
    return files;
}

// Reads and reports what happened: "ok", "error", or fails the test.
std::string tryRead(const std::string& path, const Shape3& expected) {
    try {
        const VolumeInfo info = readVolumeInfo(path);
        const Volume v = readVolume(path);
        if (v.shape() != info.shape)
            FAIL("read shape " << toString(v.shape()) << " differs from info "
                               << toString(info.shape));
        (void)expected;
        return "ok";
    } catch (const Error& e) {
        const std::string msg = e.what();
        if (msg.empty())
            FAIL("empty error message for " << path);
        return "error";
    } catch (const std::exception& e) {
        FAIL("foreign exception for " << path << ": " << e.what());
    }
    return "unreachable";
}

void damageAndRead(const std::string& path, const std::string& label) {
    const fs::path root = parseVolumePath(path).file;
    const Shape3 shape = readVolumeInfo(path).shape;
    std::mt19937 random(12345);
    int errors = 0, reads = 0;
    for (const fs::path& file : filesOf(root)) {
        const std::string original = readWholeFile(file);
        const std::size_t n = original.size();
        std::vector<std::string> variants;
        for (std::size_t cut : {std::size_t(0), std::size_t(1), n / 3, n / 2, n > 0 ? n - 1 : 0})
            variants.push_back(original.substr(0, std::min(cut, n)));
        for (int k = 0; k < 8 && n > 0; ++k) {
            std::string damaged = original;
            const std::size_t at = random() % n;
            const std::size_t len = std::min<std::size_t>(1 + random() % 16, n - at);
            for (std::size_t i = 0; i < len; ++i)
                damaged[at + i] = char(random() & 0xFF);
            variants.push_back(damaged);
        }
        // Headers that lie about sizes: set the bytes in the first 256 to 0xFF runs.
        if (n > 16) {
            std::string lying = original;
            for (std::size_t i = 0; i < std::min<std::size_t>(n, 256); i += 4)
                if (random() % 3 == 0)
                    lying[i] = lying[i + 1 < n ? i + 1 : i] = char(0x7F);
            variants.push_back(lying);
        }
        for (const auto& v : variants) {
            {
                std::ofstream out(file, std::ios::binary | std::ios::trunc);
                out.write(v.data(), std::streamsize(v.size()));
            }
            INFO(label << ": damaged " << file.string() << " (" << v.size() << " of " << n
                       << " bytes)");
            errors += tryRead(path, shape) == "error";
            ++reads;
        }
        std::ofstream restore(file, std::ios::binary | std::ios::trunc);
        restore.write(original.data(), std::streamsize(original.size()));
    }
    INFO(label);
    // Cutting a file to 0 bytes must at least be noticed by every format.
    REQUIRE(errors > 0);
    REQUIRE(reads > 0);
}

} // namespace

TEST_CASE("damaged files of every format are rejected cleanly", "[malformed][io]") {
    PluginRegistry::instance().loadPlugins({CISTERNA_PLUGIN_BUILD_DIR});
    // A lying header must not be able to allocate much: pretend we have 256 MiB.
    setMemoryLimitOverride(std::uint64_t(256) << 20);
    test::ScratchDir dir("malformed-corpus");
    struct Case {
        std::string path;
        DataType type;
        WriteOptions options;
    };
    std::vector<Case> cases = {
        {dir.file("a.tif"), DataType::UInt16, {}},
        {dir.file("b.h5:/raw"), DataType::Float32, {}},
        {dir.file("c.zarr"), DataType::UInt16, {}},
        {dir.file("d.ome.zarr"), DataType::UInt8, {}},
        {dir.file("e.n5/raw"), DataType::Float32, {}},
        {dir.file("f.nrrd"), DataType::UInt8, {}},
        {dir.file("g.mha"), DataType::UInt16, {}},
        {dir.file("h.nii.gz"), DataType::Float32, {}},
        {dir.file("i.mrc"), DataType::UInt8, {}},
        {dir.file("j") + "/", DataType::UInt8, {}},
    };
    for (const char* compression : {"raw", "zlib", "blosc"}) {
        Case c{dir.file(std::string("k-") + compression + ".zarr"), DataType::UInt16, {}};
        c.options.compression = compression;
        c.options.chunkShape = Shape3{2, 4, 4};
        cases.push_back(c);
    }
    cases[9].options.sliceExtension = ".png";
    for (const auto& c : cases) {
        INFO("format case " << c.path);
        writeVolume(c.path, sample(c.type), c.options);
        REQUIRE(tryRead(c.path, {5, 9, 11}) == "ok");
        damageAndRead(c.path, c.path);
    }
    setMemoryLimitOverride(std::nullopt);
}

// Inputs that made a fuzz harness (tests/fuzz) fail, kept after the fix in
// tests/fuzz/regressions/<harness>/: each is laid out on disk exactly as its harness
// does (FuzzInputs.h) and read through the same reader, which must answer with a
// cisterna::Error, under the same 256 MiB budget. Model and project files are
// replayed by the learning and ui tests, which have those readers.
TEST_CASE("inputs the fuzzers found are rejected cleanly", "[malformed][io][fuzz]") {
    PluginRegistry::instance().loadPlugins({CISTERNA_PLUGIN_BUILD_DIR});
    setMemoryLimitOverride(std::uint64_t(256) << 20);
    const fs::path regressions = test::sourceDir() / "tests" / "fuzz" / "regressions";
    const auto inputsOf = [&](const std::string& harness) {
        std::vector<fs::path> files;
        if (fs::is_directory(regressions / harness))
            for (const auto& e : fs::directory_iterator(regressions / harness))
                if (e.is_regular_file())
                    files.push_back(e.path());
        std::sort(files.begin(), files.end());
        return files;
    };
    int replayed = 0;
    for (const std::string& harness : fuzz::volumeHarnesses())
        for (const fs::path& input : inputsOf(harness)) {
            INFO("fuzz regression " << input.string());
            test::ScratchDir dir("fuzz-regression");
            const std::string path =
                fuzz::materializeVolumeInput(harness, readWholeFile(input), dir.path());
            CHECK(tryRead(path, {}) == "error");
            ++replayed;
        }
    for (const fs::path& input : inputsOf("strokes")) {
        INFO("fuzz regression " << input.string());
        test::ScratchDir dir("fuzz-regression");
        const std::string path = dir.file("input.json");
        fuzz::writeFile(path, readWholeFile(input));
        try {
            rasterizeStrokes(readStrokes(path));
            FAIL("the stroke list was read");
        } catch (const Error& e) {
            CHECK(std::string(e.what()).size() > 0);
        } catch (const std::exception& e) {
            FAIL("foreign exception: " << e.what());
        }
        ++replayed;
    }
    setMemoryLimitOverride(std::nullopt);
    CHECK(replayed > 0);
}
