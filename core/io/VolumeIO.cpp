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

RegionReader openRegionReader(const std::string& path) {
    const VolumePath p = parseVolumePath(path);
    return PluginRegistry::instance().formatForReading(p)->regionReader(p);
}

void writeVolume(const std::string& path, const Volume& volume, const WriteOptions& options) {
    if (volume.isNull())
        throw InvalidArgument("there is no volume to write to " + path);
    checkFloat16Storage(path, volume.dataType(), options);
    const VolumePath p = parseVolumePath(path);
    PluginRegistry::instance().formatForWriting(p)->write(p, volume, options);
}

void checkFloat16Storage(const std::string& path, DataType type, const WriteOptions& options) {
    if (!options.float16)
        return;
    if (type != DataType::Float32)
        throw InvalidArgument("cannot store a " + std::string(toString(type)) + " volume as " +
                              "float16 in " + path + ": float16 storage is for float32 volumes");
    const VolumePath p = parseVolumePath(path);
    const auto format = PluginRegistry::instance().formatForWriting(p);
    if (!format->writesFloat16())
        throw FormatError(path, "the " + format->name() +
                                    " format has no float16 data type here; write HDF5 (.h5), "
                                    "Zarr (.zarr) or OME-Zarr (.ome.zarr), or float32");
}

} // namespace cisterna
