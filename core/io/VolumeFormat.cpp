#include "core/io/VolumeFormat.h"

#include "core/io/BlockWriterSupport.h"
#include "core/util/Error.h"

namespace cisterna {

bool VolumeFormat::extensionMatches(const VolumePath& path) const {
    const std::string ext = path.extension();
    for (const auto& e : extensions())
        if (e == ext)
            return true;
    return false;
}

bool VolumeFormat::canRead(const VolumePath& path) const {
    return extensionMatches(path);
}
bool VolumeFormat::canWrite(const VolumePath& path) const {
    return extensionMatches(path);
}

std::unique_ptr<BlockWriter> VolumeFormat::createBlockWriter(const VolumePath& path,
                                                             const BlockWriterSpec& spec,
                                                             const WriteOptions& options) const {
    return createMemoryBlockWriter(path.display(), spec, options);
}

RegionReader VolumeFormat::regionReader(const VolumePath& path) const {
    RegionReader reader;
    reader.read = [this, path](const Box3& box) {
        ReadOptions options;
        options.region = box;
        return read(path, options);
    };
    return reader;
}

Box3 resolveRegion(const VolumePath& path, const Shape3& shape, const ReadOptions& options) {
    if (!options.region)
        return Box3{{0, 0, 0}, shape};
    if (!options.region->fitsIn(shape))
        throw FormatError(path.display(), "the region " + toString(*options.region) +
                                              " lies outside the array of shape " +
                                              toString(shape));
    return *options.region;
}

} // namespace cisterna
