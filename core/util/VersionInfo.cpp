#include "core/util/VersionInfo.h"

#include <blosc.h>
#include <hdf5.h>
#include <itkVersion.h>
#include <png.h>
#include <tiffvers.h>
#include <zlib.h>

namespace cisterna {

std::string cisternaVersion() {
    return CISTERNA_VERSION;
}

std::vector<std::string> libraryVersions() {
    unsigned major = 0, minor = 0, release = 0;
    H5get_libversion(&major, &minor, &release);
    std::string tiff = TIFFLIB_VERSION_STR;
    const auto newline = tiff.find('\n');
    if (newline != std::string::npos)
        tiff = tiff.substr(0, newline);
    return {
        "HDF5 " + std::to_string(major) + "." + std::to_string(minor) + "." +
            std::to_string(release),
        std::string("ITK ") + itk::Version::GetITKVersion(),
        tiff,
        std::string("libpng ") + png_get_libpng_ver(nullptr),
        std::string("zlib ") + zlibVersion(),
        std::string("c-blosc ") + blosc_get_version_string(),
    };
}

} // namespace cisterna
