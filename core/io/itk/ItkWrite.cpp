#include "core/io/itk/ItkWrite.h"

#include "core/io/itk/ItkImageIO.h"
#include "core/io/itk/ItkUnits.h"
#include "core/util/AtomicWrite.h"

#include <cstdlib>
#include <limits>
#include <memory>
#include <vector>

namespace fs = std::filesystem;

namespace cisterna::itkio {
namespace {

// ITK writes into a private folder next to the target under the target's own file
// name: the name decides how ITK writes (.nii.gz compresses, .mhd/.nhdr put the
// voxels in a second file and name it in the header). Each finished file then
// moves into place through AtomicFile, the header last, so a failed write leaves
// the user's files as they were.
class ScratchFolder {
public:
    explicit ScratchFolder(const VolumePath& path) {
        const fs::path parent =
            path.file.parent_path().empty() ? fs::path(".") : path.file.parent_path();
        std::string pattern =
            (parent / ("." + path.file.filename().string() + ".itk-XXXXXX")).string();
        if (!::mkdtemp(pattern.data()))
            throw FormatError(path.display(), "cannot create a temporary folder in " +
                                                  parent.string() +
                                                  " (missing folder or no permission?)");
        path_ = pattern;
    }
    ~ScratchFolder() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

struct CompressionChoice {
    bool compress = false;
    int level = -1;
};

CompressionChoice chooseCompression(const VolumePath& path, const ItkFileKind& kind,
                                    const WriteOptions& options) {
    const std::string& name = options.compression;
    CompressionChoice choice;
    if (name == "default" || name.empty())
        choice.compress = kind.gzipByName;
    else if (name == "raw")
        choice.compress = false;
    else if (name == "gzip" || name == "zlib")
        choice.compress = true;
    else
        throw FormatError(path.display(), "NRRD, MetaImage and NIfTI files are written raw or "
                                          "gzip-compressed, not '" +
                                              name + "'");
    if (kind.flavor == ItkFlavor::Nifti && choice.compress != kind.gzipByName)
        throw FormatError(path.display(), choice.compress
                                              ? "a .nii file is never compressed; write .nii.gz"
                                              : "a .nii.gz file is always compressed; write .nii");
    if (options.compressionLevel != -1) {
        if (options.compressionLevel < 1 || options.compressionLevel > 9)
            throw FormatError(path.display(), "gzip compression level " +
                                                  std::to_string(options.compressionLevel) +
                                                  " is outside 1-9");
        choice.level = options.compressionLevel;
    }
    return choice;
}

itk::IOComponentEnum componentOf(DataType type) {
    switch (type) {
    case DataType::UInt8:
        return itk::IOComponentEnum::UCHAR;
    case DataType::UInt16:
        return itk::IOComponentEnum::USHORT;
    case DataType::Float32:
    default:
        return itk::IOComponentEnum::FLOAT;
    }
}

void describeImage(itk::ImageIOBase& io, const ItkFileKind& kind, const Volume& volume) {
    const Shape3& shape = volume.shape();
    const bool nifti = kind.flavor == ItkFlavor::Nifti;
    auto fileUnits = [&](double nm) { return nifti ? nanometresToNiftiMillimetres(nm) : nm; };
    // No voxel size: spacing 1 in the file's unit, ITK's own default, which our
    // reader takes as "uncalibrated".
    const Vec3d spacing = volume.hasVoxelSize() ? Vec3d{fileUnits(volume.voxelSize().z),
                                                        fileUnits(volume.voxelSize().y),
                                                        fileUnits(volume.voxelSize().x)}
                                                : Vec3d{1, 1, 1};
    const Vec3d& origin = volume.origin();
    io.SetNumberOfDimensions(3);
    const std::int64_t extent[3] = {shape.x, shape.y, shape.z};
    const double spacingXyz[3] = {spacing.x, spacing.y, spacing.z};
    const double originXyz[3] = {fileUnits(origin.x), fileUnits(origin.y), fileUnits(origin.z)};
    itk::ImageIORegion region(3);
    for (unsigned axis = 0; axis < 3; ++axis) {
        io.SetDimensions(axis, static_cast<unsigned>(extent[axis]));
        io.SetSpacing(axis, spacingXyz[axis]);
        io.SetOrigin(axis, originXyz[axis]);
        region.SetIndex(axis, 0);
        region.SetSize(axis, static_cast<std::size_t>(extent[axis]));
    }
    io.SetPixelType(itk::IOPixelEnum::SCALAR);
    io.SetComponentType(componentOf(volume.dataType()));
    io.SetNumberOfComponents(1);
    io.SetIORegion(region);
}

} // namespace

void writeItk(const VolumePath& path, const Volume& volume, const WriteOptions& options) {
    const ItkFileKind kind = classifyItkPath(path);
    const CompressionChoice compression = chooseCompression(path, kind, options);
    const Shape3& shape = volume.shape();
    for (std::int64_t extent : {shape.z, shape.y, shape.x})
        if (extent <= 0 || extent > std::numeric_limits<unsigned>::max())
            throw FormatError(path.display(),
                              "cannot store an image of shape " + toString(shape) + " through ITK");
    if (path.file.filename().empty())
        throw FormatError(path.display(), "names a folder, not a file");

    // ITK wants one contiguous buffer; a cropped view is copied first.
    const Volume voxels = volume.contiguous();
    ScratchFolder scratch(path);
    const fs::path scratchHeader = scratch.path() / path.file.filename();

    itk::ImageIOBase::Pointer io = makeImageIO(kind.flavor);
    describeImage(*io, kind, voxels);
    io->SetUseCompression(compression.compress);
    if (compression.level > 0)
        io->SetCompressionLevel(compression.level);
    io->SetFileName(scratchHeader.string());
    guardItk(path.display(), [&] {
        io->WriteImageInformation();
        io->Write(voxels.data());
    });

    // The data file(s) of a detached header first, then the header itself.
    std::vector<std::unique_ptr<AtomicFile>> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(scratch.path(), ec)) {
        if (entry.path().filename() == path.file.filename())
            continue;
        files.push_back(
            std::make_unique<AtomicFile>(path.file.parent_path() / entry.path().filename()));
        fs::rename(entry.path(), files.back()->tempPath(), ec);
        if (ec)
            throw FormatError(path.display(), "could not move the written data file into "
                                              "place: " +
                                                  ec.message());
    }
    if (!fs::exists(scratchHeader))
        throw FormatError(path.display(), "ITK did not write the file");
    files.push_back(std::make_unique<AtomicFile>(path.file));
    fs::rename(scratchHeader, files.back()->tempPath(), ec);
    if (ec)
        throw FormatError(path.display(),
                          "could not move the written file into place: " + ec.message());
    for (auto& file : files)
        file->commit();
}

} // namespace cisterna::itkio
