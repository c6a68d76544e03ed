// Slice geometry, the slice renderer and the three linked views.
#include "UiTestSupport.h"

#include "ui/model/SliceGeometry.h"
#include "ui/render/LazySliceRenderer.h"
#include "ui/render/SliceRenderer.h"
#include "ui/widgets/MainWindow.h"
#include "ui/widgets/SliceView.h"

#include "core/io/VolumeIO.h"
#include "core/io/lazy/PyramidWriter.h"

#include <QApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>
#include <catch2/catch.hpp>

using namespace cisterna;
using namespace cisterna::ui;
using namespace cisterna::test;

TEST_CASE("slice geometry maps view pixels to voxels on every axis", "[ui]") {
    SliceGeometry g;
    g.shape = {10, 20, 30};
    g.voxelSize = {40, 5, 5};
    g.axis = ViewAxis::XZ;
    REQUIRE(g.columns() == 30);
    REQUIRE(g.rows() == 10);
    REQUIRE(g.sliceCount() == 20);
    REQUIRE(g.rowSpacing() == 40);
    REQUIRE(g.voxelAt(7, 3, 2) == Index3{2, 7, 3});
    g.axis = ViewAxis::YZ;
    REQUIRE(g.voxelAt(7, 3, 2) == Index3{2, 3, 7});
    REQUIRE(g.sliceOf({2, 3, 7}) == 7);
    REQUIRE(g.columnOf({2, 3, 7}) == 3);
}

TEST_CASE("the slice renderer applies the window and draws each overlay", "[ui]") {
    const Shape3 shape{2, 4, 5};
    Volume image = rampVolume(shape);
    SliceRenderRequest r;
    r.geometry.shape = shape;
    r.slice = 1;
    r.windowLevel = 12;
    r.windowWidth = 8; // 8..16 maps to 0..255
    SECTION("grey values") {
        const QImage img = renderSlice(image, r);
        REQUIRE(img.width() == 5);
        REQUIRE(img.height() == 4);
        REQUIRE(qGray(img.pixel(2, 1)) == int((12 - 8) * 255.0 / 8)); // value 12
        REQUIRE(qGray(img.pixel(4, 1)) == int((14 - 8) * 255.0 / 8)); // value 14
        REQUIRE(qGray(img.pixel(0, 0)) == int((10 - 8) * 255.0 / 8));
    }
    SECTION("strokes, labels and the thresholded prediction") {
        SliceOverlay o;
        o.colour = QColor(255, 0, 0);
        o.opacity = 1.0;
        o.threshold = 0.5;
        o.strokes = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
        o.truth = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
        o.prediction = Volume::allocate(DataType::UInt8, shape);
        o.strokes.view<std::uint8_t>()(1, 0, 0) = 2;      // background stroke
        o.truth.view<std::uint8_t>()(1, 2, 2) = 1;        // label
        o.prediction.view<std::uint8_t>()(1, 3, 4) = 200; // p = 0.78 > 0.5
        o.prediction.view<std::uint8_t>()(1, 3, 3) = 100; // p = 0.39 < 0.5
        r.overlays.push_back(o);
        const QImage img = renderSlice(image, r);
        const QColor stroke(img.pixel(0, 0));
        REQUIRE(stroke.blue() > stroke.red()); // the background-stroke blue
        REQUIRE(QColor(img.pixel(2, 2)) == QColor(255, 0, 0));
        REQUIRE(QColor(img.pixel(4, 3)).red() == 255);                // outlined
        REQUIRE(qGray(img.pixel(3, 3)) == int((13 - 8) * 255.0 / 8)); // below threshold
        REQUIRE(qGray(img.pixel(1, 1)) == int((11 - 8) * 255.0 / 8)); // untouched
    }
    SECTION("the other two axes read the right voxels") {
        r.geometry.axis = ViewAxis::XZ;
        r.slice = 3; // y = 3: columns x, rows z
        r.windowLevel = 127.5;
        r.windowWidth = 255;
        QImage img = renderSlice(image, r);
        REQUIRE(img.size() == QSize(5, 2));
        REQUIRE(qGray(img.pixel(4, 1)) == 14);
        r.geometry.axis = ViewAxis::YZ;
        r.slice = 2; // x = 2: columns y, rows z
        img = renderSlice(image, r);
        REQUIRE(img.size() == QSize(4, 2));
        REQUIRE(qGray(img.pixel(3, 1)) == 12);
        REQUIRE(qGray(img.pixel(0, 0)) == 2);
    }
}

TEST_CASE("the main window shows three linked views that follow the cursor", "[ui]") {
    MainWindow window;
    scriptPrompts(window);
    window.resize(1200, 800);
    window.show();
    Volume image = rampVolume({6, 40, 50});
    image.setVoxelSize({30, 5, 5}); // anisotropic: XZ rows are 6x taller than columns
    window.document()->setImage(image, "ramp");
    QApplication::processEvents();

    SliceView* xy = window.sliceView(0);
    SliceView* xz = window.sliceView(1);
    REQUIRE(xy->axis() == ViewAxis::XY);
    const QRectF xzRect = xz->imageRect();
    // Aspect ratio of the XZ view is physical: 50*5 nm wide, 6*30 nm high.
    REQUIRE(xzRect.width() / xzRect.height() == Approx(250.0 / 180.0).epsilon(0.01));

    // Clicking in the XY view moves the crosshair to that voxel.
    const QPointF click = xy->positionOfVoxel(10, 20);
    QTest::mouseClick(xy, Qt::LeftButton, {}, click.toPoint());
    const Index3 c = window.document()->cursor();
    REQUIRE(c == Index3{3, 20, 10});

    // The wheel steps slices along the view's axis and is clamped at the end.
    QWheelEvent wheel(click, xy->mapToGlobal(click), {}, QPoint(0, 240), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(xy, &wheel);
    REQUIRE(window.document()->cursor().z == 5);
    QApplication::sendEvent(xy, &wheel);
    REQUIRE(window.document()->cursor().z == 5);
    // Keys step too.
    QTest::keyClick(xy, Qt::Key_Down);
    REQUIRE(window.document()->cursor().z == 4);

    // The rendered XY slice shows slice 4: value z*10 + x.
    const QImage grabbed = xy->grab().toImage();
    const double level = window.document()->windowLevel(), width = window.document()->windowWidth();
    // Probed away from the crosshair (column 10, row 20) and the view's caption.
    const int grey =
        int(std::clamp((4 * 10 + 30 - (level - width / 2)) * 255.0 / width, 0.0, 255.0));
    const QPointF probe = xy->positionOfVoxel(30, 28);
    REQUIRE(std::abs(qGray(grabbed.pixel(probe.toPoint())) - grey) <= 2);

    // Ctrl+wheel zooms about the mouse: the voxel under it stays under it.
    const auto before = xy->voxelAtPosition(click);
    QWheelEvent zoom(click, xy->mapToGlobal(click), {}, QPoint(0, 360), Qt::NoButton,
                     Qt::ControlModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(xy, &zoom);
    REQUIRE(window.document()->viewSettings(0).zoom == Approx(1.25 * 1.25 * 1.25));
    REQUIRE(xy->voxelAtPosition(click) == before);
    // Dragging with the right button pans: the image moves with the mouse.
    const QRectF beforePan = xy->imageRect();
    QMouseEvent press(QEvent::MouseButtonPress, click, xy->mapToGlobal(click), Qt::RightButton,
                      Qt::RightButton, Qt::NoModifier);
    QApplication::sendEvent(xy, &press);
    const QPointF moved = click + QPointF(30, -20);
    QMouseEvent move(QEvent::MouseMove, moved, xy->mapToGlobal(moved), Qt::NoButton,
                     Qt::RightButton, Qt::NoModifier);
    QApplication::sendEvent(xy, &move);
    QMouseEvent release(QEvent::MouseButtonRelease, moved, xy->mapToGlobal(moved), Qt::RightButton,
                        Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(xy, &release);
    REQUIRE(xy->imageRect().left() == Approx(beforePan.left() + 30).margin(0.01));
    REQUIRE(xy->imageRect().top() == Approx(beforePan.top() - 20).margin(0.01));
}

TEST_CASE("a browsed volume is drawn from what is cached, never waiting, until complete",
          "[ui][lazy]") {
    QTemporaryDir dir;
    Volume image = rampVolume({6, 40, 50});
    image.setVoxelSize({30, 5, 5});
    const std::string source = dir.filePath("ramp.nrrd").toStdString();
    writeVolume(source, image);
    const std::string path = dir.filePath("ramp.ome.zarr").toStdString();
    PyramidOptions options;
    options.screenExtent = 16;
    options.write.chunkShape = Shape3{2, 8, 8};
    writePyramid(*LazyVolume::open(source), path, options);

    // The renderer: nothing cached draws black and says so; after the read-ahead the
    // same plan draws what the dense renderer draws.
    {
        auto pyramid = std::make_shared<LazyPyramid>(LazyPyramid::open(path));
        SliceGeometry g{ViewAxis::XZ, image.shape(), image.voxelSize()};
        const LazySlicePlan plan = planLazySlice(*pyramid, g, 7, 0, 50, 0, 6, 8, 40);
        REQUIRE(plan.level == 0);
        const LazySliceImage first = renderLazySlice(*pyramid, plan, ViewAxis::XZ, 127.5, 255);
        CHECK_FALSE(first.complete);
        CHECK(qGray(first.image.pixel(20, 3)) == 0);
        pyramid->level(0).waitForPrefetch();
        const LazySliceImage later = renderLazySlice(*pyramid, plan, ViewAxis::XZ, 127.5, 255);
        CHECK(later.complete);
        SliceRenderRequest dense;
        dense.geometry = g;
        dense.slice = 7;
        CHECK(later.image == renderSlice(image, dense));
    }

    // In the window: browsing shows the volume, moves the cursor, refuses to paint.
    MainWindow window;
    scriptPrompts(window);
    window.resize(1200, 800);
    window.show();
    auto pyramid = std::make_shared<LazyPyramid>(LazyPyramid::open(path));
    window.document()->setBrowsedVolume(pyramid, image.crop({{3, 0, 0}, {1, 40, 50}}), "ramp",
                                        QString::fromStdString(path));
    SliceView* xy = window.sliceView(0);
    const QPointF probe = xy->positionOfVoxel(30, 28);
    const double level = window.document()->windowLevel(), width = window.document()->windowWidth();
    const int grey =
        int(std::clamp((3 * 10 + 30 - (level - width / 2)) * 255.0 / width, 0.0, 255.0));
    REQUIRE(waitFor(
        [&] {
            QApplication::processEvents();
            return std::abs(qGray(xy->grab().toImage().pixel(probe.toPoint())) - grey) <= 2;
        },
        10000));
    const QPointF click = xy->positionOfVoxel(10, 20);
    QTest::mouseClick(xy, Qt::LeftButton, {}, click.toPoint());
    CHECK(window.document()->cursor() == Index3{3, 20, 10});
    window.tools()->setTool(Tool::ObjectBrush);
    QSignalSpy said(xy, &SliceView::message);
    QTest::mouseClick(xy, Qt::LeftButton, {}, click.toPoint());
    REQUIRE(said.count() == 1);
    CHECK(said.first().first().toString().contains("only browsed"));
    CHECK(window.document()->organelleCount() == 0);
}

TEST_CASE("the views stay smooth on a 1024^3 uint8 volume", "[ui][large]") {
    MainWindow window;
    scriptPrompts(window);
    window.resize(1200, 800);
    window.show();
    // calloc hands out zero pages lazily: 1 GiB of address space, little real memory.
    const Shape3 shape{1024, 1024, 1024};
    Volume image = Volume::allocate(DataType::UInt8, shape);
    auto v = image.view<std::uint8_t>();
    for (std::int64_t i = 0; i < 1024; i += 8) // a bright diagonal: each slice differs
        v(i, i, i) = 255;
    window.document()->setImage(image, "big");
    window.document()->setWindow(127.5, 255);
    window.document()->addOrganelle("mito");
    QApplication::processEvents();
    SliceView* views[3] = {window.sliceView(0), window.sliceView(1), window.sliceView(2)};
    for (SliceView* s : views)
        s->repaint();

    // Smoothness comes from the work per step: a slice step renders exactly one slice
    // of the stepped view (never the volume), the other views only move their
    // crosshair. (Render times are printed, not asserted: they depend on the machine.)
    double slowest = 0;
    for (int view = 0; view < 3; ++view) {
        SliceView* s = views[view];
        for (int step = 0; step < 8; ++step) {
            int before[3];
            for (int k = 0; k < 3; ++k)
                before[k] = views[k]->renderCount();
            s->stepSlice(1);
            for (SliceView* each : views)
                each->repaint();
            REQUIRE(s->renderCount() == before[view] + 1);
            for (int k = 0; k < 3; ++k)
                if (k != view)
                    REQUIRE(views[k]->renderCount() == before[k]);
            slowest = std::max(slowest, s->renderMilliseconds());
        }
        // The rendered slice is the new one: on slice 8 the diagonal mark sits at
        // (8, 8, 8), in the right place of this view's image.
        while (s->slice() % 8 != 0)
            s->stepSlice(1);
        s->repaint();
        const Index3 c = window.document()->cursor();
        const std::int64_t k = s->slice();
        const Index3 mark{k, k, k};
        const SliceGeometry g = s->geometry();
        const std::int64_t column = g.columnOf(mark), row = g.rowOf(mark);
        REQUIRE(g.sliceOf(c) == k);
        REQUIRE(qGray(s->sliceImage().pixel(int(column), int(row))) == 255);
        REQUIRE(qGray(s->sliceImage().pixel(int(column) + 1, int(row))) == 0);
    }
    WARN("slowest 1024x1024 slice render: " << slowest << " ms");
}
