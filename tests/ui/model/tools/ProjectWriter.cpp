// A child process for the kill -9 tests: saves a project over and over, each save a
// new generation (GenerationLayers.h), and prints "saved N" after each. FILE may be
// "autosave:FOLDER": then it autosaves as the app does, into its session's file of an
// AutosaveStore in FOLDER (locked while it lives, as a running app's). With COUNT it
// exits after that many saves.
// Usage: project-writer FILE EDGE FIRST-GENERATION [COUNT]
#include "GenerationLayers.h"

#include "ui/model/Autosave.h"
#include "ui/model/ProjectFile.h"

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

using namespace cisterna;
using namespace cisterna::ui;
using cisterna::test::generationLayer;

int main(int argc, char** argv) {
    if (argc != 4 && argc != 5) {
        std::cerr << "usage: project-writer FILE EDGE FIRST-GENERATION [COUNT]\n";
        return 2;
    }
    QString path = QString::fromLocal8Bit(argv[1]);
    std::unique_ptr<AutosaveStore> autosaves;
    if (path.startsWith("autosave:")) {
        autosaves = std::make_unique<AutosaveStore>(path.mid(9));
        path = autosaves->sessionPath();
    }
    const std::int64_t edge = std::atoll(argv[2]);
    const std::uint64_t first = std::strtoull(argv[3], nullptr, 10);
    const std::uint64_t count = argc == 5 ? std::strtoull(argv[4], nullptr, 10) : UINT64_MAX;
    for (std::uint64_t g = first; g - first < count; ++g) {
        ProjectData data;
        data.image.name = "kill test";
        data.image.path = "/nonexistent/kill-test.h5";
        data.image.shape = {edge / 2, edge, edge};
        for (int o = 0; o < 2; ++o) {
            ProjectOrganelle organelle;
            organelle.name = QString("generation %1").arg(g);
            organelle.layers[std::size_t(Layer::Strokes)] = generationLayer(g, 2 * o, edge);
            organelle.layers[std::size_t(Layer::Truth)] = generationLayer(g, 2 * o + 1, edge);
            data.organelles.push_back(organelle);
        }
        writeProject(path, data);
        std::cout << "saved " << g << std::endl;
    }
    return 0;
}
