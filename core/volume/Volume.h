#pragma once
// The 3D volume type of Cisterna: grey images (uint8, uint16, float32) and label
// volumes (uint8, uint16). Shape (z, y, x), row-major with x fastest, 64-bit
// indexing throughout. A Volume is a cheap handle: copies and crops share the voxel
// buffer (like a NumPy view); clone() makes an independent copy.
#include "core/volume/DataType.h"
#include "core/volume/Geometry.h"

#include <cstdint>
#include <memory>
#include <string>

namespace cisterna {

enum class VolumeRole : std::uint8_t { Image, Label };

// Element strides (not bytes) of each axis.
struct Strides3 {
    std::int64_t z = 0, y = 0, x = 1;
};

template <class T> class VolumeView;

class Volume {
public:
    Volume() = default;

    // Zero-filled, contiguous. Checks the memory budget first and throws
    // MemoryBudgetError (one sentence: needed vs. available) if it cannot fit.
    static Volume allocate(DataType type, const Shape3& shape, VolumeRole role = VolumeRole::Image,
                           const std::string& what = "volume");

    bool isNull() const { return !buffer_; }
    // Whether another handle (a copy or a crop) shares this one's voxels.
    bool sharesVoxels() const { return buffer_ && buffer_.use_count() > 1; }
    DataType dataType() const { return type_; }
    VolumeRole role() const { return role_; }
    void setRole(VolumeRole role) { role_ = role; }
    const Shape3& shape() const { return shape_; }
    const Strides3& strides() const { return strides_; }
    std::int64_t voxelCount() const { return shape_.voxelCount(); }
    std::uint64_t byteCount() const {
        return static_cast<std::uint64_t>(voxelCount()) * bytesPerVoxel(type_);
    }
    bool isContiguous() const;

    // Physical metadata in nanometres. hasVoxelSize() is false when the file had none
    // (then voxelSize() is (1, 1, 1) so that geometry still works).
    const Vec3d& voxelSize() const { return voxelSize_; }
    bool hasVoxelSize() const { return hasVoxelSize_; }
    void setVoxelSize(const Vec3d& size);
    void clearVoxelSize();
    const Vec3d& origin() const { return origin_; }
    void setOrigin(const Vec3d& origin) { origin_ = origin; }

    // A view of a sub-box sharing this volume's voxels; origin moves accordingly.
    Volume crop(const Box3& box) const;
    // An independent contiguous copy with the same metadata.
    Volume clone() const;
    // This volume if already contiguous, else a contiguous copy.
    Volume contiguous() const;

    // Pointer to voxel (0, 0, 0); valid while any handle to the buffer lives.
    void* data() { return base_; }
    const void* data() const { return base_; }

    template <class T> VolumeView<T> view();
    template <class T> VolumeView<const T> view() const;

    // Value of one voxel as double, whatever the type (slow path for tools and tests).
    double valueAt(const Index3& i) const;

private:
    std::shared_ptr<unsigned char> buffer_;
    unsigned char* base_ = nullptr;
    DataType type_ = DataType::UInt8;
    VolumeRole role_ = VolumeRole::Image;
    Shape3 shape_;
    Strides3 strides_;
    Vec3d voxelSize_{1, 1, 1};
    bool hasVoxelSize_ = false;
    Vec3d origin_{0, 0, 0};
};

// Typed access to a Volume's voxels. Does not own them.
template <class T> class VolumeView {
public:
    VolumeView(T* base, const Shape3& shape, const Strides3& strides)
        : base_(base), shape_(shape), strides_(strides) {}

    const Shape3& shape() const { return shape_; }
    const Strides3& strides() const { return strides_; }
    T* data() const { return base_; }
    T& operator()(std::int64_t z, std::int64_t y, std::int64_t x) const {
        return base_[z * strides_.z + y * strides_.y + x * strides_.x];
    }
    T& operator()(const Index3& i) const { return (*this)(i.z, i.y, i.x); }
    // Start of one x-row; rows are contiguous whenever strides().x == 1.
    T* row(std::int64_t z, std::int64_t y) const { return base_ + z * strides_.z + y * strides_.y; }

private:
    T* base_;
    Shape3 shape_;
    Strides3 strides_;
};

// Calls f(z, y, rowPointer) for every x-row, so algorithms iterate views and
// contiguous volumes with the same code.
template <class T, class F> void forEachRow(const VolumeView<T>& v, F&& f) {
    for (std::int64_t z = 0; z < v.shape().z; ++z)
        for (std::int64_t y = 0; y < v.shape().y; ++y)
            f(z, y, v.row(z, y));
}

} // namespace cisterna

#include "core/volume/Volume.inl"
