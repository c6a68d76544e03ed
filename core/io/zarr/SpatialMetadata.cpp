#include "core/io/zarr/SpatialMetadata.h"

#include "core/util/Error.h"

#include <cmath>

namespace cisterna::chunked {
namespace {

// The last three (or two) entries, each in nm, as (z, y, x). A 2D image has no z
// spacing; its in-plane one stands in so that geometry stays isotropic.
Vec3d lastAxes(const std::vector<double>& values, const std::vector<double>& nmPerUnit,
               bool isSize) {
    const std::size_t n = values.size();
    const auto at = [&](std::size_t i) {
        const double factor = nmPerUnit.empty() ? 1.0 : nmPerUnit[i];
        return values[i] * factor;
    };
    if (n >= 3)
        return {at(n - 3), at(n - 2), at(n - 1)};
    return {isSize ? at(0) : 0.0, at(0), at(1)};
}

} // namespace

Spatial spatialFromLists(const std::vector<double>& scale, const std::vector<double>& offset,
                         const std::vector<double>& nmPerUnit, const std::filesystem::path& file,
                         const std::string& what) {
    Spatial spatial;
    if (!scale.empty()) {
        if (scale.size() < 2)
            throw FormatError(file.string(), what + " lists " + std::to_string(scale.size()) +
                                                 " voxel size value(s), expected one per axis");
        if (!nmPerUnit.empty() && nmPerUnit.size() != scale.size())
            throw FormatError(file.string(), what + " has units for a different number of axes");
        const Vec3d size = lastAxes(scale, nmPerUnit, true);
        if (!(size.z > 0 && size.y > 0 && size.x > 0) || !std::isfinite(size.z) ||
            !std::isfinite(size.y) || !std::isfinite(size.x))
            throw FormatError(file.string(), what + " gives the voxel size " + toString(size) +
                                                 " nm; sizes must be positive");
        spatial.voxelSize = size;
        spatial.hasVoxelSize = true;
    }
    if (!offset.empty()) {
        if (offset.size() < 2)
            throw FormatError(file.string(), what + " lists " + std::to_string(offset.size()) +
                                                 " offset value(s), expected one per axis");
        if (!nmPerUnit.empty() && nmPerUnit.size() != offset.size())
            throw FormatError(file.string(), what + " has units for a different number of axes");
        spatial.origin = lastAxes(offset, nmPerUnit, false);
    }
    return spatial;
}

Spatial spatialOf(const Volume& volume) {
    return {volume.hasVoxelSize(), volume.voxelSize(), volume.origin()};
}

std::vector<double> zyxList(const Vec3d& v) {
    return {v.z, v.y, v.x};
}

std::vector<double> xyzList(const Vec3d& v) {
    return {v.x, v.y, v.z};
}

} // namespace cisterna::chunked
