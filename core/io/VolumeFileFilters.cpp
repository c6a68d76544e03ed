#include "core/io/VolumeFileFilters.h"

#include "core/plugin/PluginRegistry.h"

#include <algorithm>

namespace cisterna {

std::vector<std::string> volumeFilePatterns(FileAccess access, const PluginRegistry& registry) {
    auto formats = registry.formats();
    // The registry lists the newest first; dialogs read better oldest first.
    std::reverse(formats.begin(), formats.end());
    std::vector<std::string> patterns;
    for (const auto& format : formats)
        for (const auto& extension : format->extensions()) {
            // TIFF reads .ome.tif but writes ImageJ TIFFs only: ask the format about a
            // file of that name rather than assume.
            if (access == FileAccess::Write &&
                !format->canWrite(parseVolumePath("volume" + extension)))
                continue;
            const std::string pattern = "*" + extension;
            if (std::find(patterns.begin(), patterns.end(), pattern) == patterns.end())
                patterns.push_back(pattern);
        }
    return patterns;
}

std::vector<std::string> volumeFilePatterns(FileAccess access) {
    return volumeFilePatterns(access, PluginRegistry::instance());
}

std::string volumeNameFilter(FileAccess access, const std::string& label,
                             const std::vector<std::string>& extraPatterns) {
    std::vector<std::string> patterns = volumeFilePatterns(access);
    patterns.insert(patterns.end(), extraPatterns.begin(), extraPatterns.end());
    std::string filter = label + " (";
    for (std::size_t i = 0; i < patterns.size(); ++i)
        filter += (i == 0 ? "" : " ") + patterns[i];
    return filter + ")";
}

} // namespace cisterna
