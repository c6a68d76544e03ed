#include "core/util/AtomicWrite.h"

#include "core/util/Error.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace cisterna {
namespace {

// The host is part of a temporary's name because folders may be shared between
// machines (a cluster's file share): only this host's processes can be checked for
// being alive.
std::string hostName() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
        return "localhost";
    std::string host(name);
    for (char& c : host)
        if (c == '/' || c == '-')
            c = '_';
    return host;
}

// ".<file>.tmp-<host>-": what every temporary sibling of target made on this host starts with.
std::string temporaryPrefix(const fs::path& target) {
    return "." + target.filename().string() + ".tmp-" + hostName() + "-";
}

fs::path temporarySibling(const fs::path& target) {
    static std::atomic<unsigned> counter{0};
    std::ostringstream name;
    name << temporaryPrefix(target) << ::getpid() << "-" << counter++;
    fs::path parent = target.parent_path();
    return parent.empty() ? fs::path(name.str()) : parent / name.str();
}

// A process killed mid-write (SIGKILL, power cut) leaves its temporary behind; it can
// be a whole, readable copy if the kill came just before the rename. The next write
// of the same target removes such leftovers, but only those of processes of this host
// that no longer exist, so a concurrent writer's temporary is never touched. While the
// target itself is missing nothing is removed: a folder swap killed between its two
// renames leaves the only copies of the data in the temporaries.
void removeLeftoverTemporaries(const fs::path& target) {
    std::error_code missing;
    if (!fs::exists(target, missing))
        return;
    const fs::path parent = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    const std::string prefix = temporaryPrefix(target);
    std::error_code ec;
    for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.compare(0, prefix.size(), prefix) != 0)
            continue;
        const std::string rest = name.substr(prefix.size()); // "<pid>-<counter>"
        const std::size_t dash = rest.find('-');
        if (dash == 0 || dash == std::string::npos || rest.find_first_not_of("0123456789") != dash)
            continue;
        const long pid = std::strtol(rest.substr(0, dash).c_str(), nullptr, 10);
        if (pid <= 0 || pid == ::getpid() || ::kill(pid_t(pid), 0) == 0 || errno != ESRCH)
            continue;
        std::error_code ignored;
        fs::remove_all(it->path(), ignored);
    }
}

void ensureParentExists(const fs::path& target) {
    const fs::path parent = target.parent_path();
    if (!parent.empty() && !fs::exists(parent))
        throw FormatError(target.string(), "the folder " + parent.string() + " does not exist");
}

} // namespace

AtomicFile::AtomicFile(fs::path target) : target_(std::move(target)) {
    ensureParentExists(target_);
    removeLeftoverTemporaries(target_);
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
    removeLeftoverTemporaries(target_);
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
