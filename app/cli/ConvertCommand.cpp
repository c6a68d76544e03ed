#include "Command.h"

#include "core/io/VolumeIO.h"
#include "core/util/Error.h"
#include "core/volume/VolumeOps.h"

#include <iostream>

namespace cisterna::cli {
namespace {

class ConvertCommand final : public Command {
public:
    void setup(CLI::App& app) override {
        subcommand = app.add_subcommand("convert",
                                        "Convert a volume from any supported format to any other");
        subcommand->add_option("input", input_, "Volume to read")->required();
        subcommand
            ->add_option("output", output_,
                         "Volume to write; the format follows the extension (a folder ending "
                         "in / or a pattern like out/z_%04d.png writes 2D slices)")
            ->required();
        subcommand->add_option("--crop", crop_,
                               "Only this box: z0:z1,y0:y1,x0:x1 (empty bounds = whole axis)");
        subcommand->add_option("--dtype", dtype_,
                               "Convert voxels to uint8, uint16 or float32 (clamped)");
        subcommand->add_option("--voxel-size", voxelSize_,
                               "Set the voxel size in nm: z,y,x or one value");
        subcommand->add_option("--compression", compression_,
                               "raw, zlib, gzip, blosc, lzw (as the output format allows)");
        subcommand->add_option("--level", level_, "Compression level");
        subcommand->add_option("--chunks", chunks_, "Chunk shape z,y,x for chunked formats");
        subcommand->add_option("--slice-ext", sliceExt_, "Slice folders: .tif or .png")
            ->check(CLI::IsMember({".tif", ".png"}));
    }

    void run() override {
        ReadOptions readOptions;
        if (!crop_.empty())
            readOptions.region = parseBox(crop_, readVolumeInfo(input_).shape);
        Volume volume = readVolume(input_, readOptions);
        if (!dtype_.empty()) {
            const auto type = parseDataType(dtype_);
            if (!type)
                throw InvalidArgument("unknown data type '" + dtype_ +
                                      "' (use uint8, uint16 or float32)");
            if (*type != volume.dataType())
                volume = convertDataType(volume, *type);
        }
        if (!voxelSize_.empty())
            volume.setVoxelSize(parseVec3d(voxelSize_));
        WriteOptions options;
        options.compression = compression_;
        options.compressionLevel = level_;
        options.sliceExtension = sliceExt_;
        if (!chunks_.empty()) {
            const Vec3d c = parseVec3d(chunks_);
            options.chunkShape = Shape3{std::int64_t(c.z), std::int64_t(c.y), std::int64_t(c.x)};
            if (options.chunkShape->isEmpty())
                throw InvalidArgument("chunk shape '" + chunks_ + "' must be positive");
        }
        writeVolume(output_, volume, options);
        std::cout << "wrote " << output_ << ": " << toString(volume.shape()) << " "
                  << toString(volume.dataType()) << "\n";
    }

private:
    std::string input_, output_, crop_, dtype_, voxelSize_, compression_ = "default", chunks_;
    std::string sliceExt_ = ".tif";
    int level_ = -1;
};

} // namespace

std::unique_ptr<Command> makeConvertCommand() {
    return std::make_unique<ConvertCommand>();
}

} // namespace cisterna::cli
