// bench_project_save [edge=512] [scratch-folder]
// What a project save costs with a prediction layer of edge^3 voxels: written in full,
// then again after one stroke, when the unchanged prediction and truth are copied as
// they are stored (ProjectFile.h keepFrom); then a project holding only strokes, saved
// and read back. Figures only.
#include "ui/model/ProjectFile.h"

#include "core/util/PeakMemory.h"
#include "core/util/Stopwatch.h"
#include "core/volume/ZeroPages.h"

#include <cstdio>
#include <filesystem>
#include <string>

using namespace cisterna;
using namespace cisterna::ui;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
    if (argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
        std::printf("usage: bench_project_save [edge=512] [scratch-folder]\n");
        return 0;
    }
    const std::int64_t edge = argc > 1 ? std::stoll(argv[1]) : 512;
    const fs::path scratch =
        argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "cisterna-bench-save";
    fs::create_directories(scratch);
    const Shape3 shape{edge, edge, edge};

    ProjectData data;
    data.image.name = "bench";
    data.image.path = "/nonexistent/bench.h5";
    data.image.shape = shape;
    ProjectOrganelle organelle;
    organelle.name = "mito";
    // A prediction as a network gives it: smooth probabilities, near 0 in most places.
    Volume prediction = Volume::allocate(DataType::UInt8, shape, VolumeRole::Image, "prediction");
    Volume truth = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label, "truth");
    auto p = prediction.view<std::uint8_t>();
    auto t = truth.view<std::uint8_t>();
    for (std::int64_t z = 0; z < edge; ++z)
        for (std::int64_t y = 0; y < edge; ++y)
            for (std::int64_t x = 0; x < edge; ++x) {
                const std::int64_t dy = y % 64 - 32, dx = x % 64 - 32;
                const std::int64_t d2 = dy * dy + dx * dx;
                p(z, y, x) = std::uint8_t(d2 < 400 ? 255 - d2 / 2 : d2 < 600 ? 20 : 0);
                t(z, y, x) = d2 < 400;
            }
    Volume strokes = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label, "strokes");
    for (std::int64_t x = 10; x < edge - 10; ++x)
        strokes.view<std::uint8_t>()(edge / 2, edge / 2, x) = 1;
    organelle.layers[std::size_t(Layer::Prediction)] = prediction;
    organelle.layers[std::size_t(Layer::Truth)] = truth;
    organelle.layers[std::size_t(Layer::Strokes)] = strokes;
    data.organelles.push_back(organelle);
    const QString path = QString::fromStdString((scratch / "bench.cisterna").string());
    std::printf("project with strokes, truth and prediction layers of %s\n",
                toString(shape).c_str());

    Stopwatch watch;
    ProjectWriteStats stats = writeProject(path, data);
    std::printf("first save: %.2f s (%d layers written), %.1f MiB on disk\n", watch.seconds(),
                stats.layersWritten, double(fs::file_size(path.toStdString())) / (1 << 20));

    strokes.view<std::uint8_t>()(edge / 2, edge / 2 + 5, 20) = 2; // one stroke more
    data.organelles[0].keepFrom[std::size_t(Layer::Prediction)] = 0;
    data.organelles[0].keepFrom[std::size_t(Layer::Truth)] = 0;
    watch.restart();
    stats = writeProject(path, data);
    std::printf("save after one stroke: %.2f s (%d written, %d copied as stored)\n",
                watch.seconds(), stats.layersWritten, stats.layersCopied);

    data.organelles[0].keepFrom = {-1, -1, -1, -1};
    watch.restart();
    stats = writeProject(path, data);
    std::printf("the same save writing every layer: %.2f s\n", watch.seconds());

    // A project holding only strokes, as after painting: the file and the read back
    // cost what was painted, not the layer's size (empty chunks are not stored).
    ProjectData sparse = data;
    sparse.organelles[0].layers = {};
    sparse.organelles[0].layers[std::size_t(Layer::Strokes)] = strokes;
    sparse.organelles[0].keepFrom = {-1, -1, -1, -1};
    const QString sparsePath = QString::fromStdString((scratch / "strokes.cisterna").string());
    watch.restart();
    writeProject(sparsePath, sparse);
    std::printf("project with strokes only: saved in %.2f s, %.1f KiB on disk\n", watch.seconds(),
                double(fs::file_size(sparsePath.toStdString())) / 1024);
    watch.restart();
    const ProjectData back = readProject(sparsePath);
    std::printf("read back in %.2f s, layer resident %.2f MiB\n", watch.seconds(),
                double(residentBytes(back.organelles[0].layers[std::size_t(Layer::Strokes)])) /
                    (1 << 20));
    std::printf("peak resident memory: %.0f MiB\n", double(peakResidentBytes()) / (1 << 20));
    fs::remove_all(scratch);
    return 0;
}
