// The live classifier preview: mostly without a window (the document, strokes painted
// and undone as the slice views do it, and the preview model that retrains after
// each), then in the window with its switches.
#include "UiTestSupport.h"
#include "VolumeTestSupport.h"

#include "ui/model/BrushStroke.h"
#include "ui/model/ClassifierPreview.h"
#include "ui/model/DocumentModel.h"
#include "ui/model/LabelEdits.h"
#include "ui/render/SliceRenderer.h"
#include "ui/widgets/MainWindow.h"
#include "ui/widgets/SliceView.h"
#include "ui/widgets/ToolPanel.h"

#include "core/volume/MemoryBudget.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using namespace cisterna;
using namespace cisterna::ui;
using namespace cisterna::test;

namespace {

const Shape3 kShape{8, 40, 48};

// Left of x = 24 a bright, coarsely noisy "organelle"; right of it dark cytoplasm.
Volume twoHalves() {
    Volume image =
        noisyImage(kShape, 7, 5, [](std::int64_t, std::int64_t, std::int64_t x, int noise) {
            return x < 24 ? 140 + noise : 60 + noise;
        });
    image.setVoxelSize({30, 6, 6});
    return image;
}

// Strokes on plane z = 4: object strokes at `objectX`, background at `backgroundX`
// (either may be negative: none).
Volume strokesAt(int objectX, int backgroundX) {
    Volume s = Volume::allocate(DataType::UInt8, kShape, VolumeRole::Label);
    auto v = s.view<std::uint8_t>();
    for (std::int64_t y = 5; y < 35; ++y)
        for (int dx = -2; dx <= 2; ++dx) {
            if (objectX >= 0)
                v(4, y, objectX + dx) = 1;
            if (backgroundX >= 0)
                v(4, y, backgroundX + dx) = 2;
        }
    return s;
}

// Mean P x 255 of an XY preview plane over columns [x0, x1).
double meanOver(const Volume& plane, std::int64_t x0, std::int64_t x1) {
    const auto p = plane.view<std::uint8_t>();
    double sum = 0;
    std::int64_t n = 0;
    for (std::int64_t y = 0; y < plane.shape().y; ++y)
        for (std::int64_t x = x0; x < x1; ++x, ++n)
            sum += p(0, y, x);
    return sum / double(n);
}

struct Fixture {
    DocumentModel doc;
    int index = -1, uid = 0;
    Fixture() {
        doc.setImage(twoHalves(), "two halves");
        index = doc.addOrganelle("mito");
        doc.setActiveOrganelle(index);
        uid = doc.organelle(index).uid;
    }
    // Replaces the strokes through the undo stack, as an edit the user can undo.
    void setStrokes(const Volume& strokes) {
        doc.undoHistory()->push(
            new ReplaceLayerCommand(&doc, uid, Layer::Strokes, strokes, "strokes"));
    }
    // One brush stroke along y on plane z = 4, as a slice view paints it.
    void paint(std::uint8_t value, std::int64_t x) {
        SliceGeometry g{ViewAxis::XY, kShape, {30, 6, 6}};
        BrushStroke stroke(&doc, index, Layer::Strokes, value, g, 4, 12.0);
        for (std::int64_t y = 5; y < 35; y += 3)
            stroke.addPoint(x, y);
        doc.undoHistory()->push(stroke.finish("paint").release());
    }
};

StrokeClassifierOptions smallForest() {
    StrokeClassifierOptions o;
    o.forest.trees = 8;
    // Scales for a 48-voxel scene: the default context scales (7 and 20 voxels, for
    // organelles of real stacks) reach across it and blur its two halves together.
    o.features.scales = {0.7, 1.6, 3.5};
    o.features.largestSmoothing = 5;
    return o;
}

bool idle(ClassifierPreview& preview) {
    return waitFor([&] { return preview.isIdle(); }, 10000);
}

} // namespace

TEST_CASE("the live preview shows P(object) high on the object side after strokes of both "
          "classes",
          "[ui][preview]") {
    Fixture f;
    ClassifierPreview preview(&f.doc);
    preview.setOptions(smallForest());
    REQUIRE(preview.isEnabled()); // on by default
    REQUIRE(preview.state() == PreviewState::NeedStrokes);
    int ready[3] = {0, 0, 0};
    QObject::connect(&preview, &ClassifierPreview::planeReady,
                     [&](ViewAxis axis) { ++ready[planeAxisOf(axis)]; });

    f.doc.setCursor({4, 20, 24});
    f.paint(kStrokeValueObject, 10);
    REQUIRE(idle(preview));
    REQUIRE(preview.hasFeatures()); // computed with the first stroke already
    REQUIRE(preview.state() == PreviewState::NeedStrokes);
    f.paint(kStrokeValueBackground, 36);
    REQUIRE(idle(preview));
    INFO(preview.statusText().toStdString());
    REQUIRE(preview.state() == PreviewState::Ready);
    REQUIRE(preview.trainings() == 1);
    CHECK(preview.statusText().contains("P(object)"));

    const Volume xy = preview.plane(ViewAxis::XY, 4, f.uid);
    REQUIRE_FALSE(xy.isNull());
    REQUIRE(xy.shape() == Shape3{1, kShape.y, kShape.x});
    CHECK(meanOver(xy, 2, 20) > 0.8 * 255);
    CHECK(meanOver(xy, 28, 46) < 0.2 * 255);
    // All three views' planes, each announced; nothing for another slice or organelle.
    CHECK(ready[0] == 1);
    CHECK(ready[1] == 1);
    CHECK(ready[2] == 1);
    CHECK(preview.plane(ViewAxis::XZ, 20, f.uid).shape() == Shape3{kShape.z, 1, kShape.x});
    CHECK(preview.plane(ViewAxis::YZ, 24, f.uid).shape() == Shape3{kShape.z, kShape.y, 1});
    CHECK(preview.plane(ViewAxis::XY, 3, f.uid).isNull());
    CHECK(preview.plane(ViewAxis::XY, 4, f.uid + 1).isNull());

    // Another slice: predicted with the same forest, no retraining.
    f.doc.setCursor({1, 20, 24});
    REQUIRE(idle(preview));
    const Volume other = preview.plane(ViewAxis::XY, 1, f.uid);
    REQUIRE_FALSE(other.isNull());
    CHECK(meanOver(other, 2, 20) > 0.8 * 255);
    CHECK(preview.trainings() == 1);
    CHECK(ready[0] == 2);
    CHECK(ready[1] == 1); // the XZ and YZ views did not move
    CHECK(ready[2] == 1);

    // The slice renderer draws it in the organelle's colour, stronger where P is high.
    SliceRenderRequest request;
    request.geometry = {ViewAxis::XY, kShape, {30, 6, 6}};
    request.slice = 1;
    SliceOverlay overlay;
    overlay.colour = QColor(255, 0, 0);
    overlay.preview = other;
    request.overlays.push_back(overlay);
    const QImage shown = renderSlice(f.doc.image(), request);
    request.overlays.clear();
    const QImage plain = renderSlice(f.doc.image(), request);
    const auto redGain = [&](int x) {
        return qRed(shown.pixel(x, 20)) - qRed(plain.pixel(x, 20)) -
               (qBlue(shown.pixel(x, 20)) - qBlue(plain.pixel(x, 20)));
    };
    CHECK(redGain(10) > 100);
    CHECK(redGain(40) < 40);

    // Undo of the background stroke: one class left, the preview goes away.
    f.doc.undoHistory()->undo();
    REQUIRE(idle(preview));
    CHECK(preview.state() == PreviewState::NeedStrokes);
    CHECK(preview.plane(ViewAxis::XY, 1, f.uid).isNull());
    // Redo brings it back.
    f.doc.undoHistory()->redo();
    REQUIRE(idle(preview));
    CHECK(preview.state() == PreviewState::Ready);
    CHECK_FALSE(preview.plane(ViewAxis::XY, 1, f.uid).isNull());

    // Off: nothing drawn, features freed; on again: the preview comes back.
    preview.setEnabled(false);
    CHECK(preview.plane(ViewAxis::XY, 1, f.uid).isNull());
    CHECK_FALSE(preview.hasFeatures());
    CHECK(preview.statusText() == "Live classifier preview is off.");
    preview.setEnabled(true);
    REQUIRE(idle(preview));
    CHECK(preview.state() == PreviewState::Ready);
    CHECK_FALSE(preview.plane(ViewAxis::XY, 1, f.uid).isNull());

    // A new image drops everything.
    f.doc.setImage(twoHalves(), "again");
    CHECK_FALSE(preview.hasFeatures());
    CHECK(preview.plane(ViewAxis::XY, 1, f.uid).isNull());
}

TEST_CASE("the live preview needs strokes of both classes and says so", "[ui][preview]") {
    Fixture f;
    ClassifierPreview preview(&f.doc);
    preview.setOptions(smallForest());
    int planes = 0;
    QObject::connect(&preview, &ClassifierPreview::planeReady, [&] { ++planes; });
    REQUIRE(idle(preview));
    CHECK(preview.state() == PreviewState::NeedStrokes);
    CHECK(preview.statusText().contains("object and background strokes"));

    f.setStrokes(strokesAt(10, -1));
    REQUIRE(idle(preview));
    CHECK(preview.state() == PreviewState::NeedStrokes);
    CHECK(preview.statusText().contains("background strokes too"));
    CHECK(preview.plane(ViewAxis::XY, f.doc.cursor().z, f.uid).isNull());

    f.setStrokes(strokesAt(-1, 36));
    REQUIRE(idle(preview));
    CHECK(preview.state() == PreviewState::NeedStrokes);
    CHECK(preview.statusText().contains("object strokes too"));
    CHECK(planes == 0);
    CHECK(preview.trainings() == 0);
}

TEST_CASE("a newer preview request supersedes an older one", "[ui][preview]") {
    Fixture f;
    ClassifierPreview preview(&f.doc);
    preview.setOptions(smallForest());
    f.doc.setCursor({4, 20, 24});
    // Features first, so that the requests below run at once.
    f.setStrokes(strokesAt(10, -1));
    REQUIRE(idle(preview));
    REQUIRE(preview.hasFeatures());

    // Every plane shown, as "object on the left" (true) or "on the right" (false).
    std::vector<bool> shownLeft;
    QObject::connect(&preview, &ClassifierPreview::planeReady, [&](ViewAxis axis) {
        if (axis != ViewAxis::XY)
            return;
        const Volume p = preview.plane(ViewAxis::XY, 4, f.uid);
        shownLeft.push_back(meanOver(p, 2, 20) > meanOver(p, 28, 46));
    });

    SECTION("superseded while it runs: cancelled") {
        f.setStrokes(strokesAt(10, 36)); // object left: starts a request
        f.setStrokes(strokesAt(36, 10)); // swapped, before the first could be shown
    }
    SECTION("superseded after it finished but before its result arrived: dropped") {
        f.setStrokes(strokesAt(10, 36));
        // The worker finishes and queues its result; no events run meanwhile.
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        f.setStrokes(strokesAt(36, 10));
    }
    REQUIRE(idle(preview));
    REQUIRE(preview.state() == PreviewState::Ready);
    CHECK(preview.droppedResults() >= 1);
    REQUIRE_FALSE(shownLeft.empty());
    for (const bool left : shownLeft)
        CHECK_FALSE(left); // the older strokes' preview never appeared
    const Volume p = preview.plane(ViewAxis::XY, 4, f.uid);
    CHECK(meanOver(p, 28, 46) > 0.8 * 255);
    CHECK(meanOver(p, 2, 20) < 0.2 * 255);
}

TEST_CASE("the live preview's worker gives the older strokes' answer it would have shown",
          "[ui][preview]") {
    // The request of the test above, run directly: it does differ from the newer one,
    // so the check there is not vacuous.
    Fixture f;
    auto features = std::make_shared<const FeatureStack>(
        computeVoxelFeatures(f.doc.image(), smallForest().features));
    PreviewRequest q;
    q.features = features;
    q.image = f.doc.image();
    q.strokes = strokesAt(10, 36);
    q.options = smallForest();
    q.planes = {{ViewAxis::XY, 4}};
    const PreviewResult r = runPreviewRequest(q);
    REQUIRE(r.forest);
    REQUIRE(r.planes.size() == 1);
    CHECK(meanOver(r.planes[0].probability, 2, 20) > 0.8 * 255);
    // Cancelled before it starts: the forest may be trained, no plane is.
    auto cancel = std::make_shared<CancelToken>();
    cancel->cancel();
    const PreviewResult c = runPreviewRequest(q, Progress({}, cancel));
    CHECK(c.cancelled);
    CHECK(c.planes.empty());
}

TEST_CASE("without memory for the features the preview says so and stays off", "[ui][preview]") {
    Fixture f;
    ClassifierPreview preview(&f.doc);
    preview.setOptions(smallForest());
    // Enough for the strokes and their snapshot, not for 19 bytes per voxel.
    setMemoryLimitOverride(std::uint64_t(kShape.voxelCount()) * 4);
    f.setStrokes(strokesAt(10, 36));
    const bool done = idle(preview);
    setMemoryLimitOverride(std::nullopt);
    REQUIRE(done);
    CHECK(preview.state() == PreviewState::Unavailable);
    INFO(preview.statusText().toStdString());
    CHECK(preview.statusText().startsWith("Live preview off: "));
    CHECK(preview.statusText().contains("memory"));
    CHECK(preview.plane(ViewAxis::XY, f.doc.cursor().z, f.uid).isNull());
    // Painting and undo go on as before.
    f.paint(kStrokeValueObject, 12);
    f.doc.undoHistory()->undo();
    CHECK(f.doc.undoHistory()->index() == 1);
}

TEST_CASE("the window draws the live preview on the phantom and its switches turn it off",
          "[ui][preview]") {
    MainWindow window;
    scriptPrompts(window);
    window.resize(1100, 800);
    window.show();
    openDemo(window, 48);
    ClassifierPreview* preview = window.classifierPreview();
    preview->setOptions(smallForest());
    QCheckBox* box = window.toolPanel()->previewCheckBox();
    QAction* action = nullptr;
    for (QAction* a : window.findChildren<QAction*>())
        if (a->text() == "&Live classifier preview")
            action = a;
    REQUIRE(action != nullptr);
    CHECK(box->isChecked()); // on by default, in both places
    CHECK(action->isChecked());

    strokeOrganelle(window, 0, 1); // mitochondria, with the mouse on all three views
    REQUIRE(waitFor([&] { return preview->isIdle(); }, 20000));
    INFO(preview->statusText().toStdString());
    REQUIRE(preview->state() == PreviewState::Ready);
    CHECK(window.toolPanel()->previewStatus()->text() == preview->statusText());
    SliceView* xy = window.sliceView(0);
    REQUIRE_FALSE(
        preview->plane(ViewAxis::XY, xy->slice(), window.document()->organelle(0).uid).isNull());
    const QImage with = xy->sliceImage();

    // The tool panel's box turns it off (the menu follows), and the views redraw.
    box->click();
    CHECK_FALSE(preview->isEnabled());
    CHECK_FALSE(action->isChecked());
    CHECK(preview->statusText() == window.toolPanel()->previewStatus()->text());
    const QImage without = xy->sliceImage();
    REQUIRE(with.size() == without.size());
    // The phantom's mitochondria are tinted only with the preview (organelle 0 is the
    // XY view's most coloured organelle there).
    CHECK(colouredPixels(with) > colouredPixels(without) + 20);
    // The menu turns it on again.
    action->trigger();
    CHECK(preview->isEnabled());
    CHECK(box->isChecked());
}
