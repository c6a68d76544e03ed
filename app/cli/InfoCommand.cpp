#include "Command.h"

#include "core/io/VolumeIO.h"
#include "core/util/Text.h"
#include "core/volume/MemoryBudget.h"
#include "core/volume/VolumeOps.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

namespace cisterna::cli {
namespace {

class InfoCommand final : public Command {
public:
    void setup(CLI::App& app) override {
        subcommand = app.add_subcommand(
            "info", "Show shape, data type, voxel size and value range of a volume file");
        subcommand
            ->add_option("path", path_, "Volume file or folder (file.h5:/dataset for containers)")
            ->required();
        subcommand->add_flag("--no-range", noRange_, "Skip reading the voxels for the value range");
        subcommand->add_flag("--json", json_, "Print JSON instead of text");
    }

    void run() override {
        const VolumeInfo info = readVolumeInfo(path_);
        std::optional<ValueRange> range;
        if (!noRange_)
            range = rangeBySlabs(info);
        if (json_)
            printJson(info, range);
        else
            printText(info, range);
    }

private:
    // Reads slab by slab so that the range of a file larger than memory can still
    // be computed (chunked formats read only the slab's chunks).
    ValueRange rangeBySlabs(const VolumeInfo& info) const {
        const std::int64_t sliceBytes = std::max<std::int64_t>(
            1, info.shape.y * info.shape.x * std::int64_t(bytesPerVoxel(info.dataType)));
        const std::int64_t budget =
            std::int64_t(std::min<std::uint64_t>(availableMemoryBytes() / 4, 1ull << 30));
        std::int64_t slab = std::max<std::int64_t>(1, budget / sliceBytes);
        if (info.chunkShape)
            slab = std::max<std::int64_t>(info.chunkShape->z,
                                          slab / info.chunkShape->z * info.chunkShape->z);
        ValueRange range;
        bool first = true;
        for (std::int64_t z = 0; z < info.shape.z; z += slab) {
            ReadOptions options;
            options.region =
                Box3{{z, 0, 0}, {std::min(slab, info.shape.z - z), info.shape.y, info.shape.x}};
            extendRange(range, valueRange(readVolume(path_, options)), first);
            first = false;
        }
        return range;
    }

    void printText(const VolumeInfo& info, const std::optional<ValueRange>& range) const {
        std::cout << "file:        " << path_ << "\n"
                  << "format:      " << info.format << "\n"
                  << "shape:       " << toString(info.shape) << "\n"
                  << "data type:   " << toString(info.dataType) << "\n"
                  << "size:        "
                  << humanBytes(std::uint64_t(info.shape.voxelCount()) *
                                bytesPerVoxel(info.dataType))
                  << "\n"
                  << "voxel size:  "
                  << (info.hasVoxelSize ? toString(info.voxelSize) + " nm (z, y, x)"
                                        : std::string("not recorded"))
                  << "\n"
                  << "origin:      " << toString(info.origin) << " nm\n";
        if (info.chunkShape)
            std::cout << "chunks:      " << toString(*info.chunkShape) << "\n";
        if (!info.compression.empty())
            std::cout << "compression: " << info.compression << "\n";
        if (range)
            std::cout << "value range: " << range->min << " .. " << range->max
                      << (range->hasNaN ? " (and NaN)" : "") << "\n";
        for (const auto& d : info.details)
            std::cout << "note:        " << d << "\n";
    }

    void printJson(const VolumeInfo& info, const std::optional<ValueRange>& range) const {
        nlohmann::json j;
        j["path"] = path_;
        j["format"] = info.format;
        j["shape"] = {info.shape.z, info.shape.y, info.shape.x};
        j["dtype"] = toString(info.dataType);
        j["voxel_size_nm"] =
            info.hasVoxelSize ? nlohmann::json{info.voxelSize.z, info.voxelSize.y, info.voxelSize.x}
                              : nlohmann::json(nullptr);
        j["origin_nm"] = {info.origin.z, info.origin.y, info.origin.x};
        if (info.chunkShape)
            j["chunks"] = {info.chunkShape->z, info.chunkShape->y, info.chunkShape->x};
        j["compression"] = info.compression;
        if (range)
            j["value_range"] = {range->min, range->max};
        j["details"] = info.details;
        std::cout << j.dump(2) << "\n";
    }

    std::string path_;
    bool noRange_ = false;
    bool json_ = false;
};

} // namespace

std::unique_ptr<Command> makeInfoCommand() {
    return std::make_unique<InfoCommand>();
}

} // namespace cisterna::cli
