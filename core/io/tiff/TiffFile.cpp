#include "core/io/tiff/TiffFile.h"

#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <algorithm>
#include <cstdarg>
#include <cstdint>
#include <cstdio>

namespace cisterna {

struct TiffFile::Messages {
    std::string filePrefix; // libtiff starts messages with "<file>: "; ours already name it
    std::vector<std::string> errors;
    std::vector<std::string> warnings;
};

namespace {

// libtiff's module argument is the function name; users need the reason only.
std::string formatMessage(const std::string& filePrefix, const char* format, va_list args) {
    char buffer[1024];
    std::vsnprintf(buffer, sizeof buffer, format, args);
    std::string text = buffer;
    if (!filePrefix.empty() && text.compare(0, filePrefix.size(), filePrefix) == 0)
        text.erase(0, filePrefix.size());
    return text;
}

} // namespace

// Returning 1 tells libtiff the message was handled, so its default handlers
// (which print to stderr) stay silent.
int TiffFile::captureError(TIFF*, void* data, const char*, const char* format, va_list args) {
    auto* messages = static_cast<Messages*>(data);
    if (messages->errors.size() < 16)
        messages->errors.push_back(formatMessage(messages->filePrefix, format, args));
    return 1;
}

int TiffFile::captureWarning(TIFF*, void* data, const char*, const char* format, va_list args) {
    auto* messages = static_cast<Messages*>(data);
    if (messages->warnings.size() < 16)
        messages->warnings.push_back(formatMessage(messages->filePrefix, format, args));
    return 1;
}

TiffFile::TiffFile(TIFF* tif, std::unique_ptr<Messages> messages, std::string display)
    : tif_(tif), messages_(std::move(messages)), display_(std::move(display)) {}

TiffFile::TiffFile(TiffFile&& other) noexcept
    : tif_(other.tif_), messages_(std::move(other.messages_)), display_(std::move(other.display_)) {
    other.tif_ = nullptr;
}

TiffFile& TiffFile::operator=(TiffFile&& other) noexcept {
    if (this != &other) {
        if (tif_)
            TIFFClose(tif_);
        tif_ = other.tif_;
        other.tif_ = nullptr;
        messages_ = std::move(other.messages_);
        display_ = std::move(other.display_);
    }
    return *this;
}

TiffFile::~TiffFile() {
    if (tif_)
        TIFFClose(tif_);
}

TiffFile TiffFile::open(const std::filesystem::path& file, const std::string& display,
                        const char* mode) {
    auto messages = std::make_unique<Messages>();
    messages->filePrefix = file.string() + ": ";
    TIFFOpenOptions* options = TIFFOpenOptionsAlloc();
    if (!options)
        throw FormatError(display, "libtiff could not start (out of memory)");
    // libtiff's own allocations (strip tables, codec buffers) stay within what we
    // have, so a lying header fails inside libtiff instead of exhausting memory.
    const std::uint64_t budget = std::max<std::uint64_t>(availableMemoryBytes(), 64u << 20);
    TIFFOpenOptionsSetMaxSingleMemAlloc(
        options, static_cast<tmsize_t>(std::min<std::uint64_t>(budget, INT64_MAX)));
    TIFFOpenOptionsSetErrorHandlerExtR(options, captureError, messages.get());
    TIFFOpenOptionsSetWarningHandlerExtR(options, captureWarning, messages.get());
    TIFF* tif = TIFFOpenExt(file.c_str(), mode, options);
    TIFFOpenOptionsFree(options);
    if (!tif) {
        std::string reason;
        for (const auto& e : messages->errors)
            reason += (reason.empty() ? "" : "; ") + e;
        throw FormatError(display, reason.empty() ? "could not be opened as TIFF"
                                                  : "could not be opened as TIFF: " + reason);
    }
    return TiffFile(tif, std::move(messages), display);
}

TiffFile TiffFile::openForReading(const std::filesystem::path& file, const std::string& display) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        throw FormatError(display, "no such file");
    if (std::filesystem::is_directory(file, ec))
        throw FormatError(display, "is a folder, not a TIFF file");
    // "m": no memory mapping, so a file truncated under us gives a read error
    // rather than SIGBUS.
    return open(file, display, "rm");
}

TiffFile TiffFile::openForWriting(const std::filesystem::path& file, const std::string& display,
                                  bool bigTiff) {
    return open(file, display, bigTiff ? "w8" : "w");
}

std::string TiffFile::errors() const {
    std::string text;
    for (const auto& e : messages_->errors)
        text += (text.empty() ? "" : "; ") + e;
    return text;
}

const std::vector<std::string>& TiffFile::warnings() const {
    return messages_->warnings;
}

void TiffFile::clearMessages() {
    messages_->errors.clear();
    messages_->warnings.clear();
}

void TiffFile::fail(const std::string& what) const {
    const std::string reason = errors();
    throw FormatError(display_, reason.empty() ? what : what + ": " + reason);
}

void TiffFile::finishWriting() {
    if (!TIFFFlush(tif_))
        fail("could not finish writing (disk full?)");
    TIFF* tif = tif_;
    tif_ = nullptr;
    TIFFClose(tif);
    if (!messages_->errors.empty())
        fail("could not finish writing");
}

} // namespace cisterna
