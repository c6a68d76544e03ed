#pragma once
// The calls the rest of Cisterna uses for files: the format is picked from the path.
#include "core/io/VolumeFormat.h"

#include <string>

namespace cisterna {

VolumeInfo readVolumeInfo(const std::string& path);
Volume readVolume(const std::string& path, const ReadOptions& options = {});
void writeVolume(const std::string& path, const Volume& volume, const WriteOptions& options = {});

} // namespace cisterna
