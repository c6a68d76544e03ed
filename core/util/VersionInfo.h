#pragma once
#include <string>
#include <vector>

namespace cisterna {

std::string cisternaVersion();
// "HDF5 1.10.8", "ITK 5.2.1", ... for --version and bug reports.
std::vector<std::string> libraryVersions();

} // namespace cisterna
