// PLACEHOLDER: replaced by the real implementation.
#include "core/io/BuiltinFormats.h"
#include "core/util/Error.h"

namespace cisterna {
namespace {
class SliceFolderFormat final : public VolumeFormat {
public:
    std::string name() const override { return "SliceFolderFormat"; }
    std::string description() const override { return "not yet implemented"; }
    std::vector<std::string> extensions() const override { return {".SliceFolderFormat-none"}; }
    VolumeInfo info(const VolumePath& p) const override { throw FormatError(p.display(), "not implemented"); }
    Volume read(const VolumePath& p, const ReadOptions&) const override { throw FormatError(p.display(), "not implemented"); }
    void write(const VolumePath& p, const Volume&, const WriteOptions&) const override { throw FormatError(p.display(), "not implemented"); }
};
} // namespace
std::shared_ptr<VolumeFormat> makeSliceFolderFormat() { return std::make_shared<SliceFolderFormat>(); }
} // namespace cisterna
