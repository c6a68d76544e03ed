#pragma once
// Writing a volume block by block, for results larger than memory (whole-volume
// prediction). The target is created with its final shape up front; blocks may
// arrive in any order; nothing is visible at the target path until commit().
#include "core/io/VolumeFormat.h"

#include <memory>
#include <string>

namespace cisterna {

class BlockWriter {
public:
    virtual ~BlockWriter() = default;
    // Writes `block` (shape = box.size) at box.begin. Thread-compatible, not
    // thread-safe: callers serialise writes.
    virtual void writeBlock(const Box3& box, const Volume& block) = 0;
    // Makes the finished volume appear at the target path (atomic rename).
    virtual void commit() = 0;
};

struct BlockWriterSpec {
    DataType dataType = DataType::UInt8;
    Shape3 shape;
    Vec3d voxelSize{1, 1, 1};
    bool hasVoxelSize = false;
    Vec3d origin{0, 0, 0};
};

// Chunked formats (Zarr, OME-Zarr, N5, HDF5) are written block by block in bounded
// memory. Other formats gather the volume in memory (MemoryBudgetError up front when
// it cannot fit) and write it on commit. FormatError when no format writes the path;
// a writer destroyed without commit() leaves the target as it was.
std::unique_ptr<BlockWriter> createBlockWriter(const std::string& path, const BlockWriterSpec& spec,
                                               const WriteOptions& options = {});

} // namespace cisterna
