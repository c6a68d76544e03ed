#pragma once
// Writes of user data go to a temporary sibling first and are renamed into place
// only when complete, so a crash, a full disk or an error mid-write never leaves a
// half-written file where the user's data was.
#include <filesystem>
#include <string>

namespace cisterna {

// For a single file: write to tempPath(), then commit(). Destroyed without
// commit(), the temporary is removed and the target is untouched.
class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path target);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    const std::filesystem::path& tempPath() const { return temp_; }
    const std::filesystem::path& target() const { return target_; }
    void commit();

private:
    std::filesystem::path target_;
    std::filesystem::path temp_;
    bool committed_ = false;
};

// For formats that are folders (Zarr, N5, slice folders): the whole tree is built
// in a temporary sibling folder and swapped in on commit(). An existing target is
// moved aside first and deleted only after the new one is in place.
class AtomicDirectory {
public:
    explicit AtomicDirectory(std::filesystem::path target);
    ~AtomicDirectory();
    AtomicDirectory(const AtomicDirectory&) = delete;
    AtomicDirectory& operator=(const AtomicDirectory&) = delete;

    const std::filesystem::path& tempPath() const { return temp_; }
    const std::filesystem::path& target() const { return target_; }
    void commit();

private:
    std::filesystem::path target_;
    std::filesystem::path temp_;
    bool committed_ = false;
};

// Whole small files (JSON metadata, headers) written atomically in one call.
void writeFileAtomically(const std::filesystem::path& target, const std::string& bytes);

// Reads a whole file; throws FormatError naming the file when it cannot.
std::string readWholeFile(const std::filesystem::path& path);

} // namespace cisterna
