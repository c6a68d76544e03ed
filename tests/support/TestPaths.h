#pragma once
// Where tests find their inputs and put their outputs.
#include <filesystem>
#include <string>

namespace cisterna::test {

// A fresh empty folder for one test, removed when the object dies.
class ScratchDir {
public:
    explicit ScratchDir(const std::string& name);
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

// ../shared/data/sbem-mito next to the repository (or $CISTERNA_SHARED_DATA/sbem-mito).
std::filesystem::path sbemMitoDir();
std::filesystem::path sourceDir();

} // namespace cisterna::test
