#pragma once
// Reading and writing one dataset of an HDF5 file as a Cisterna volume.
#include "core/io/VolumeFormat.h"
#include "core/io/hdf5/Hdf5Handle.h"
#include "core/util/AtomicWrite.h"

#include <cstddef>

namespace cisterna::hdf5 {

// The dataset written when a path names no dataset ("out.h5").
inline const char* const kDefaultDatasetName = "data";

VolumeInfo readInfo(const VolumePath& path);
Volume readVolume(const VolumePath& path, const ReadOptions& options);
// Into a new file, or into a copy of an existing file (its other datasets kept)
// that then replaces it.
void writeVolume(const VolumePath& path, const Volume& volume, const WriteOptions& options);

// One new dataset being written as writeVolume does (into a temporary copy of the
// file), whole or box by box; the file at the path changes only on commit(), and a
// writer destroyed before that removes its temporary. `chunkCacheBytes` (0: HDF5's
// default) lets box writes that cut through chunks find them still decoded.
class DatasetWriter {
public:
    DatasetWriter(const VolumePath& path, DataType type, const Shape3& shape,
                  const WriteOptions& options, std::size_t chunkCacheBytes = 0);
    DatasetWriter(const DatasetWriter&) = delete;
    DatasetWriter& operator=(const DatasetWriter&) = delete;

    void writeAll(const Volume& volume);                 // shape as declared
    void writeBox(const Box3& box, const Volume& block); // box checked by the caller
    void writeGeometry(bool hasVoxelSize, const Vec3d& voxelSize, const Vec3d& origin);
    void commit();

private:
    std::string where_;
    DataType type_;
    WriteOptions options_;
    Handle dcpl_;
    AtomicFile atomic_; // before the handles: they close before the temporary goes
    Handle file_;
    Handle dataset_;
};

} // namespace cisterna::hdf5
