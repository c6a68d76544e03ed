#pragma once
// What every block writer shares: checking each block against the declared volume
// before anything is written, refusing to commit after a failed write, and the
// factories of the per-format writers that the formats' createBlockWriter return.
#include "core/io/BlockWriter.h"

#include <memory>
#include <string>

namespace cisterna {

class BlockWriterBase : public BlockWriter {
public:
    // Throws InvalidArgument for a spec that describes no volume.
    BlockWriterBase(std::string path, const BlockWriterSpec& spec);

    // InvalidArgument, with nothing written, for a block of the wrong type or shape
    // or outside the declared volume.
    void writeBlock(const Box3& box, const Volume& block) final;
    // Once only, and not after a write failed part way (the output would lack it).
    void commit() final;

protected:
    virtual void store(const Box3& box, const Volume& block) = 0; // box checked, not empty
    virtual void finish() = 0;

    const std::string& path() const { return path_; }
    const BlockWriterSpec& spec() const { return spec_; }

    // Copies the part of `block` (lying at `box` of the volume) inside `region` into
    // `dest`, which holds exactly `region`.
    static void paste(const Volume& block, const Box3& box, Volume& dest, const Box3& region);

private:
    std::string path_;
    BlockWriterSpec spec_;
    bool failed_ = false;
    bool committed_ = false;
};

// The per-format writers (path already parsed and known to name that format).
std::unique_ptr<BlockWriter> createZarrBlockWriter(const VolumePath& path,
                                                   const BlockWriterSpec& spec,
                                                   const WriteOptions& options);
std::unique_ptr<BlockWriter> createN5BlockWriter(const VolumePath& path,
                                                 const BlockWriterSpec& spec,
                                                 const WriteOptions& options);
std::unique_ptr<BlockWriter> createHdf5BlockWriter(const VolumePath& path,
                                                   const BlockWriterSpec& spec,
                                                   const WriteOptions& options);
// Any format that can write the path: the whole volume is held in memory (within
// the memory budget) and written by writeVolume on commit.
std::unique_ptr<BlockWriter> createMemoryBlockWriter(const std::string& path,
                                                     const BlockWriterSpec& spec,
                                                     const WriteOptions& options);

} // namespace cisterna
