#pragma once
// The calls the rest of Cisterna uses for files: the format is picked from the path.
#include "core/io/VolumeFormat.h"

#include <string>

namespace cisterna {

VolumeInfo readVolumeInfo(const std::string& path);
Volume readVolume(const std::string& path, const ReadOptions& options = {});
// A reader of boxes of `path`, for reading it box by box (VolumeFormat::regionReader).
RegionReader openRegionReader(const std::string& path);
void writeVolume(const std::string& path, const Volume& volume, const WriteOptions& options = {});

// Before a volume of `type` is written to `path` with `options`: throws when
// float16 storage is asked for and the type is not float32 (InvalidArgument) or the
// path's format has no float16 type (FormatError, naming the formats that do), so
// that long jobs fail before they start rather than at their last write.
void checkFloat16Storage(const std::string& path, DataType type, const WriteOptions& options);

} // namespace cisterna
