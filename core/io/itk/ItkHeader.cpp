#include "core/io/itk/ItkHeader.h"

#include "core/io/itk/ItkNiftiGuard.h"
#include "core/io/itk/ItkUnits.h"

#include <cmath>
#include <limits>

namespace cisterna::itkio {
namespace {

using Component = itk::IOComponentEnum;

struct TypeChoice {
    DataType dataType;
    bool converted;
};

TypeChoice chooseDataType(const VolumePath& path, Component component) {
    switch (component) {
    case Component::UCHAR:
        return {DataType::UInt8, false};
    case Component::USHORT:
        return {DataType::UInt16, false};
    case Component::FLOAT:
        return {DataType::Float32, false};
    // Types we do not store are widened or narrowed to float32 so that every such
    // file opens; the details say so. 32/64-bit integers beyond 2^24 lose precision.
    case Component::CHAR:
    case Component::SHORT:
    case Component::INT:
    case Component::UINT:
    case Component::LONG:
    case Component::ULONG:
    case Component::LONGLONG:
    case Component::ULONGLONG:
    case Component::DOUBLE:
        return {DataType::Float32, true};
    default:
        throw FormatError(path.display(), "unsupported voxel type " + componentName(component));
    }
}

// ITK's axes are x, y, z (then time, ...); ours are (z, y, x). Axes past z must be
// 1 long: a 4D NIfTI with one time point is a volume, one with ten is not.
Shape3 readShape(const VolumePath& path, const itk::ImageIOBase& io) {
    const unsigned dims = io.GetNumberOfDimensions();
    if (dims == 0)
        throw FormatError(path.display(), "the header describes an image without axes");
    std::int64_t extent[3] = {1, 1, 1};
    std::uint64_t voxels = 1;
    for (unsigned axis = 0; axis < dims; ++axis) {
        const auto n = static_cast<std::uint64_t>(io.GetDimensions(axis));
        if (n == 0)
            throw FormatError(path.display(),
                              "axis " + std::to_string(axis) + " of the image has length 0");
        if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
            __builtin_mul_overflow(voxels, n, &voxels) ||
            voxels > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            throw FormatError(path.display(),
                              "the header claims more voxels than any file can hold");
        if (axis < 3)
            extent[axis] = static_cast<std::int64_t>(n);
        else if (n != 1)
            throw FormatError(path.display(), "is a " + std::to_string(dims) + "D image with " +
                                                  std::to_string(n) + " entries along axis " +
                                                  std::to_string(axis + 1) +
                                                  "; only 2D and 3D images are supported");
    }
    return {extent[2], extent[1], extent[0]};
}

bool isIdentityDirection(const itk::ImageIOBase& io) {
    const unsigned dims = std::min(io.GetNumberOfDimensions(), 3u);
    for (unsigned i = 0; i < dims; ++i) {
        const auto column = io.GetDirection(i);
        for (unsigned j = 0; j < dims && j < column.size(); ++j)
            if (std::abs(column[j] - (i == j ? 1.0 : 0.0)) > 1e-6)
                return false;
    }
    return true;
}

// Spacing and origin of ITK axis 0..2 (x, y, z), in the file's numbers; a 2D image
// gets its x spacing for z so that geometry stays isotropic.
void readGeometry(const itk::ImageIOBase& io, double spacing[3], double origin[3]) {
    const unsigned dims = io.GetNumberOfDimensions();
    for (unsigned axis = 0; axis < 3; ++axis) {
        spacing[axis] = axis < dims ? io.GetSpacing(axis) : spacing[0];
        origin[axis] = axis < dims ? io.GetOrigin(axis) : 0.0;
    }
}

} // namespace

std::string componentName(itk::IOComponentEnum component) {
    switch (component) {
    case Component::UCHAR:
        return "uint8";
    case Component::CHAR:
        return "int8";
    case Component::USHORT:
        return "uint16";
    case Component::SHORT:
        return "int16";
    case Component::UINT:
        return "uint32";
    case Component::INT:
        return "int32";
    case Component::ULONG:
    case Component::ULONGLONG:
        return "uint64";
    case Component::LONG:
    case Component::LONGLONG:
        return "int64";
    case Component::FLOAT:
        return "float32";
    case Component::DOUBLE:
        return "float64";
    default:
        return itk::ImageIOBase::GetComponentTypeAsString(component);
    }
}

ItkHeader readItkHeader(const VolumePath& path) {
    ItkHeader header;
    header.kind = classifyItkPath(path);
    header.io = makeImageIO(header.kind.flavor);
    itk::ImageIOBase& io = *header.io;
    const std::string flavor = flavorName(header.kind.flavor);
    if (header.kind.flavor == ItkFlavor::Nifti)
        rejectHostileNiftiTransform(path);
    if (header.kind.flavor == ItkFlavor::MetaImage)
        rejectHostileMetaImageHeader(path);
    guardItk(path.display(), [&] {
        if (!io.CanReadFile(path.file.c_str()))
            throw FormatError(path.display(), "is not a readable " + flavor + " file");
        io.SetFileName(path.file.string());
        io.ReadImageInformation();
    });

    header.shape = readShape(path, io);
    if (io.GetNumberOfComponents() != 1)
        throw FormatError(path.display(),
                          "has " + std::to_string(io.GetNumberOfComponents()) +
                              " values per voxel (" +
                              itk::ImageIOBase::GetPixelTypeAsString(io.GetPixelType()) +
                              "); only single-channel images are supported");
    const auto component = io.GetComponentType();
    const TypeChoice type = chooseDataType(path, component);
    header.dataType = type.dataType;
    header.converted = type.converted;
    const std::string storedType = componentName(component);
    header.details.push_back(flavor + " read through ITK");
    if (type.converted)
        header.details.push_back("stored as " + storedType + ", converted to float32");

    double spacing[3], origin[3];
    readGeometry(io, spacing, origin);
    const bool nifti = header.kind.flavor == ItkFlavor::Nifti;
    auto toNm = [&](double v) { return nifti ? niftiMillimetresToNanometres(v) : v; };
    // ITK reports 1 for every axis whose spacing the file leaves out; a file whose
    // spacing is exactly 1 (in its own unit) is taken as uncalibrated.
    const bool allOne = spacing[0] == 1.0 && spacing[1] == 1.0 && spacing[2] == 1.0;
    const bool valid = std::isfinite(spacing[0]) && std::isfinite(spacing[1]) &&
                       std::isfinite(spacing[2]) && spacing[0] > 0 && spacing[1] > 0 &&
                       spacing[2] > 0;
    header.hasVoxelSize = valid && !allOne;
    if (header.hasVoxelSize)
        header.voxelSize = {toNm(spacing[2]), toNm(spacing[1]), toNm(spacing[0])};
    if (std::isfinite(origin[0]) && std::isfinite(origin[1]) && std::isfinite(origin[2]))
        header.origin = {toNm(origin[2]), toNm(origin[1]), toNm(origin[0])};
    if (!isIdentityDirection(io))
        header.details.push_back("the file's axis directions are not the identity and were "
                                 "ignored; voxels are in file order");

    // The header's promise against the file size, before anything is allocated.
    header.layout = findDataLayout(path, header.kind);
    const std::uint64_t voxels = static_cast<std::uint64_t>(header.shape.voxelCount());
    std::uint64_t bytes = 0;
    if (__builtin_mul_overflow(voxels, static_cast<std::uint64_t>(io.GetComponentSize()), &bytes))
        throw FormatError(path.display(), "the header claims more voxels than any file can hold");
    checkDataFitsInFile(path, header.layout, bytes, voxels,
                        toString(header.shape) + " voxels of " + storedType);
    return header;
}

VolumeInfo toVolumeInfo(const ItkHeader& header, const std::string& formatName) {
    VolumeInfo info;
    info.format = formatName;
    info.dataType = header.dataType;
    info.shape = header.shape;
    info.hasVoxelSize = header.hasVoxelSize;
    info.voxelSize = header.voxelSize;
    info.origin = header.origin;
    info.compression = header.layout.compression;
    info.details = header.details;
    return info;
}

} // namespace cisterna::itkio
