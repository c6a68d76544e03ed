// A graph cut of the strokes' region through the app model: the box the views draw
// follows the strokes and the settings, the cut changes only that box, and undo gives
// the truth back.
#include "ModelTestSupport.h"

#include "TestPaths.h"

#include "core/graphcut/CutRegion.h"

#include <QSignalSpy>
#include <catch2/catch.hpp>

#include <cstring>

using namespace cisterna;
using namespace cisterna::ui;

TEST_CASE("a cut of the strokes' region changes only its box", "[ui][app][region]") {
    test::ScratchDir dir("ui-cut-region");
    AppModel app(QString::fromStdString(dir.file("autosave")));
    REQUIRE(test::openStrokedDemo(app, 48, 3));
    DocumentModel& doc = app.document();
    const Shape3 shape = doc.shape();
    CutRegionModel& region = app.cutRegion();
    region.refresh();
    CHECK_FALSE(region.region()); // automatic: a volume this small is cut whole

    // What the truth held before: every voxel object, so that kept voxels show.
    Volume before = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    std::memset(before.data(), 1, std::size_t(before.byteCount()));
    doc.undoHistory()->push(
        new ReplaceLayerCommand(&doc, doc.organelle(0).uid, Layer::Truth, before, "truth"));

    QSignalSpy moved(&region, &CutRegionModel::changed);
    app.graphCutSettings().region = CutRegionMode::Strokes;
    app.graphCutSettings().regionMargin = 4;
    region.settingsChanged();
    REQUIRE(test::waitUntil([&] { return moved.count() > 0; }, 5000)); // the timer's refresh
    REQUIRE(region.region());
    const Box3 box = *region.region();
    CHECK(box == strokeRegion(doc.layer(0, Layer::Strokes), 4));
    REQUIRE(box.size.z < shape.z); // strokes on the middle plane only

    Job* cut = app.startGraphCut(0);
    REQUIRE(test::waitForEnd(cut) == Job::State::Succeeded);
    CHECK(cut->message().startsWith("region z "));
    const auto t = doc.layer(0, Layer::Truth).view<std::uint8_t>();
    std::int64_t keptOutside = 0, outside = 0, objectInside = 0;
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x) {
                if (z >= box.begin.z && z < box.end().z) {
                    objectInside += t(z, y, x);
                    continue;
                }
                ++outside;
                keptOutside += t(z, y, x);
            }
    CHECK(keptOutside == outside);
    CHECK(objectInside > 0);
    CHECK(objectInside < box.size.voxelCount() / 2); // cut, not kept

    doc.undoHistory()->undo();
    CHECK(std::memcmp(doc.layer(0, Layer::Truth).data(), before.data(), before.byteCount()) == 0);

    // One more stroke far away grows the box; the whole volume again: no box.
    Volume strokes = doc.layer(0, Layer::Strokes).clone();
    strokes.view<std::uint8_t>()(0, 0, 0) = kStrokeValueBackground;
    doc.undoHistory()->push(
        new ReplaceLayerCommand(&doc, doc.organelle(0).uid, Layer::Strokes, strokes, "stroke"));
    region.refresh();
    REQUIRE(region.region());
    CHECK(region.region()->begin == Index3{0, 0, 0});
    app.graphCutSettings().region = CutRegionMode::Whole;
    region.settingsChanged();
    region.refresh();
    CHECK_FALSE(region.region());
}
