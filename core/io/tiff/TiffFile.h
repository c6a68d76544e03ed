#pragma once
// An open libtiff handle whose errors and warnings are captured (never printed)
// and turned into FormatError naming the file.
#include <tiffio.h>

#include <cstdarg>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace cisterna {

class TiffFile {
public:
    // `display` names the file in messages (the user's path, not a temporary).
    static TiffFile openForReading(const std::filesystem::path& file, const std::string& display);
    // bigTiff: 64-bit offsets, for data past 4 GiB.
    static TiffFile openForWriting(const std::filesystem::path& file, const std::string& display,
                                   bool bigTiff);

    TiffFile(TiffFile&&) noexcept;
    TiffFile& operator=(TiffFile&&) noexcept;
    ~TiffFile();

    TIFF* get() const { return tif_; }
    const std::string& display() const { return display_; }
    // libtiff's error messages since the last clearMessages(), joined.
    std::string errors() const;
    const std::vector<std::string>& warnings() const;
    void clearMessages();

    // Throws FormatError(display, what + libtiff's reason).
    [[noreturn]] void fail(const std::string& what) const;
    // Flushes and closes; throws when libtiff could not write everything.
    void finishWriting();

private:
    struct Messages;
    TiffFile(TIFF* tif, std::unique_ptr<Messages> messages, std::string display);
    static TiffFile open(const std::filesystem::path& file, const std::string& display,
                         const char* mode);
    static int captureError(TIFF*, void* data, const char*, const char* format, va_list args);
    static int captureWarning(TIFF*, void* data, const char*, const char* format, va_list args);

    TIFF* tif_ = nullptr;
    std::unique_ptr<Messages> messages_; // stable address: libtiff's handlers point at it
    std::string display_;
};

} // namespace cisterna
