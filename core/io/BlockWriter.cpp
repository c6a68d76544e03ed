// Block writers: the checks every one shares, and createBlockWriter, which asks the
// registry's format for the path (chunked formats write block by block, the others
// hold the volume in memory until commit).
#include "core/io/BlockWriter.h"

#include "core/io/BlockWriterSupport.h"
#include "core/io/VolumeIO.h"
#include "core/io/zarr/ChunkGrid.h"
#include "core/plugin/PluginRegistry.h"
#include "core/util/Error.h"

#include <cmath>

namespace cisterna {
namespace {

void checkSpec(const std::string& path, const BlockWriterSpec& spec) {
    if (spec.shape.isEmpty())
        throw InvalidArgument("cannot write " + path + " block by block: the shape " +
                              toString(spec.shape) + " holds no voxels");
    const Vec3d& s = spec.voxelSize;
    if (spec.hasVoxelSize && !(s.z > 0 && s.y > 0 && s.x > 0 && std::isfinite(s.z) &&
                               std::isfinite(s.y) && std::isfinite(s.x)))
        throw InvalidArgument("cannot write " + path + ": the voxel size " + toString(s) +
                              " nm must be positive");
}

} // namespace

BlockWriterBase::BlockWriterBase(std::string path, const BlockWriterSpec& spec)
    : path_(std::move(path)), spec_(spec) {
    checkSpec(path_, spec_);
}

void BlockWriterBase::writeBlock(const Box3& box, const Volume& block) {
    const std::string where = "a block for " + path_;
    if (committed_)
        throw InvalidArgument(where + " arrived after the output was committed");
    if (block.isNull())
        throw InvalidArgument(where + " holds no volume");
    if (block.dataType() != spec_.dataType)
        throw InvalidArgument(where + " is " + toString(block.dataType()) +
                              ", but the output was created as " + toString(spec_.dataType));
    if (block.shape() != box.size)
        throw InvalidArgument(where + " has the shape " + toString(block.shape()) +
                              " but is placed at " + toString(box));
    if (!box.fitsIn(spec_.shape))
        throw InvalidArgument(where + " at " + toString(box) + " lies outside the volume of " +
                              toString(spec_.shape));
    if (box.size.isEmpty())
        return;
    try {
        store(box, block);
    } catch (...) {
        failed_ = true; // part of the block may be written, part not
        throw;
    }
}

void BlockWriterBase::commit() {
    if (committed_)
        throw InvalidArgument(path_ + " was already committed");
    if (failed_)
        throw InvalidArgument("cannot commit " + path_ + ": writing a block to it failed");
    try {
        finish();
    } catch (...) {
        failed_ = true;
        throw;
    }
    committed_ = true;
}

void BlockWriterBase::paste(const Volume& block, const Box3& box, Volume& dest,
                            const Box3& region) {
    // A block is a chunk of the volume as far as the copy is concerned: its own
    // strides say where each voxel lies.
    chunked::ChunkLayout layout;
    layout.strides = block.strides();
    chunked::copyChunkToVolume(static_cast<const unsigned char*>(block.data()), layout, box, dest,
                               region);
}

std::unique_ptr<BlockWriter> createBlockWriter(const std::string& path, const BlockWriterSpec& spec,
                                               const WriteOptions& options) {
    checkSpec(path, spec);
    checkFloat16Storage(path, spec.dataType, options);
    BlockWriterSpec checked = spec;
    if (!checked.hasVoxelSize)
        checked.voxelSize = {1, 1, 1}; // what a volume without a voxel size reports
    const VolumePath p = parseVolumePath(path);
    // The format decides: chunked ones write block by block, the rest in memory.
    return PluginRegistry::instance().formatForWriting(p)->createBlockWriter(p, checked, options);
}

} // namespace cisterna
