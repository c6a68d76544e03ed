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

TEST_CASE("a save over the project keeps the layers that did not change as they are stored",
          "[ui][app][project]") {
    test::ScratchDir dir("ui-incremental-save");
    const QString autosaves = QString::fromStdString(dir.file("autosave"));
    const QString project = QString::fromStdString(dir.file("cell.cisterna"));
    const QString elsewhere = QString::fromStdString(dir.file("copy.cisterna"));
    AppModel app(autosaves);
    REQUIRE(test::openStrokedDemo(app, 32, 3));
    DocumentModel& doc = app.document();
    doc.ensureLayer(0, Layer::Truth).view<std::uint8_t>()(5, 5, 5) = 1;
    doc.ensureLayer(3, Layer::Prediction).view<std::uint8_t>()(6, 6, 6) = 200;
    app.saveProject(project);
    CHECK(app.lastSaveStats().layersWritten == 3);
    CHECK(app.lastSaveStats().layersCopied == 0);

    // One stroke more: the strokes are written, the rest copied.
    doc.ensureLayer(0, Layer::Strokes).view<std::uint8_t>()(1, 1, 1) = kStrokeValueBackground;
    doc.notifyLayerEdited(0, Layer::Strokes);
    app.saveProject(project);
    CHECK(app.lastSaveStats().layersWritten == 1);
    CHECK(app.lastSaveStats().layersCopied == 2);
    // An organelle removed before the predicted one: found by what it is, not where.
    doc.removeOrganelle(2);
    app.saveProject(project);
    CHECK(app.lastSaveStats().layersCopied == 3);
    // Autosaves keep their unchanged layers too, and hold what the document holds.
    doc.ensureLayer(0, Layer::Truth).view<std::uint8_t>()(7, 7, 7) = 1;
    doc.notifyLayerEdited(0, Layer::Truth);
    CHECK(app.autosaveNow());
    doc.ensureLayer(0, Layer::Strokes).view<std::uint8_t>()(2, 2, 2) = kStrokeValueObject;
    doc.notifyLayerEdited(0, Layer::Strokes);
    CHECK(app.autosaveNow());
    const ProjectData autosaved = readProject(app.autosaveStore().sessionPath());
    REQUIRE(int(autosaved.organelles.size()) == doc.organelleCount());
    for (int i = 0; i < doc.organelleCount(); ++i)
        for (int l = 0; l < kLayerCount; ++l) {
            INFO(i << " " << layerName(Layer(l)));
            const Volume &a = doc.layer(i, Layer(l)), &b = autosaved.organelles[i].layers[l];
            REQUIRE(a.isNull() == b.isNull());
            if (!a.isNull())
                CHECK(sameVoxels(a, b));
        }
    app.saveProject(project);
    CHECK(app.lastSaveStats().layersWritten == 2);
    CHECK(app.lastSaveStats().layersCopied == 1);
    // Another file holds nothing yet.
    app.saveProject(elsewhere);
    CHECK(app.lastSaveStats().layersWritten == 3);

    AppModel again(autosaves);
    REQUIRE(test::openAndWait(again, [&] { again.openFile(project); }));
    const DocumentModel& back = again.document();
    REQUIRE(back.organelleCount() == doc.organelleCount());
    for (int i = 0; i < doc.organelleCount(); ++i)
        for (int l = 0; l < kLayerCount; ++l) {
            INFO(i << " " << layerName(Layer(l)));
            const Volume &a = doc.layer(i, Layer(l)), &b = back.layer(i, Layer(l));
            REQUIRE(a.isNull() == b.isNull());
            if (!a.isNull())
                CHECK(sameVoxels(a, b));
        }
    // Opened and saved unchanged: every layer copied.
    again.saveProject(project);
    CHECK(again.lastSaveStats().layersCopied == 3);
    CHECK(again.lastSaveStats().layersWritten == 0);
    // The file replaced by another writer since: everything written again.
    writeProject(project, readProject(project));
    again.saveProject(project);
    CHECK(again.lastSaveStats().layersCopied == 0);
    CHECK(again.lastSaveStats().layersWritten == 3);
    app.shutdown();
    again.shutdown();
}
