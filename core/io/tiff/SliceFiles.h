#pragma once
// The files of a slice folder: which ones are slices, in which order, and how
// written slices are named ("slice_0000.tif" or a pattern like "img_%04d.png").
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cisterna {

enum class SliceKind { Tiff, Png };

// .tif/.tiff or .png by extension (any case); nullopt for other files.
std::optional<SliceKind> sliceKindOf(const std::filesystem::path& file);

struct SliceListing {
    SliceKind kind = SliceKind::Tiff;
    std::vector<std::filesystem::path> files; // natural order: img_2 before img_10
};

// Whether `folder` is a folder holding at least one slice image.
bool holdsSlices(const std::filesystem::path& folder);

// The slice images of `folder`; hidden files are skipped. Throws FormatError when
// it holds none, or TIFFs and PNGs mixed.
SliceListing listSlices(const std::filesystem::path& folder, const std::string& display);

// A file name pattern with one printf-style integer field: "img_%04d.png".
struct SlicePattern {
    std::string prefix;
    int width = 0;
    bool zeroPad = false;
    std::string suffix;
};

// nullopt when `name` has no "%d"-style field; throws FormatError(display, ...)
// for a malformed one (two fields, "%s", ...).
std::optional<SlicePattern> parseSlicePattern(const std::string& name, const std::string& display);
std::string sliceFileName(const SlicePattern& pattern, std::int64_t index);

// "slice_%04d" + extension, wide enough for `count` slices.
SlicePattern defaultSlicePattern(std::int64_t count, const std::string& extension);

} // namespace cisterna
