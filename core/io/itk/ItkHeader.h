#pragma once
// What a NRRD / MetaImage / NIfTI header says, read through ITK and translated to
// Cisterna's terms: (z, y, x) order, nanometres, one of our three voxel types. The
// data size is checked against the file(s) here, before anyone allocates.
#include "core/io/VolumeFormat.h"
#include "core/io/itk/ItkDataLayout.h"
#include "core/io/itk/ItkImageIO.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cisterna::itkio {

struct ItkHeader {
    ItkFileKind kind;
    itk::ImageIOBase::Pointer io; // has read the header; reads the voxels next
    Shape3 shape;
    DataType dataType = DataType::UInt8; // what Cisterna returns
    bool converted = false;              // file type is not ours: converted to float32
    bool hasVoxelSize = false;
    Vec3d voxelSize{1, 1, 1}; // nm
    Vec3d origin{0, 0, 0};    // nm
    DataLayout layout;
    std::vector<std::string> details;
};

ItkHeader readItkHeader(const VolumePath& path);

// "uint8", "int16", "float64", ...: ITK's component types in our words.
std::string componentName(itk::IOComponentEnum component);

VolumeInfo toVolumeInfo(const ItkHeader& header, const std::string& formatName);

} // namespace cisterna::itkio
