// HDF5 files (.h5 .hdf5 .hdf .he5): any 2D or 3D dataset inside the file, read
// through the HDF5 C library.
#include "core/io/BlockWriterSupport.h"
#include "core/io/BuiltinFormats.h"
#include "core/io/hdf5/Hdf5Volume.h"

namespace cisterna {
namespace {

class Hdf5Format final : public VolumeFormat {
public:
    std::string name() const override { return "hdf5"; }
    std::string description() const override {
        return "HDF5 file; a dataset inside it as file.h5:/group/dataset (uint8, uint16, "
               "float32; int8, int16, float64 read as float32)";
    }
    std::vector<std::string> extensions() const override {
        return {".h5", ".hdf5", ".hdf", ".he5"};
    }
    VolumeInfo info(const VolumePath& path) const override { return hdf5::readInfo(path); }
    Volume read(const VolumePath& path, const ReadOptions& options) const override {
        return hdf5::readVolume(path, options);
    }
    bool writesFloat16() const override { return true; }
    void write(const VolumePath& path, const Volume& volume,
               const WriteOptions& options) const override {
        hdf5::writeVolume(path, volume, options);
    }

    // The dataset is written as the blocks arrive, in bounded memory.
    std::unique_ptr<BlockWriter> createBlockWriter(const VolumePath& path,
                                                   const BlockWriterSpec& spec,
                                                   const WriteOptions& options) const override {
        return createHdf5BlockWriter(path, spec, options);
    }
};

} // namespace

std::shared_ptr<VolumeFormat> makeHdf5Format() {
    return std::make_shared<Hdf5Format>();
}

} // namespace cisterna
