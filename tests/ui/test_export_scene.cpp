// Exports (label volumes in core's formats, surfaces as STL/PLY/OBJ) and the 3D scene
// built from the organelles, without a window.
#include "TestPaths.h"
#include "UiTestSupport.h"

#include "ui/model/LabelExport.h"
#include "ui/render/Scene3D.h"
#include "ui/render/SceneUpdater.h"
#include "ui/render/SurfaceExport.h"
#include "ui/render/SurfaceExtractor.h"
#include "ui/widgets/MainWindow.h"

#include "core/io/VolumeIO.h"
#include "core/util/Error.h"

#include <vtkPolyData.h>

#include <QApplication>
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace cisterna;
using namespace cisterna::ui;
using namespace cisterna::test;

namespace {

// A ball of radius r voxels centred in the volume.
Volume ball(const Shape3& shape, double r, const Vec3d& voxelSize) {
    Volume v = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    v.setVoxelSize(voxelSize);
    auto a = v.view<std::uint8_t>();
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x) {
                const double dz = z - shape.z / 2.0 + 0.5, dy = y - shape.y / 2.0 + 0.5,
                             dx = x - shape.x / 2.0 + 0.5;
                a(z, y, x) = dz * dz + dy * dy + dx * dx <= r * r;
            }
    return v;
}

std::string head(const std::string& path, std::size_t n) {
    std::ifstream in(path, std::ios::binary);
    std::string s(n, '\0');
    in.read(s.data(), std::streamsize(n));
    s.resize(std::size_t(in.gcount()));
    return s;
}

} // namespace

TEST_CASE("surfaces are smooth, closed and in nm", "[ui][export]") {
    const Volume b = ball({24, 24, 24}, 8, {10, 4, 4});
    const SurfaceInput input = prepareSurfaceInput(b, 0.5);
    REQUIRE(input.factor == 1);
    auto surface = extractSurface(input);
    REQUIRE(surface);
    REQUIRE(surface->GetNumberOfCells() > 200);
    double bounds[6];
    surface->GetBounds(bounds); // x0 x1 y0 y1 z0 z1, nm
    // Centre at voxel 11.5 on each axis; radius about 8 voxels.
    REQUIRE((bounds[0] + bounds[1]) / 2 == Approx(11.5 * 4).margin(2));
    REQUIRE((bounds[4] + bounds[5]) / 2 == Approx(11.5 * 10).margin(5));
    REQUIRE(bounds[1] - bounds[0] == Approx(16 * 4).margin(8));
    REQUIRE(bounds[5] - bounds[4] == Approx(16 * 10).margin(20));
    // Large volumes are reduced to fit the budget, keeping their extent.
    const SurfaceInput reduced = prepareSurfaceInput(b, 0.5, 6 * 6 * 6);
    REQUIRE(reduced.factor == 4);
    auto coarse = extractSurface(reduced);
    double cb[6];
    coarse->GetBounds(cb);
    REQUIRE((cb[0] + cb[1]) / 2 == Approx(11.5 * 4).margin(8));
    // Nothing inside: no surface.
    REQUIRE(prepareSurfaceInput(Volume::allocate(DataType::UInt8, {4, 4, 4}), 0.5).isEmpty());
}

TEST_CASE("labels and surfaces are exported in every format", "[ui][export]") {
    ScratchDir dir("ui-export");
    MainWindow window(nullptr, QString::fromStdString(dir.file("autosave")));
    scriptPrompts(window);
    Volume image = rampVolume({24, 24, 24});
    image.setVoxelSize({10, 4, 4});
    window.document()->setImage(image, "ramp");
    window.document()->addOrganelle("mito");
    window.document()->addOrganelle("er");
    window.document()->setLayer(0, Layer::Truth, ball({24, 24, 24}, 6, {10, 4, 4}));
    Volume prediction = Volume::allocate(DataType::UInt8, {24, 24, 24});
    prediction.view<std::uint8_t>()(1, 1, 1) = 250; // above 0.5
    prediction.view<std::uint8_t>()(1, 1, 2) = 100; // below
    window.document()->setLayer(1, Layer::Prediction, prediction);

    SECTION("one organelle and all of them, read back with core") {
        window.exportLabels(QString::fromStdString(dir.file("mito.h5")), 0, ExportSource::Truth);
        const Volume mito = readVolume(dir.file("mito.h5"));
        REQUIRE(mito.voxelSize() == Vec3d{10, 4, 4});
        REQUIRE(mito.valueAt({12, 12, 12}) == 1);
        REQUIRE(mito.valueAt({0, 0, 0}) == 0);
        window.exportLabels(QString::fromStdString(dir.file("all.tif")), -1, ExportSource::Best);
        const Volume all = readVolume(dir.file("all.tif"));
        REQUIRE(all.valueAt({12, 12, 12}) == 1); // mito
        REQUIRE(all.valueAt({1, 1, 1}) == 2);    // er, thresholded prediction
        REQUIRE(all.valueAt({1, 1, 2}) == 0);
        REQUIRE_THROWS_WITH(window.exportLabels(QString::fromStdString(dir.file("x.h5")), 1,
                                                ExportSource::Segmentation),
                            Catch::Contains("nothing to export"));
    }
    SECTION("surfaces as STL, PLY and OBJ") {
        for (const char* name : {"mito.stl", "mito.ply", "mito.obj"})
            window.exportSurface(QString::fromStdString(dir.file(name)), 0, ExportSource::Truth);
        // Binary STL: 80-byte header, then the triangle count.
        const std::string stl = head(dir.file("mito.stl"), 84);
        REQUIRE(stl.size() == 84);
        std::uint32_t triangles = 0;
        std::memcpy(&triangles, stl.data() + 80, 4);
        REQUIRE(triangles > 100);
        REQUIRE(std::filesystem::file_size(dir.file("mito.stl")) ==
                84 + 50 * std::uint64_t(triangles));
        REQUIRE(head(dir.file("mito.ply"), 3) == "ply");
        std::ifstream obj(dir.file("mito.obj"));
        std::string line;
        int vertices = 0, faces = 0;
        while (std::getline(obj, line)) {
            vertices += line.rfind("v ", 0) == 0;
            faces += line.rfind("f ", 0) == 0;
        }
        REQUIRE(vertices > 50);
        REQUIRE(faces == int(triangles));
        REQUIRE_THROWS_WITH(
            window.exportSurface(QString::fromStdString(dir.file("m.xyz")), 0, ExportSource::Truth),
            Catch::Contains(".stl, .ply or .obj"));
    }
}

TEST_CASE("the 3D scene follows the organelles' labels and predictions", "[ui][scene]") {
    DocumentModel doc;
    Scene3D scene;
    SceneUpdater updater(&doc, &scene);
    doc.setImage(rampVolume({20, 20, 20}), "ramp");
    const int mito = doc.addOrganelle("mito");
    const int uid = doc.organelle(mito).uid;
    doc.setLayer(mito, Layer::Truth, ball({20, 20, 20}, 5, {1, 1, 1}));
    updater.flush();
    REQUIRE(waitFor([&] { return updater.pendingCount() == 0; }));
    REQUIRE(scene.hasSurface(SceneUpdater::truthKey(uid)));
    // A prediction above the threshold gets its own surface; raising the threshold
    // above every probability removes it.
    Volume p = Volume::allocate(DataType::UInt8, {20, 20, 20});
    const Volume b = ball({20, 20, 20}, 4, {1, 1, 1});
    for (std::int64_t i = 0; i < p.voxelCount(); ++i)
        static_cast<std::uint8_t*>(p.data())[i] =
            static_cast<const std::uint8_t*>(b.data())[i] * 200;
    doc.setLayer(mito, Layer::Prediction, p);
    updater.flush();
    REQUIRE(waitFor([&] { return updater.pendingCount() == 0; }));
    REQUIRE(scene.hasSurface(SceneUpdater::predictionKey(uid)));
    doc.setOrganelleThreshold(mito, 0.9);
    updater.flush();
    REQUIRE(waitFor([&] { return updater.pendingCount() == 0; }));
    REQUIRE_FALSE(scene.hasSurface(SceneUpdater::predictionKey(uid)));
    // Removing the organelle removes its surfaces.
    doc.removeOrganelle(mito);
    REQUIRE(scene.surfaceCount() == 0);
}
