// The application model without a window: open the demo, cut from strokes, save the
// project, autosave, open the project again, all through AppModel as the main window
// drives it, in a QCoreApplication.
#include "ModelTestSupport.h"

#include "TestPaths.h"

#include <QSignalSpy>
#include <catch2/catch.hpp>

#include <cstring>

using namespace cisterna;
using namespace cisterna::ui;

namespace {

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
        REQUIRE(test::openAndWait(app, [&] { app.openDemo(32, 3); }));
        DocumentModel& doc = app.document();
        REQUIRE(doc.organelleCount() == 5);
        CHECK_FALSE(doc.isModified());
        doc.undoHistory()->push(
            new ReplaceLayerCommand(&doc, doc.organelle(0).uid, Layer::Strokes,
                                    test::strokesFromReference(doc.referenceLabels()), "strokes"));
        CHECK(app.windowTitle().endsWith(" *"));

        Job* cut = app.startGraphCut(0);
        REQUIRE(cut->kind() == JobKind::GraphCut);
        REQUIRE(test::waitUntil([&] { return !cut->isRunning(); }));
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
    REQUIRE(test::openAndWait(again, [&] { again.openFile(project); }));
    CHECK(again.projectPath() == project);
    CHECK(sameVoxels(again.document().layer(0, Layer::Truth), truth));
    CHECK(again.recentFiles().list().contains(project));
}

TEST_CASE("the app model says why a project does not open", "[ui][app]") {
    test::ScratchDir dir("ui-app-model-bad");
    AppModel app(QString::fromStdString(dir.file("autosave")));
    QSignalSpy errors(&app, &AppModel::errorOccurred);
    CHECK_FALSE(test::openAndWait(
        app, [&] { app.openFile(QString::fromStdString(dir.file("missing.cisterna"))); }));
    REQUIRE(errors.count() == 1);
    CHECK(errors.first().first().toString().startsWith("Cannot open the project"));
    CHECK_THROWS_AS(app.startGraphCut(), InvalidArgument); // no image yet
}
