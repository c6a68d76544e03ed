// NRRD (.nrrd .nhdr), MetaImage (.mha .mhd) and NIfTI (.nii .nii.gz) through ITK's
// ImageIO classes. Spacing and origin are nanometres in NRRD and MetaImage and
// millimetres in NIfTI (see ItkUnits.h).
#include "core/io/BuiltinFormats.h"
#include "core/io/itk/ItkHeader.h"
#include "core/io/itk/ItkReadVoxels.h"
#include "core/io/itk/ItkWrite.h"

namespace cisterna {
namespace {

class ItkFormat final : public VolumeFormat {
public:
    std::string name() const override { return "itk"; }
    std::string description() const override {
        return "NRRD (.nrrd/.nhdr), MetaImage (.mha/.mhd) and NIfTI (.nii/.nii.gz) through ITK "
               "(uint8, uint16, float32; other scalar types read as float32)";
    }
    std::vector<std::string> extensions() const override {
        return {".nrrd", ".nhdr", ".mha", ".mhd", ".nii", ".nii.gz"};
    }

    VolumeInfo info(const VolumePath& path) const override {
        return itkio::toVolumeInfo(itkio::readItkHeader(path), name());
    }

    Volume read(const VolumePath& path, const ReadOptions& options) const override {
        itkio::ItkHeader header = itkio::readItkHeader(path);
        const Box3 region = resolveRegion(path, header.shape, options);
        return itkio::readItkVoxels(path, header, region);
    }

    void write(const VolumePath& path, const Volume& volume,
               const WriteOptions& options) const override {
        itkio::writeItk(path, volume, options);
    }
};

} // namespace

std::shared_ptr<VolumeFormat> makeItkFormat() {
    return std::make_shared<ItkFormat>();
}

} // namespace cisterna
