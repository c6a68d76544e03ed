#include "Command.h"

#include "core/io/VolumeIO.h"
#include "core/phantom/Phantom.h"
#include "core/util/Error.h"

#include <iostream>

namespace cisterna::cli {
namespace {

// "phantom.h5:/raw" -> "phantom_labels.h5" style sibling names for the truth.
std::string siblingPath(const std::string& imagePath, const std::string& suffix) {
    const VolumePath p = parseVolumePath(imagePath);
    std::filesystem::path file = p.file;
    if (file.filename().empty())
        file = file.parent_path();
    const std::string ext = p.extension();
    std::string name = file.filename().string();
    name = name.substr(0, name.size() - ext.size()) + suffix + ext;
    return (file.parent_path() / name).string();
}

class PhantomCommand final : public Command {
public:
    void setup(CLI::App& app) override {
        subcommand = app.add_subcommand(
            "phantom", "Write the synthetic EM phantom and its exact ground truth");
        subcommand->add_option("--out", out_, "Image to write (any writable format)")->required();
        subcommand->add_option("--labels", labels_,
                               "Multi-label ground truth to write (default: <out>_labels.<ext>); "
                               "1 mito, 2 golgi, 3 er, 4 nucleus, 5 pore");
        subcommand->add_option("--masks", masks_,
                               "Also write one binary mask per organelle; {organelle} in the path "
                               "is replaced by its name, e.g. truth_{organelle}.tif");
        subcommand->add_option("--size", size_, "Shape in voxels: z,y,x or one value")
            ->capture_default_str();
        subcommand->add_option("--voxel-size", voxelSize_, "Voxel size in nm: z,y,x or one value")
            ->capture_default_str();
        subcommand->add_option("--seed", params_.seed, "Random seed")->capture_default_str();
        subcommand->add_option("--noise", params_.noiseSigma, "Noise sigma in grey levels")
            ->capture_default_str();
        subcommand->add_option("--blur", params_.blurSigmaNm, "Blur sigma in nm")
            ->capture_default_str();
    }

    void run() override {
        const Vec3d size = parseVec3d(size_);
        params_.shape = {std::int64_t(size.z), std::int64_t(size.y), std::int64_t(size.x)};
        params_.voxelSize = parseVec3d(voxelSize_);
        const Phantom phantom = generatePhantom(params_);
        writeVolume(out_, phantom.image);
        const std::string labels = labels_.empty() ? siblingPath(out_, "_labels") : labels_;
        writeVolume(labels, phantom.labels);
        std::cout << "wrote " << out_ << " (image " << toString(phantom.image.shape()) << ", voxel "
                  << toString(params_.voxelSize) << " nm)\n"
                  << "wrote " << labels << " (ground truth labels)\n";
        if (!masks_.empty()) {
            const auto at = masks_.find("{organelle}");
            if (at == std::string::npos)
                throw InvalidArgument(
                    "--masks needs {organelle} in the path, e.g. truth_{organelle}.tif");
            for (PhantomOrganelle o : allOrganelles()) {
                std::string path = masks_;
                path.replace(at, 11, organelleName(o));
                writeVolume(path, organelleMask(phantom.labels, o));
                std::cout << "wrote " << path << "\n";
            }
        }
    }

private:
    PhantomParams params_;
    std::string out_, labels_, masks_;
    std::string size_ = "128";
    std::string voxelSize_ = "8";
};

} // namespace

std::unique_ptr<Command> makePhantomCommand() {
    return std::make_unique<PhantomCommand>();
}

} // namespace cisterna::cli
