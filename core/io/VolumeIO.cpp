#include "core/io/VolumeIO.h"

#include "core/plugin/PluginRegistry.h"
#include "core/util/Error.h"

namespace cisterna {

VolumeInfo readVolumeInfo(const std::string& path) {
    const VolumePath p = parseVolumePath(path);
    return PluginRegistry::instance().formatForReading(p)->info(p);
}

Volume readVolume(const std::string& path, const ReadOptions& options) {
    const VolumePath p = parseVolumePath(path);
    return PluginRegistry::instance().formatForReading(p)->read(p, options);
}

void writeVolume(const std::string& path, const Volume& volume, const WriteOptions& options) {
    if (volume.isNull())
        throw InvalidArgument("there is no volume to write to " + path);
    const VolumePath p = parseVolumePath(path);
    PluginRegistry::instance().formatForWriting(p)->write(p, volume, options);
}

} // namespace cisterna
