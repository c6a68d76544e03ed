#include "core/io/itk/ItkReadVoxels.h"

#include "core/io/itk/ItkNiftiGuard.h"
#include "core/volume/MemoryBudget.h"

#include <cstring>
#include <memory>

namespace cisterna::itkio {
namespace {

using Component = itk::IOComponentEnum;

// Copies `box` (relative to the buffer's own shape) out of a contiguous x-fastest
// buffer of Source into `out`, converting each voxel to Target.
template <class Source, class Target>
void copyBox(const void* buffer, const Shape3& bufferShape, const Index3& begin, Volume& out) {
    const auto* source = static_cast<const Source*>(buffer);
    const auto view = out.view<Target>();
    const Shape3& size = view.shape();
    for (std::int64_t z = 0; z < size.z; ++z)
        for (std::int64_t y = 0; y < size.y; ++y) {
            const Source* from =
                source + ((begin.z + z) * bufferShape.y + (begin.y + y)) * bufferShape.x + begin.x;
            Target* to = view.row(z, y);
            for (std::int64_t x = 0; x < size.x; ++x)
                to[x] = static_cast<Target>(from[x]);
        }
}

template <class Target>
void copyConverting(Component component, const void* buffer, const Shape3& bufferShape,
                    const Index3& begin, Volume& out) {
    switch (component) {
    case Component::UCHAR:
        return copyBox<std::uint8_t, Target>(buffer, bufferShape, begin, out);
    case Component::CHAR:
        return copyBox<std::int8_t, Target>(buffer, bufferShape, begin, out);
    case Component::USHORT:
        return copyBox<std::uint16_t, Target>(buffer, bufferShape, begin, out);
    case Component::SHORT:
        return copyBox<std::int16_t, Target>(buffer, bufferShape, begin, out);
    case Component::UINT:
        return copyBox<std::uint32_t, Target>(buffer, bufferShape, begin, out);
    case Component::INT:
        return copyBox<std::int32_t, Target>(buffer, bufferShape, begin, out);
    case Component::ULONG:
        return copyBox<unsigned long, Target>(buffer, bufferShape, begin, out);
    case Component::LONG:
        return copyBox<long, Target>(buffer, bufferShape, begin, out);
    case Component::ULONGLONG:
        return copyBox<unsigned long long, Target>(buffer, bufferShape, begin, out);
    case Component::LONGLONG:
        return copyBox<long long, Target>(buffer, bufferShape, begin, out);
    case Component::DOUBLE:
        return copyBox<double, Target>(buffer, bufferShape, begin, out);
    case Component::FLOAT:
    default:
        return copyBox<float, Target>(buffer, bufferShape, begin, out);
    }
}

itk::ImageIORegion ioRegionOf(const itk::ImageIOBase& io, const Box3& box) {
    const unsigned dims = io.GetNumberOfDimensions();
    itk::ImageIORegion region(dims);
    const std::int64_t begin[3] = {box.begin.x, box.begin.y, box.begin.z};
    const std::int64_t size[3] = {box.size.x, box.size.y, box.size.z};
    for (unsigned axis = 0; axis < dims; ++axis) {
        region.SetIndex(axis, axis < 3 ? begin[axis] : 0);
        region.SetSize(axis, axis < 3 ? static_cast<std::size_t>(size[axis]) : 1);
    }
    return region;
}

} // namespace

Volume readItkVoxels(const VolumePath& path, ItkHeader& header, const Box3& region) {
    itk::ImageIOBase& io = *header.io;
    const Box3 whole{{0, 0, 0}, header.shape};
    // Only an ImageIO that says it can stream honours a partial IORegion; the others
    // write the whole image into whatever buffer they are given.
    const bool streamRegion = !(region == whole) && io.CanStreamRead();
    const Box3 fileBox = streamRegion ? region : whole;
    io.SetIORegion(ioRegionOf(io, fileBox));

    Volume volume = Volume::allocate(header.dataType, region.size, VolumeRole::Image,
                                     std::string(flavorName(header.kind.flavor)) + " image");
    if (header.kind.flavor == ItkFlavor::Nifti)
        // The NIfTI library reads the whole image into memory of its own, then ITK
        // copies it into ours.
        requireMemory(static_cast<std::uint64_t>(header.shape.voxelCount()) * io.GetComponentSize(),
                      "NIfTI library's copy of the image");
    if (header.kind.flavor == ItkFlavor::Nifti && !region.size.isEmpty())
        rejectShortNiftiData(path); // the NIfTI library zero-fills what is missing
    else if (!region.size.isEmpty())
        // ITK's MetaImage reader leaves what a short zlib stream lacks unwritten; its
        // NRRD reader refuses one, but without saying the file is truncated.
        rejectShortDeflateData(path, header.layout,
                               static_cast<std::uint64_t>(header.shape.voxelCount()) *
                                   io.GetComponentSize());
    const bool direct = !header.converted && fileBox == region;
    if (region.size.isEmpty()) {
        // Nothing to read: ITK has no notion of an empty region.
    } else if (direct) {
        guardItk(path.display(), [&] { io.Read(volume.data()); });
    } else {
        const std::uint64_t bytes =
            static_cast<std::uint64_t>(fileBox.size.voxelCount()) * io.GetComponentSize();
        requireMemory(bytes, "whole " + std::string(flavorName(header.kind.flavor)) +
                                 " image read before cropping or converting");
        std::unique_ptr<unsigned char[]> buffer(new unsigned char[bytes]);
        guardItk(path.display(), [&] { io.Read(buffer.get()); });
        const Index3 begin{region.begin.z - fileBox.begin.z, region.begin.y - fileBox.begin.y,
                           region.begin.x - fileBox.begin.x};
        dispatchDataType(header.dataType, [&](auto tag) {
            copyConverting<decltype(tag)>(io.GetComponentType(), buffer.get(), fileBox.size, begin,
                                          volume);
        });
    }
    const Vec3d size = header.voxelSize;
    volume.setOrigin({header.origin.z + region.begin.z * size.z,
                      header.origin.y + region.begin.y * size.y,
                      header.origin.x + region.begin.x * size.x});
    if (header.hasVoxelSize)
        volume.setVoxelSize(header.voxelSize);
    return volume;
}

} // namespace cisterna::itkio
