#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cisterna {

// "1.5 GiB", "640 KiB": sizes in messages a person reads.
std::string humanBytes(std::uint64_t bytes);

// Natural order for file names: "img_2.tif" before "img_10.tif".
bool naturalLess(const std::string& a, const std::string& b);
void naturalSort(std::vector<std::string>& names);

std::string toLower(std::string s);
bool endsWith(const std::string& s, const std::string& suffix);
std::vector<std::string> split(const std::string& s, char separator);

} // namespace cisterna
