#pragma once
// File-dialog filters built from the registered formats, plugins included, so that a
// format the registry reads or writes can always be picked in the app's Open and
// Export dialogs. Plain strings in Qt's name-filter syntax: no Qt here.
#include <string>
#include <vector>

namespace cisterna {

class PluginRegistry;

enum class FileAccess { Read, Write };

// One glob per extension ("*.h5", "*.nii.gz") of the formats that read (or write) such
// a file, built-in formats first in the order they were registered, then plugins'; no
// repeats. Folder-only formats (slice folders) have no extension and add nothing.
std::vector<std::string> volumeFilePatterns(FileAccess access, const PluginRegistry& registry);
std::vector<std::string> volumeFilePatterns(FileAccess access); // the process-wide registry

// A name filter such as "Volumes (*.nrrd *.h5 ... *.mrc)" from the process-wide
// registry, with `extraPatterns` (e.g. "*.cisterna") after the volumes' own.
std::string volumeNameFilter(FileAccess access, const std::string& label = "Volumes",
                             const std::vector<std::string>& extraPatterns = {});

} // namespace cisterna
