// Project files: a full round trip, atomic saves, refused malformed files, autosave
// and crash recovery, a moved image, recent files and drag-and-drop.
#include "TestPaths.h"
#include "UiTestSupport.h"

#include "ui/model/Autosave.h"
#include "ui/model/ProjectFile.h"
#include "ui/model/ProjectState.h"
#include "ui/model/RecentFiles.h"
#include "ui/widgets/MainWindow.h"
#include "ui/widgets/SliceView.h"

#include "core/io/VolumeIO.h"
#include "core/util/Error.h"
#include "core/volume/VolumeOps.h"

#include <QApplication>
#include <QMimeData>
#include <QSignalSpy>
#include <QTest>
#include <QUrl>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace cisterna;
using namespace cisterna::ui;
using namespace cisterna::test;
namespace fs = std::filesystem;

namespace {

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// A document with an image file on disk, two organelles and some of every layer.
void makeDocument(MainWindow& window, const std::string& imagePath) {
    Volume image = rampVolume({6, 20, 24});
    image.setVoxelSize({40, 8, 8});
    writeVolume(imagePath, image);
    QSignalSpy finished(&window, &MainWindow::loadFinished);
    window.openFile(q(imagePath));
    REQUIRE(waitFor([&] { return finished.count() > 0; }));
    REQUIRE(finished.at(0).at(0).toBool());
    DocumentModel* doc = window.document();
    REQUIRE(doc->organelleCount() == 1);
    doc->setOrganelleName(0, "mito");
    doc->addOrganelle("er", QColor(10, 200, 30));
    doc->setOrganelleOpacity(1, 0.25);
    doc->setOrganelleThreshold(1, 0.7);
    doc->setOrganelleVisible(1, false);
    auto strokes = doc->ensureLayer(0, Layer::Strokes).view<std::uint8_t>();
    strokes(1, 2, 3) = 1;
    strokes(5, 19, 23) = 2;
    doc->ensureLayer(0, Layer::Truth).view<std::uint8_t>()(2, 2, 2) = 1;
    auto p = doc->ensureLayer(1, Layer::Prediction).view<std::uint8_t>();
    for (int x = 0; x < 24; ++x)
        p(3, 4, x) = std::uint8_t(x * 10);
    doc->ensureLayer(1, Layer::Segmentation).view<std::uint8_t>()(0, 0, 0) = 1;
    doc->setOrganelleModels(0, {"/models/mito-1.cmodel"});
    doc->setPredictionSource(1, "/models/er.cmodel");
    doc->setCursor({4, 5, 6});
    doc->setWindow(50, 30);
    doc->viewSettings(1).zoom = 2.5;
    window.tools()->setRadiusVoxels(4);
    window.tools()->setTool(Tool::BackgroundBrush);
    doc->setActiveOrganelle(1);
}

void requireSameDocument(const DocumentModel& a, const DocumentModel& b) {
    REQUIRE(sameVoxels(a.image(), b.image()));
    REQUIRE(a.voxelSize() == b.voxelSize());
    REQUIRE(a.organelleCount() == b.organelleCount());
    for (int i = 0; i < a.organelleCount(); ++i) {
        const Organelle &x = a.organelle(i), &y = b.organelle(i);
        REQUIRE(x.name == y.name);
        REQUIRE(x.colour == y.colour);
        REQUIRE(x.visible == y.visible);
        REQUIRE(x.opacity == Approx(y.opacity));
        REQUIRE(x.threshold == Approx(y.threshold));
        REQUIRE(x.modelPaths == y.modelPaths);
        REQUIRE(x.predictionSource == y.predictionSource);
        for (int l = 0; l < kLayerCount; ++l) {
            INFO(x.name.toStdString() << " " << layerName(Layer(l)));
            REQUIRE(x.layers[std::size_t(l)].isNull() == y.layers[std::size_t(l)].isNull());
            if (!x.layers[std::size_t(l)].isNull())
                REQUIRE(sameVoxels(x.layers[std::size_t(l)], y.layers[std::size_t(l)]));
        }
    }
    REQUIRE(a.activeOrganelle() == b.activeOrganelle());
    REQUIRE(a.cursor() == b.cursor());
    REQUIRE(a.windowLevel() == b.windowLevel());
    REQUIRE(a.windowWidth() == b.windowWidth());
    REQUIRE(a.viewSettings(1).zoom == b.viewSettings(1).zoom);
}

void openAndWait(MainWindow& window, const QString& path, bool expectOk = true) {
    QSignalSpy finished(&window, &MainWindow::loadFinished);
    window.openFile(path);
    REQUIRE(waitFor([&] { return finished.count() > 0; }));
    REQUIRE(finished.at(0).at(0).toBool() == expectOk);
}

} // namespace

TEST_CASE("a project round-trips everything through one file", "[ui][project]") {
    ScratchDir dir("ui-project");
    MainWindow first(nullptr, q(dir.file("autosave")));
    scriptPrompts(first);
    makeDocument(first, dir.file("image.h5"));
    const QString project = q(dir.file("work.cisterna"));
    REQUIRE(first.document()->isModified());
    REQUIRE(first.saveProject(project));
    REQUIRE_FALSE(first.document()->isModified());
    REQUIRE(first.projectPath() == project);
    REQUIRE(RecentFiles().list().contains(QFileInfo(project).absoluteFilePath()));

    MainWindow second(nullptr, q(dir.file("autosave")));
    scriptPrompts(second);
    openAndWait(second, project);
    requireSameDocument(*first.document(), *second.document());
    REQUIRE(second.tools()->radiusVoxels() == 4);
    REQUIRE(second.tools()->tool() == Tool::BackgroundBrush);
    REQUIRE(second.projectPath() == project);
    REQUIRE_FALSE(second.document()->isModified());
    REQUIRE(second.document()->undoHistory()->count() == 0);

    // The demo phantom is referenced, not stored: it is generated again on opening.
    MainWindow demo(nullptr, q(dir.file("autosave")));
    scriptPrompts(demo);
    openDemo(demo, 32);
    demo.document()->ensureLayer(2, Layer::Strokes).view<std::uint8_t>()(1, 1, 1) = 1;
    REQUIRE(demo.saveProject(q(dir.file("demo.cisterna"))));
    MainWindow demo2(nullptr, q(dir.file("autosave")));
    scriptPrompts(demo2);
    openAndWait(demo2, q(dir.file("demo.cisterna")));
    requireSameDocument(*demo.document(), *demo2.document());
    REQUIRE(sameVoxels(demo.document()->referenceLabels(), demo2.document()->referenceLabels()));
}

TEST_CASE("a failed save leaves the previous project file untouched", "[ui][project]") {
    ScratchDir dir("ui-atomic");
    MainWindow window(nullptr, q(dir.file("autosave")));
    ScriptedPrompts* prompts = scriptPrompts(window);
    makeDocument(window, dir.file("image.h5"));
    const std::string project = dir.file("p.cisterna");
    REQUIRE(window.saveProject(q(project)));
    const auto bytes = fs::file_size(project);
    ProjectData data = captureProject(*window.document(), *window.tools(), q(project));
    // A layer that does not match the image is refused before anything is written.
    data.organelles[0].layers[0] = Volume::allocate(DataType::UInt8, {1, 2, 3});
    REQUIRE_THROWS_AS(writeProject(q(project), data), InvalidArgument);
    // A folder that does not exist: the error names the file.
    REQUIRE_FALSE(window.saveProject(q(dir.file("missing/folder/p.cisterna"))));
    REQUIRE(prompts->errors.size() == 1);
    REQUIRE(prompts->errors.front().contains("missing/folder/p.cisterna"));
    REQUIRE(fs::file_size(project) == bytes);
    REQUIRE_NOTHROW(readProject(q(project)));
    for (const auto& entry : fs::directory_iterator(dir.path()))
        REQUIRE(entry.path().filename().string().find(".tmp") == std::string::npos);
}

TEST_CASE("malformed project files are refused with a clear message", "[ui][project]") {
    ScratchDir dir("ui-badproject");
    SECTION("not HDF5") {
        std::ofstream(dir.file("text.cisterna")) << "just some text, not a project";
        REQUIRE_THROWS_WITH(readProject(q(dir.file("text.cisterna"))),
                            Catch::Contains("text.cisterna") && Catch::Contains("not an HDF5"));
    }
    SECTION("an HDF5 volume, not a project") {
        writeVolume(dir.file("volume.h5"), rampVolume({2, 3, 4}));
        fs::copy_file(dir.file("volume.h5"), dir.file("volume.cisterna"));
        REQUIRE_THROWS_WITH(readProject(q(dir.file("volume.cisterna"))),
                            Catch::Contains("not a Cisterna project"));
    }
    SECTION("truncated") {
        MainWindow window(nullptr, q(dir.file("autosave")));
        scriptPrompts(window);
        makeDocument(window, dir.file("image.h5"));
        REQUIRE(window.saveProject(q(dir.file("p.cisterna"))));
        const auto size = fs::file_size(dir.file("p.cisterna"));
        fs::resize_file(dir.file("p.cisterna"), size / 2);
        REQUIRE_THROWS_AS(readProject(q(dir.file("p.cisterna"))), FormatError);
        // The window reports it and keeps what it has.
        ScriptedPrompts* prompts = scriptPrompts(window);
        window.openFile(q(dir.file("p.cisterna")));
        REQUIRE(waitFor([&] { return !prompts->errors.isEmpty(); }, 10000));
        REQUIRE(window.document()->organelleCount() == 2);
    }
    SECTION("missing") {
        REQUIRE_THROWS_WITH(readProject(q(dir.file("nothing.cisterna"))),
                            Catch::Contains("no such file"));
    }
}

TEST_CASE("a project whose image moved asks for the new location", "[ui][project]") {
    ScratchDir dir("ui-moved");
    fs::create_directories(dir.file("a"));
    fs::create_directories(dir.file("elsewhere"));
    const QString project = q(dir.file("a/p.cisterna"));
    {
        MainWindow window(nullptr, q(dir.file("autosave")));
        scriptPrompts(window);
        makeDocument(window, dir.file("image.h5"));
        REQUIRE(window.saveProject(project));
    }
    fs::rename(dir.file("image.h5"), dir.file("elsewhere/renamed.h5"));

    MainWindow window(nullptr, q(dir.file("autosave")));
    ScriptedPrompts* prompts = scriptPrompts(window);
    SECTION("the user shows where it is") {
        prompts->movedImage = q(dir.file("elsewhere/renamed.h5"));
        openAndWait(window, project);
        REQUIRE(prompts->locateQuestions == 1);
        REQUIRE(window.document()->imageSource() == prompts->movedImage);
        REQUIRE(window.document()->organelleCount() == 2);
        // The new location is unsaved until the project is saved again.
        REQUIRE(window.document()->isModified());
        REQUIRE(window.save());
        REQUIRE(readProject(project, true).image.path == prompts->movedImage);
    }
    SECTION("the user gives up") {
        QSignalSpy finished(&window, &MainWindow::loadFinished);
        window.openFile(project);
        REQUIRE(finished.count() == 1);
        REQUIRE_FALSE(finished.at(0).at(0).toBool());
        REQUIRE(prompts->errors.size() == 1);
        REQUIRE(prompts->errors.front().contains("image.h5"));
    }
    SECTION("moved together with the project, it is found without asking") {
        fs::rename(dir.file("elsewhere/renamed.h5"), dir.file("image.h5"));
        fs::create_directories(dir.file("moved"));
        fs::rename(dir.file("a"), dir.file("moved/a"));
        fs::rename(dir.file("image.h5"), dir.file("moved/image.h5"));
        openAndWait(window, q(dir.file("moved/a/p.cisterna")));
        REQUIRE(prompts->locateQuestions == 0);
        REQUIRE(window.document()->imageSource() ==
                QFileInfo(q(dir.file("moved/image.h5"))).absoluteFilePath());
    }
}

TEST_CASE("autosave and crash recovery", "[ui][project]") {
    ScratchDir dir("ui-recovery");
    const QString autosaveFolder = q(dir.file("autosave"));
    {
        auto crashed = std::make_unique<MainWindow>(nullptr, autosaveFolder);
        scriptPrompts(*crashed);
        makeDocument(*crashed, dir.file("image.h5"));
        REQUIRE(crashed->autosaveNow());
        REQUIRE_FALSE(crashed->autosaveNow()); // nothing changed since
        crashed->document()->ensureLayer(0, Layer::Strokes).view<std::uint8_t>()(0, 0, 1) = 2;
        crashed->document()->notifyLayerEdited(0, Layer::Strokes);
        crashed->setAutosaveInterval(50); // the timer saves the latest state
        REQUIRE(waitFor(
            [&] {
                return fs::exists(crashed->autosaveStore().sessionPath().toStdString()) &&
                       readProject(crashed->autosaveStore().sessionPath())
                               .organelles[0]
                               .layers[0]
                               .view<std::uint8_t>()(0, 0, 1) == 2;
            },
            10000));
        // No close event: the process "crashes" and leaves its autosave behind.
    }
    AutosaveStore store(autosaveFolder);
    REQUIRE(store.leftovers().size() == 1);

    MainWindow restored(nullptr, autosaveFolder);
    ScriptedPrompts* prompts = scriptPrompts(restored);
    prompts->recover = true;
    QSignalSpy finished(&restored, &MainWindow::loadFinished);
    restored.checkForRecovery();
    REQUIRE(prompts->recoveryOffers == 1);
    REQUIRE(waitFor([&] { return finished.count() > 0; }));
    REQUIRE(finished.at(0).at(0).toBool());
    DocumentModel* doc = restored.document();
    REQUIRE(doc->organelleCount() == 2);
    REQUIRE(doc->layer(0, Layer::Strokes).view<std::uint8_t>()(0, 0, 1) == 2);
    REQUIRE(doc->layer(0, Layer::Strokes).view<std::uint8_t>()(1, 2, 3) == 1);
    REQUIRE(doc->isModified());         // restored work is not saved yet
    REQUIRE(store.leftovers().empty()); // offered once only

    // A clean close removes this session's autosave: nothing to recover next time.
    restored.autosaveNow();
    prompts->unsaved = UnsavedChoice::Discard;
    REQUIRE(restored.close());
    REQUIRE(prompts->unsavedQuestions == 1);
    REQUIRE(AutosaveStore(autosaveFolder).leftovers().empty());
    REQUIRE(QDir(autosaveFolder).entryList(QDir::Files).isEmpty());
}

TEST_CASE("files dropped on the window open, and recent files remember them", "[ui][project]") {
    ScratchDir dir("ui-drop");
    RecentFiles().clear();
    writeVolume(dir.file("dropped.tif"), rampVolume({3, 10, 12}));
    MainWindow window(nullptr, q(dir.file("autosave")));
    scriptPrompts(window);
    window.show();
    QSignalSpy finished(&window, &MainWindow::loadFinished);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(q(dir.file("dropped.tif")))});
    QDragEnterEvent enter(QPoint(100, 100), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    REQUIRE(enter.isAccepted());
    QDropEvent drop(QPointF(100, 100), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &drop);
    REQUIRE(waitFor([&] { return finished.count() > 0; }));
    REQUIRE(finished.at(0).at(0).toBool());
    REQUIRE(window.document()->shape() == Shape3{3, 10, 12});
    REQUIRE(RecentFiles().list().value(0) ==
            QFileInfo(q(dir.file("dropped.tif"))).absoluteFilePath());
    // A file that cannot be read is reported, and the open volume is kept.
    ScriptedPrompts* prompts = scriptPrompts(window);
    openAndWait(window, "/nonexistent/volume.h5", false);
    REQUIRE(prompts->errors.size() == 1);
    REQUIRE(prompts->errors.front().contains("no such file"));
    REQUIRE(window.document()->shape() == Shape3{3, 10, 12});
}
