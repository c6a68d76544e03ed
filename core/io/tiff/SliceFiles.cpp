#include "core/io/tiff/SliceFiles.h"

#include "core/util/Error.h"
#include "core/util/Text.h"

#include <cctype>

namespace fs = std::filesystem;

namespace cisterna {

std::optional<SliceKind> sliceKindOf(const fs::path& file) {
    const std::string ext = toLower(file.extension().string());
    if (ext == ".tif" || ext == ".tiff")
        return SliceKind::Tiff;
    if (ext == ".png")
        return SliceKind::Png;
    return std::nullopt;
}

namespace {

bool isCandidate(const fs::directory_entry& entry) {
    const std::string name = entry.path().filename().string();
    // Hidden files include macOS "._img.png" resource forks, which are not images.
    std::error_code ec;
    return !name.empty() && name[0] != '.' && entry.is_regular_file(ec) &&
           sliceKindOf(entry.path()).has_value();
}

} // namespace

bool holdsSlices(const fs::path& folder) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        return false;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
        if (isCandidate(*it))
            return true;
    return false;
}

SliceListing listSlices(const fs::path& folder, const std::string& display) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw FormatError(display, "is not a folder");
    std::vector<std::string> tiffs, pngs;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
        if (isCandidate(*it))
            (*sliceKindOf(it->path()) == SliceKind::Png ? pngs : tiffs)
                .push_back(it->path().filename().string());
    if (ec)
        throw FormatError(display, "could not be listed: " + ec.message());
    if (!tiffs.empty() && !pngs.empty())
        throw FormatError(display, "holds both TIFF (" + tiffs.front() + ") and PNG (" +
                                       pngs.front() + ") slices; a slice folder holds one kind");
    if (tiffs.empty() && pngs.empty())
        throw FormatError(display, "holds no .tif, .tiff or .png slices");
    SliceListing listing;
    listing.kind = pngs.empty() ? SliceKind::Tiff : SliceKind::Png;
    auto& names = pngs.empty() ? tiffs : pngs;
    naturalSort(names);
    for (const auto& name : names)
        listing.files.push_back(folder / name);
    return listing;
}

std::optional<SlicePattern> parseSlicePattern(const std::string& name, const std::string& display) {
    // Parsed here rather than handed to printf: a user's string is never a format.
    std::optional<SlicePattern> pattern;
    std::string literal;
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (name[i] != '%') {
            literal += name[i];
            continue;
        }
        if (i + 1 < name.size() && name[i + 1] == '%') {
            literal += '%';
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        const bool zero = j < name.size() && name[j] == '0';
        std::string digits;
        while (j < name.size() && std::isdigit(static_cast<unsigned char>(name[j])))
            digits += name[j++];
        if (j >= name.size() || name[j] != 'd' || digits.size() > 2)
            throw FormatError(display, "the file name pattern '" + name +
                                           "' must hold one number field like %d or %04d");
        if (pattern)
            throw FormatError(display, "the file name pattern '" + name +
                                           "' holds more than one number field");
        pattern = SlicePattern{literal, digits.empty() ? 0 : std::stoi(digits), zero, {}};
        literal.clear();
        i = j;
    }
    if (pattern)
        pattern->suffix = literal;
    return pattern;
}

std::string sliceFileName(const SlicePattern& pattern, std::int64_t index) {
    std::string number = std::to_string(index);
    if (static_cast<int>(number.size()) < pattern.width)
        number.insert(0, static_cast<std::size_t>(pattern.width) - number.size(),
                      pattern.zeroPad ? '0' : ' ');
    return pattern.prefix + number + pattern.suffix;
}

SlicePattern defaultSlicePattern(std::int64_t count, const std::string& extension) {
    int width = 4;
    for (std::int64_t last = count - 1; last >= 10000; last /= 10)
        ++width;
    return SlicePattern{"slice_", width, true, extension};
}

} // namespace cisterna
