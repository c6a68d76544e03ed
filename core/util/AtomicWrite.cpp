#include "core/util/AtomicWrite.h"

#include "core/util/Error.h"

#include <atomic>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace cisterna {
namespace {

fs::path temporarySibling(const fs::path& target) {
    static std::atomic<unsigned> counter{0};
    std::ostringstream name;
    name << "." << target.filename().string() << ".tmp-" << ::getpid() << "-" << counter++;
    fs::path parent = target.parent_path();
    return parent.empty() ? fs::path(name.str()) : parent / name.str();
}

void ensureParentExists(const fs::path& target) {
    const fs::path parent = target.parent_path();
    if (!parent.empty() && !fs::exists(parent))
        throw FormatError(target.string(), "the folder " + parent.string() + " does not exist");
}

} // namespace

AtomicFile::AtomicFile(fs::path target) : target_(std::move(target)) {
    ensureParentExists(target_);
    temp_ = temporarySibling(target_);
}

AtomicFile::~AtomicFile() {
    if (!committed_) {
        std::error_code ec;
        fs::remove(temp_, ec);
    }
}

void AtomicFile::commit() {
    std::error_code ec;
    fs::rename(temp_, target_, ec);
    if (ec)
        throw FormatError(target_.string(),
                          "could not move the finished file into place: " + ec.message());
    committed_ = true;
}

AtomicDirectory::AtomicDirectory(fs::path target) : target_(std::move(target)) {
    if (target_.filename().empty())
        target_ = target_.parent_path(); // "out.zarr/" names the folder out.zarr
    ensureParentExists(target_);
    if (fs::exists(target_) && !fs::is_directory(target_))
        throw FormatError(target_.string(), "exists and is not a folder");
    temp_ = temporarySibling(target_);
    std::error_code ec;
    fs::create_directory(temp_, ec);
    if (ec)
        throw FormatError(target_.string(), "could not create a temporary folder: " + ec.message());
}

AtomicDirectory::~AtomicDirectory() {
    if (!committed_) {
        std::error_code ec;
        fs::remove_all(temp_, ec);
    }
}

void AtomicDirectory::commit() {
    std::error_code ec;
    fs::path aside;
    if (fs::exists(target_)) {
        aside = temporarySibling(target_);
        fs::rename(target_, aside, ec);
        if (ec)
            throw FormatError(target_.string(),
                              "could not move the old folder aside: " + ec.message());
    }
    fs::rename(temp_, target_, ec);
    if (ec) {
        if (!aside.empty())
            fs::rename(aside, target_, ec);
        throw FormatError(target_.string(), "could not move the finished folder into place");
    }
    committed_ = true;
    if (!aside.empty())
        fs::remove_all(aside, ec);
}

void writeFileAtomically(const fs::path& target, const std::string& bytes) {
    AtomicFile file(target);
    {
        std::ofstream out(file.tempPath(), std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out)
            throw FormatError(target.string(), "could not write (disk full or no permission?)");
    }
    file.commit();
}

std::string readWholeFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw FormatError(path.string(), "cannot be opened for reading");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad())
        throw FormatError(path.string(), "read error");
    return buffer.str();
}

} // namespace cisterna
