#include "core/volume/Volume.h"

#include "core/volume/MemoryBudget.h"
#include "core/volume/ZeroPages.h"

#include <cstdlib>
#include <cstring>

namespace cisterna {

Volume Volume::allocate(DataType type, const Shape3& shape, VolumeRole role,
                        const std::string& what) {
    if (shape.z < 0 || shape.y < 0 || shape.x < 0)
        throw InvalidArgument("cannot allocate a " + what + " of negative shape " +
                              toString(shape));
    if (role == VolumeRole::Label && type == DataType::Float32)
        throw InvalidArgument("a label volume must be uint8 or uint16, not float32");
    const std::uint64_t bytes = checkedByteCount(shape, bytesPerVoxel(type), what);
    requireMemory(bytes, what + " of " + toString(shape) + " " + toString(type));
    // calloc: the kernel hands out zero pages lazily, so a large zero volume costs
    // nothing until written, and an impossible size returns null instead of throwing
    // std::bad_alloc from deep inside a container.
    void* memory = std::calloc(bytes ? bytes : 1, 1);
    if (!memory)
        throw MemoryBudgetError("Not enough memory for the " + what + ": it needs " +
                                humanBytesOf(bytes) + " and the allocation failed.");
    Volume v;
    v.buffer_.reset(static_cast<unsigned char*>(memory), [](unsigned char* p) { std::free(p); });
    v.base_ = v.buffer_.get();
    v.type_ = type;
    v.role_ = role;
    v.shape_ = shape;
    v.strides_ = {shape.y * shape.x, shape.x, 1};
    return v;
}

bool Volume::isContiguous() const {
    // An axis of extent 1 never steps, so its stride is irrelevant; every other axis must step
    // over exactly the voxels inside it.
    return (shape_.x <= 1 || strides_.x == 1) && (shape_.y <= 1 || strides_.y == shape_.x) &&
           (shape_.z <= 1 || strides_.z == shape_.y * shape_.x);
}

void Volume::setVoxelSize(const Vec3d& size) {
    if (!(size.z > 0 && size.y > 0 && size.x > 0))
        throw InvalidArgument("voxel size " + toString(size) + " must be positive on every axis");
    voxelSize_ = size;
    hasVoxelSize_ = true;
}

void Volume::clearVoxelSize() {
    voxelSize_ = {1, 1, 1};
    hasVoxelSize_ = false;
}

Volume Volume::crop(const Box3& box) const {
    if (!box.fitsIn(shape_))
        throw InvalidArgument("crop " + toString(box) + " does not fit in a volume of shape " +
                              toString(shape_));
    Volume v = *this;
    const std::int64_t offset =
        box.begin.z * strides_.z + box.begin.y * strides_.y + box.begin.x * strides_.x;
    v.base_ = base_ + offset * static_cast<std::int64_t>(bytesPerVoxel(type_));
    v.shape_ = box.size;
    v.origin_ = {origin_.z + box.begin.z * voxelSize_.z, origin_.y + box.begin.y * voxelSize_.y,
                 origin_.x + box.begin.x * voxelSize_.x};
    return v;
}

Volume Volume::clone() const {
    Volume copy = allocate(type_, shape_, role_, "copy of a volume");
    copy.voxelSize_ = voxelSize_;
    copy.hasVoxelSize_ = hasVoxelSize_;
    copy.origin_ = origin_;
    dispatchDataType(type_, [&](auto tag) {
        using T = decltype(tag);
        const auto src = view<T>();
        const auto dst = copy.view<T>();
        // The copy's pages are fresh zero pages: rows of zeros are left untouched, so a
        // copy of a sparse layer (copy-on-write while a job holds it) stays sparse.
        const std::size_t rowBytes = sizeof(T) * static_cast<std::size_t>(shape_.x);
        // Untouched pages of the source are zero and not read (ZeroPages.h).
        const UntouchedPages untouched =
            isContiguous() ? UntouchedPages(data(), std::size_t(byteCount())) : UntouchedPages();
        forEachRow(src, [&](std::int64_t z, std::int64_t y, const T* row) {
            if (src.strides().x == 1) {
                if (!allZeroBytes(row, rowBytes, untouched))
                    std::memcpy(dst.row(z, y), row, rowBytes);
            } else {
                for (std::int64_t x = 0; x < shape_.x; ++x)
                    dst(z, y, x) = row[x * src.strides().x];
            }
        });
    });
    return copy;
}

Volume Volume::contiguous() const {
    return isContiguous() ? *this : clone();
}

double Volume::valueAt(const Index3& i) const {
    if (!shape_.contains(i))
        throw InvalidArgument("voxel index outside the volume of shape " + toString(shape_));
    return dispatchDataType(
        type_, [&](auto tag) { return static_cast<double>(view<decltype(tag)>()(i)); });
}

} // namespace cisterna
