// The application model without a window: open the demo, cut from strokes, save the
// project, autosave, open the project again, all through AppModel as the main window
// drives it, in a QCoreApplication.
#include "ui/model/AppModel.h"
#include "ui/model/LabelEdits.h"

#include "TestPaths.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <catch2/catch.hpp>

#include <cstring>

using namespace cisterna;
using namespace cisterna::ui;

namespace {

bool waitUntil(const std::function<bool()>& condition, int ms = 60000) {
    QElapsedTimer clock;
    clock.start();
    while (!condition() && clock.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    return condition();
}

bool openAndWait(AppModel& app, const std::function<void()>& open) {
    QSignalSpy finished(&app, &AppModel::loadFinished);
    open();
    return waitUntil([&] { return finished.count() > 0; }) && finished.first().first().toBool();
}

// Object strokes on a few voxels of the phantom's mitochondria (label 1), background
// strokes on voxels far from any organelle (label 0), on the middle plane.
Volume strokesFromReference(const Volume& reference) {
    Volume strokes = Volume::allocate(DataType::UInt8, reference.shape(), VolumeRole::Label);
    const auto t = reference.view<std::uint8_t>();
    auto s = strokes.view<std::uint8_t>();
    const Shape3 shape = reference.shape();
    const std::int64_t z = shape.z / 2;
    int object = 0, background = 0;
    for (std::int64_t y = 1; y + 1 < shape.y; y += 2)
        for (std::int64_t x = 1; x + 1 < shape.x; x += 2) {
            if (t(z, y, x) == 1 && object < 40) {
                s(z, y, x) = 1;
                ++object;
            } else if (t(z, y, x) == 0 && background < 80 && (x + y) % 6 == 0) {
                s(z, y, x) = 2;
                ++background;
            }
        }
    return strokes;
}

bool sameVoxels(const Volume& a, const Volume& b) {
    return !a.isNull() && !b.isNull() && a.shape() == b.shape() &&
           std::memcmp(a.data(), b.data(), a.byteCount()) == 0;
}

} // namespace

TEST_CASE("the app model opens, cuts, saves and reopens a project without a window", "[ui][app]") {
    test::ScratchDir dir("ui-app-model");
    const QString autosaves = QString::fromStdString(dir.file("autosave"));
    const QString project = QString::fromStdString(dir.file("cell.cisterna"));
    Volume truth;
    {
        AppModel app(autosaves);
        REQUIRE(openAndWait(app, [&] { app.openDemo(32, 3); }));
        DocumentModel& doc = app.document();
        REQUIRE(doc.organelleCount() == 5);
        CHECK_FALSE(doc.isModified());
        const int uid = doc.organelle(0).uid;
        doc.undoHistory()->push(new ReplaceLayerCommand(
            &doc, uid, Layer::Strokes, strokesFromReference(doc.referenceLabels()), "strokes"));
        CHECK(app.windowTitle().endsWith(" *"));

        Job* cut = app.startGraphCut(0);
        REQUIRE(cut->kind() == JobKind::GraphCut);
        REQUIRE(waitUntil([&] { return !cut->isRunning(); }));
        INFO(cut->error().toStdString());
        REQUIRE(cut->state() == Job::State::Succeeded);
        truth = doc.layer(0, Layer::Truth);
        REQUIRE_FALSE(truth.isNull());
        CHECK(app.autosaveNow());
        CHECK_FALSE(app.autosaveNow()); // nothing changed since

        app.saveProject(project);
        CHECK_FALSE(doc.isModified());
        CHECK(app.projectPath() == project);
        CHECK(app.windowTitle() == "Cisterna - " + project);
        CHECK(app.newModelPath(0).startsWith(QString::fromStdString(dir.file("cell-models/"))));
        app.shutdown();
    }
    AppModel again(autosaves);
    REQUIRE(openAndWait(again, [&] { again.openFile(project); }));
    CHECK(again.projectPath() == project);
    CHECK(sameVoxels(again.document().layer(0, Layer::Truth), truth));
    CHECK(again.recentFiles().list().contains(project));
}

TEST_CASE("the app model says why a project does not open", "[ui][app]") {
    test::ScratchDir dir("ui-app-model-bad");
    AppModel app(QString::fromStdString(dir.file("autosave")));
    QSignalSpy errors(&app, &AppModel::errorOccurred);
    CHECK_FALSE(openAndWait(
        app, [&] { app.openFile(QString::fromStdString(dir.file("missing.cisterna"))); }));
    REQUIRE(errors.count() == 1);
    CHECK(errors.first().first().toString().startsWith("Cannot open the project"));
    CHECK_THROWS_AS(app.startGraphCut(), InvalidArgument); // no image yet
}
