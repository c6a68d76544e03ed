#pragma once
// Voxel size and origin of TIFF files, which the TIFF standard has no place for:
// read from ImageJ's ImageDescription ("ImageJ=...\nunit=micron\nspacing=0.03")
// with X/YResolution in pixels per unit, or from OME-XML; written the ImageJ way
// so that Fiji shows the calibration.
#include "core/volume/Geometry.h"

#include <cstdint>
#include <optional>
#include <string>

namespace cisterna {

struct TiffCalibration {
    std::optional<Vec3d> voxelSize; // nm
    std::optional<Vec3d> origin;    // nm
    std::string source;             // "ImageJ", "OME-XML", ... for info details
    // Hyperstacks interleave channels and time points with the z slices.
    std::int64_t channels = 1;
    std::int64_t timePoints = 1;
};

// xResolution / yResolution: the page's X/YResolution tags, 0 when absent.
TiffCalibration parseTiffCalibration(const std::string& description, double xResolution,
                                     double yResolution);

// ImageJ-compatible description of a stack of `pages` slices; voxel size in nm
// (unit=nm, spacing) when given. Exact values and the origin go in extra keys that
// ImageJ ignores, since X/YResolution are rationals that round.
std::string imageJDescription(std::int64_t pages, const std::optional<Vec3d>& voxelSize,
                              const Vec3d& origin);

// Nanometres per one of `unit` ("nm", "micron", "µm", "mm", ...), nullopt if unknown.
std::optional<double> nanometresPerUnit(const std::string& unit);

} // namespace cisterna
