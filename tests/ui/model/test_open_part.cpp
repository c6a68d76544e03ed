// A volume larger than memory: opening it says so with the numbers before any work and
// changes nothing, or opens the part the user chose, which a saved project opens again;
// layers read back from a project cost memory only where they hold something.
#include "ModelTestSupport.h"

#include "TestPaths.h"
#include "VolumeTestSupport.h"

#include "ui/model/LazySlicePlan.h"
#include "ui/model/ProjectFile.h"

#include "core/io/VolumeIO.h"
#include "core/io/lazy/PyramidWriter.h"
#include "core/volume/MemoryBudget.h"
#include "core/volume/VolumeOps.h"
#include "core/volume/ZeroPages.h"

#include <QFileInfo>
#include <QSignalSpy>
#include <catch2/catch.hpp>

using namespace cisterna;
using namespace cisterna::ui;
using cisterna::test::MemoryLimit;

TEST_CASE("a volume larger than memory opens in part, or not at all", "[ui][app][memory]") {
    test::ScratchDir dir("ui-open-part");
    const Shape3 shape{16, 96, 128};
    Volume whole = test::patternVolume(DataType::UInt8, shape);
    whole.setVoxelSize({30, 6, 6});
    const QString file = QString::fromStdString(dir.file("big.nrrd"));
    writeVolume(file.toStdString(), whole);
    AppModel app(QString::fromStdString(dir.file("autosave")));
    // The image with its strokes and truth needs 3 bytes per voxel, 576 KiB: give 256 KiB.
    const MemoryLimit limit(std::uint64_t(256) << 10);

    SECTION("without a choice nothing opens, and the reason has the numbers") {
        QSignalSpy errors(&app, &AppModel::errorOccurred);
        QSignalSpy finished(&app, &AppModel::loadFinished);
        app.openFile(file);
        REQUIRE(finished.count() == 1); // at once: no job was started
        CHECK_FALSE(finished.first().first().toBool());
        REQUIRE(errors.count() == 1);
        const QString why = errors.first().first().toString();
        INFO(why.toStdString());
        CHECK(why.contains("576.0 KiB"));
        CHECK(why.contains("256.0 KiB"));
        CHECK_FALSE(app.document().hasImage());
    }

    SECTION("the chosen part opens, and its project opens the same part") {
        Box3 offered;
        QString reason;
        app.chooseRegion = [&](const QString&, const QString& why, const Shape3& s,
                               const Box3& suggested) -> std::optional<Box3> {
            CHECK(s == shape);
            reason = why;
            offered = suggested;
            return suggested;
        };
        REQUIRE(test::openAndWait(app, [&] { app.openFile(file); }));
        CHECK(reason.contains("available"));
        CHECK(std::uint64_t(offered.size.voxelCount()) * 3 <= (std::uint64_t(128) << 10));
        REQUIRE(app.document().imageRegion() == std::optional<Box3>(offered));
        CHECK(sameVoxels(app.document().image(), whole.crop(offered)));

        const QString project = QString::fromStdString(dir.file("part.cisterna"));
        app.saveProject(project);
        AppModel again(QString::fromStdString(dir.file("autosave2")));
        REQUIRE(test::openAndWait(again, [&] { again.openFile(project); }));
        CHECK(again.document().imageRegion() == std::optional<Box3>(offered));
        CHECK(sameVoxels(again.document().image(), whole.crop(offered)));
        again.shutdown();

        // A part outside the volume is refused with the reason; the open one stays.
        app.chooseRegion = [&](const QString&, const QString&, const Shape3&,
                               const Box3&) -> std::optional<Box3> {
            return Box3{{0, 0, 0}, {17, 1, 1}};
        };
        QSignalSpy errors(&app, &AppModel::errorOccurred);
        app.openFile(file);
        REQUIRE(errors.count() == 1);
        CHECK(errors.first().first().toString().contains("is not inside"));
        CHECK(app.document().imageRegion() == std::optional<Box3>(offered));
    }
    app.shutdown();
}

TEST_CASE("a volume larger than memory can be browsed whole, and a part opened from there",
          "[ui][app][memory][lazy]") {
    test::ScratchDir dir("ui-browse");
    const Shape3 shape{16, 96, 128};
    Volume whole = test::patternVolume(DataType::UInt8, shape);
    whole.setVoxelSize({30, 6, 6});
    writeVolume(dir.file("big.nrrd"), whole);
    // A pyramid of it: 16 x 96 x 128, 16 x 48 x 64, 16 x 24 x 32.
    PyramidOptions options;
    options.screenExtent = 32;
    options.write.chunkShape = Shape3{4, 16, 16};
    writePyramid(*LazyVolume::open(dir.file("big.nrrd")), dir.file("big.ome.zarr"), options);
    const QString file = QString::fromStdString(dir.file("big.ome.zarr"));
    AppModel app(QString::fromStdString(dir.file("autosave")));
    const MemoryLimit limit(std::uint64_t(256) << 10);

    int asked = 0;
    app.chooseLargeVolume = [&](const QString&, const QString& why) {
        ++asked;
        CHECK(why.contains("256.0 KiB"));
        return AppModel::LargeVolumeAction::Browse;
    };
    REQUIRE(test::openAndWait(app, [&] { app.openFile(file); }));
    CHECK(asked == 1);
    const DocumentModel& doc = app.document();
    REQUIRE(doc.isBrowsing());
    CHECK_FALSE(doc.hasImage());
    CHECK(doc.hasVolume());
    CHECK(doc.shape() == shape);
    CHECK(doc.voxelSize() == Vec3d{30, 6, 6});
    CHECK(doc.cursor() == Index3{8, 48, 64});
    REQUIRE(doc.browsedVolume()->levelCount() == 3);
    // The 3D view's overview follows: the coarsest level, whole.
    REQUIRE(test::waitUntil([&] { return !doc.browsedOverview().isNull(); }, 20000));
    CHECK(doc.browsedOverview().shape() == Shape3{16, 24, 32});
    CHECK(doc.browsedOverviewFactors() == Shape3{1, 4, 4});
    CHECK(doc.browsedOverview().voxelSize() == Vec3d{30, 24, 24});
    // Nothing to save or autosave while browsing.
    CHECK_THROWS_AS(app.saveProject(QString::fromStdString(dir.file("p.cisterna"))),
                    InvalidArgument);

    // A view showing the whole XY section at a quarter of a pixel per voxel reads
    // level 2 (4 x 4 voxels in-plane per voxel), all of it.
    SliceGeometry xy{ViewAxis::XY, shape, {30, 6, 6}};
    LazySlicePlan plan = planLazySlice(*doc.browsedVolume(), xy, 5, 0, 128, 0, 96, 0.25, 0.25);
    CHECK(plan.level == 2);
    CHECK(plan.factors == Shape3{1, 4, 4});
    CHECK(plan.box == Box3{{5, 0, 0}, {1, 24, 32}});
    CHECK((plan.column == 0 && plan.row == 0 && plan.columns == 128 && plan.rows == 96));
    // Zoomed in, the window alone, at full resolution.
    plan = planLazySlice(*doc.browsedVolume(), xy, 5, 10.5, 20.2, 5, 15, 4, 4);
    CHECK(plan.level == 0);
    CHECK(plan.box == Box3{{5, 5, 10}, {1, 10, 11}});
    CHECK((plan.column == 10 && plan.columns == 11 && plan.row == 5 && plan.rows == 10));
    // An XZ view at half a pixel per voxel: level 1, whose z is not shrunk.
    SliceGeometry xz{ViewAxis::XZ, shape, {30, 6, 6}};
    plan = planLazySlice(*doc.browsedVolume(), xz, 50, 0, 128, 0, 16, 0.5, 2.5);
    CHECK(plan.level == 1);
    CHECK(plan.box == Box3{{0, 25, 0}, {16, 1, 64}});
    CHECK((plan.columns == 128 && plan.rows == 16));

    // The part around the cursor fits, lies inside, and opens as a normal image.
    app.document().setCursor({0, 95, 0});
    const Box3 part = app.suggestedPartAroundCursor();
    CHECK(part.fitsIn(shape));
    CHECK(std::uint64_t(part.size.voxelCount()) * 3 <= (std::uint64_t(128) << 10));
    CHECK(part.begin.x == 0);
    CHECK(part.end().y == 96);
    CHECK_THROWS_AS(app.openFilePart(file, Box3{{0, 0, 0}, {17, 1, 1}}), InvalidArgument);
    REQUIRE(test::openAndWait(app, [&] { app.openFilePart(file, part); }));
    CHECK_FALSE(app.document().isBrowsing());
    CHECK(app.document().imageRegion() == std::optional<Box3>(part));
    CHECK(sameVoxels(app.document().image(), whole.crop(part)));
    app.shutdown();
}

TEST_CASE("a browsed volume without levels gets a pyramid next to it, browsed from then on",
          "[ui][app][memory][lazy]") {
    test::ScratchDir dir("ui-browse-pyramid");
    // Wider than a screen (1024), so that the pyramid has a second level.
    const Shape3 shape{4, 1100, 1030};
    Volume whole = test::patternVolume(DataType::UInt8, shape);
    const QString file = QString::fromStdString(dir.file("stack.nrrd"));
    writeVolume(file.toStdString(), whole);
    AppModel app(QString::fromStdString(dir.file("autosave")));
    REQUIRE(test::openAndWait(app, [&] { app.browseFile(file); }));
    REQUIRE(app.document().browsedVolume()->levelCount() == 1);
    // A voxel size entered while browsing goes into the pyramid.
    app.document().setVoxelSize({40, 8, 8});

    QSignalSpy finished(&app, &AppModel::loadFinished);
    Job* job = app.buildBrowsingPyramid();
    const Job::State state = test::waitForEnd(job);
    INFO(job->error().toStdString());
    REQUIRE(state == Job::State::Succeeded);
    REQUIRE(test::waitUntil([&] { return finished.count() > 0; }));
    // Among the user's data, not beside the source (which may be read-only or shared).
    const QString pyramid = app.pyramidPathFor(file);
    CHECK(QFileInfo(pyramid).fileName().startsWith("stack.nrrd-"));
    CHECK(pyramid.startsWith(QString::fromStdString(dir.file("pyramids/"))));
    CHECK(QFileInfo::exists(pyramid));
    CHECK_FALSE(app.canBuildBrowsingPyramid());
    const DocumentModel& doc = app.document();
    REQUIRE(doc.isBrowsing());
    CHECK(doc.imageSource() == pyramid);
    CHECK(doc.shape() == shape);
    CHECK(doc.voxelSize() == Vec3d{40, 8, 8});
    CHECK(doc.browsedVolume()->levelCount() == 2);
    CHECK(doc.browsedVolume()->level(1).shape() == Shape3{4, 550, 515}); // 40 nm z stays
    CHECK(sameVoxels(doc.browsedVolume()->level(0).read({{0, 0, 0}, shape}), whole));
    CHECK_THROWS_AS(app.buildBrowsingPyramid(), InvalidArgument);

    // Browsing the source again takes the pyramid.
    REQUIRE(test::openAndWait(app, [&] { app.browseFile(file); }));
    CHECK(app.document().imageSource() == pyramid);
    app.shutdown();
}

TEST_CASE("a saved layer costs memory only where it holds something when opened again",
          "[ui][project][memory]") {
    test::ScratchDir dir("ui-sparse-layers");
    ProjectData data;
    data.image.name = "sparse";
    data.image.path = "/nonexistent/sparse.h5";
    data.image.shape = {32, 512, 512}; // 8 MiB per layer
    ProjectOrganelle organelle;
    organelle.name = "mito";
    Volume strokes =
        Volume::allocate(DataType::UInt8, data.image.shape, VolumeRole::Label, "strokes");
    auto s = strokes.view<std::uint8_t>();
    for (std::int64_t x = 100; x < 300; ++x) { // one stroke on plane 12
        s(12, 200, x) = kStrokeValueObject;
        s(12, 201, x) = kStrokeValueObject;
    }
    organelle.layers[std::size_t(Layer::Strokes)] = strokes;
    data.organelles.push_back(organelle);
    const QString path = QString::fromStdString(dir.file("sparse.cisterna"));
    writeProject(path, data);

    const ProjectData read = readProject(path);
    const Volume& layer = read.organelles.at(0).layers[std::size_t(Layer::Strokes)];
    // Decoding wrote all 8 MiB; what stays resident is the pages of the stroke.
    CHECK(residentBytes(layer) <= 64u << 10);
    CHECK(sameVoxels(layer, strokes));
}
