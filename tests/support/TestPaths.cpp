#include "TestPaths.h"

#include <cstdlib>
#include <unistd.h>

namespace fs = std::filesystem;

namespace cisterna::test {

ScratchDir::ScratchDir(const std::string& name) {
    path_ =
        fs::temp_directory_path() / ("cisterna-test-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
}

ScratchDir::~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

fs::path sourceDir() {
    return CISTERNA_SOURCE_DIR;
}

fs::path sbemMitoDir() {
    if (const char* env = std::getenv("CISTERNA_SHARED_DATA"))
        return fs::path(env) / "sbem-mito";
    return sourceDir().parent_path() / "shared" / "data" / "sbem-mito";
}

} // namespace cisterna::test
