#pragma once
// Block writing for the chunked folder formats (Zarr, N5): blocks are cut into the
// array's chunks, and each chunk is encoded once it is complete.
#include "core/io/BlockWriterSupport.h"
#include "core/io/zarr/ChunkGrid.h"

#include <memory>

namespace cisterna::chunked {

// Where the chunks of one array being written go. Every chunk of the array is
// fill-valued (0) until stored.
class ChunkStore {
public:
    virtual ~ChunkStore() = default;
    virtual Shape3 chunkShape() const = 0;
    // A chunk stored before (`box` is its voxels, clipped to the array).
    virtual Volume load(const Index3& g, const Box3& box) = 0;
    virtual void store(const Index3& g, const Volume& voxels) = 0;
    // Called once, after the last store: makes the array appear at its path.
    virtual void publish() = 0;
};

std::unique_ptr<BlockWriter> makeChunkedBlockWriter(const std::string& path,
                                                    const BlockWriterSpec& spec,
                                                    std::unique_ptr<ChunkStore> store);

} // namespace cisterna::chunked
