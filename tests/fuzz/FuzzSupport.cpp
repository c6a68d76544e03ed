#include "FuzzSupport.h"

#include "core/io/VolumeIO.h"
#include "core/plugin/PluginRegistry.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <typeinfo>
#include <unistd.h>

namespace fs = std::filesystem;

namespace cisterna::fuzz {

namespace {

fs::path& rootDir() {
    static fs::path root;
    return root;
}

void removeRoot() {
    std::error_code ec;
    if (!rootDir().empty())
        fs::remove_all(rootDir(), ec);
}

} // namespace

[[noreturn]] void finding(const std::string& message) {
    std::fprintf(stderr, "\n==cisterna-fuzz== FINDING: %s\n", message.c_str());
    std::fflush(stderr);
    std::abort();
}

const fs::path& scratchRoot() {
    return rootDir();
}

const fs::path& caseDir() {
    static const fs::path dir = rootDir() / "case";
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir);
    return dir;
}

void keepBuiltFile(const fs::path& file) {
    if (const char* keep = std::getenv("CISTERNA_FUZZ_KEEP"))
        fs::copy_file(file, keep, fs::copy_options::overwrite_existing);
}

void writeSeed(const fs::path& dir, const std::string& name, const std::string& bytes) {
    writeFile(dir / name, bytes);
}

Volume sampleVolume(DataType type, const Shape3& shape) {
    Volume v = Volume::allocate(type, shape);
    dispatchDataType(type, [&](auto tag) {
        using T = decltype(tag);
        auto view = v.view<T>();
        for (std::int64_t z = 0; z < shape.z; ++z)
            for (std::int64_t y = 0; y < shape.y; ++y)
                for (std::int64_t x = 0; x < shape.x; ++x)
                    view(z, y, x) = T((z * 31 + y * 7 + x) % 200);
    });
    v.setVoxelSize({30, 4, 4});
    return v;
}

void readVolumeChecked(const std::string& path) {
    const VolumeInfo info = readVolumeInfo(path);
    const Volume whole = readVolume(path);
    if (whole.shape() != info.shape || whole.dataType() != info.dataType)
        finding("read " + toString(whole.shape()) + " " + toString(whole.dataType()) +
                " but the header said " + toString(info.shape) + " " + toString(info.dataType));
    if (info.shape.isEmpty())
        return;
    ReadOptions corner;
    corner.region =
        Box3{{0, 0, 0},
             {std::min<std::int64_t>(info.shape.z, 2), std::min<std::int64_t>(info.shape.y, 3),
              std::min<std::int64_t>(info.shape.x, 3)}};
    const Volume part = readVolume(path, corner);
    if (part.shape() != corner.region->size)
        finding("a region read gave " + toString(part.shape()) + " for " +
                toString(*corner.region));
}

} // namespace cisterna::fuzz

using namespace cisterna;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // A lying header must be refused, not allocated.
    setMemoryLimitOverride(std::uint64_t(256) << 20);
#ifdef CISTERNA_FUZZ_PLUGIN_DIR
    PluginRegistry::instance().loadPlugins({CISTERNA_FUZZ_PLUGIN_DIR});
#endif
    const fs::path base = fs::temp_directory_path();
    fuzz::rootDir() = base / ("cisterna-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(fuzz::rootDir());
    std::atexit(fuzz::removeRoot);
    // CISTERNA_FUZZ_WRITE_SEEDS=DIR: write the seed corpus with the project's own
    // writers and stop (run-all.sh does this before fuzzing).
    if (const char* seeds = std::getenv("CISTERNA_FUZZ_WRITE_SEEDS")) {
        try {
            fs::create_directories(seeds);
            fuzz::writeSeeds(seeds);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "writing the seeds failed: %s\n", e.what());
            std::exit(1);
        }
        std::exit(0);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    try {
        fuzz::fuzzOne(input);
    } catch (const Error& e) {
        if (std::string(e.what()).empty())
            fuzz::finding(std::string("a cisterna::Error (") + typeid(e).name() +
                          ") with an empty message");
    } catch (const std::exception& e) {
        fuzz::finding(std::string("foreign exception ") + typeid(e).name() + ": " + e.what());
    } catch (...) {
        fuzz::finding("an exception that is not a std::exception");
    }
    return 0;
}
