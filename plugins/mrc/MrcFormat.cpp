#include "plugins/mrc/MrcFormat.h"

#include "plugins/mrc/MrcHeader.h"
#include "plugins/mrc/MrcRead.h"
#include "plugins/mrc/MrcWrite.h"

namespace cisterna::mrc {
namespace {

class MrcFormat final : public VolumeFormat {
public:
    std::string name() const override { return "mrc"; }
    std::string description() const override {
        return "MRC2014 / CCP4 maps and tomograms (modes 0, 1, 2, 6, 12; plugin)";
    }
    std::vector<std::string> extensions() const override {
        return {".mrc", ".map", ".rec", ".st", ".ali", ".mrcs"};
    }

    VolumeInfo info(const VolumePath& path) const override { return readLayout(path).info; }

    Volume read(const VolumePath& path, const ReadOptions& options) const override {
        const MrcLayout layout = readLayout(path);
        const Box3 region = resolveRegion(path, layout.info.shape, options);
        return readVoxels(path, layout, region);
    }

    void write(const VolumePath& path, const Volume& volume,
               const WriteOptions& options) const override {
        writeMrc(path, volume, options);
    }
};

} // namespace

std::shared_ptr<VolumeFormat> makeMrcFormat() {
    return std::make_shared<MrcFormat>();
}

} // namespace cisterna::mrc
