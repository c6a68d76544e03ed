#pragma once
// Finding and describing the datasets of an open HDF5 file, and the small numeric
// attributes that carry voxel size and origin.
#include "core/io/hdf5/Hdf5Handle.h"
#include "core/volume/DataType.h"
#include "core/volume/Geometry.h"

#include <optional>
#include <string>
#include <vector>

namespace cisterna::hdf5 {

// Paths ("em/raw") of every dataset in the file, in natural order.
std::vector<std::string> listDatasets(hid_t file, const std::string& path);

// The dataset a VolumePath's inner part names; with no inner part, the file's only
// 2D or 3D dataset. Throws FormatError listing what the file holds otherwise.
std::string chooseDataset(hid_t file, const std::string& path, const std::string& inner);

// Whether a link `name` ("a/b/c") exists, checking each group on the way (HDF5
// reports an error rather than false when an intermediate group is missing).
bool linkExists(hid_t file, const std::string& name);

struct DatasetHeader {
    std::string name;
    int rank = 0;
    Shape3 shape;                       // 2D datasets are one z slice
    std::string storedType;             // "uint16", "int64", "float64", "compound", ...
    std::optional<DataType> dataType;   // what Cisterna reads it as, if it can
    hid_t memoryType = H5I_INVALID_HID; // native type to read into (a library constant)
    std::optional<Shape3> chunkShape;
    std::string compression;                 // "raw", "gzip", "szip", or the filter names
    std::vector<std::string> missingFilters; // filters this HDF5 library cannot decode
};

DatasetHeader describeDataset(hid_t dataset, const std::string& name, const std::string& path);

// A numeric attribute of up to 16 values read as doubles; nullopt when absent or
// not numeric.
std::optional<std::vector<double>> readNumbers(hid_t object, const char* attribute);
// Creates or replaces a float64 attribute.
void writeNumbers(hid_t object, const char* attribute, const std::vector<double>& values,
                  const std::string& path);

struct DatasetGeometry {
    bool hasVoxelSize = false;
    Vec3d voxelSize{1, 1, 1}; // nm
    Vec3d origin{0, 0, 0};    // nm
    std::vector<std::string> notes;
};

// Voxel size from "resolution" (nm, z,y,x; COSEM/incasem) or "element_size_um"
// (micrometres, z,y,x; ilastik/Fiji), origin from "offset" (nm).
DatasetGeometry readGeometry(hid_t dataset, int rank);

} // namespace cisterna::hdf5
