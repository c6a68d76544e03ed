#include "ui/model/SliceGeometry.h"
#include "ui/render/SliceRenderer.h"
#include "ui/widgets/MainWindow.h"
#include "ui/widgets/SliceView.h"

#include "core/phantom/Phantom.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <catch2/catch.hpp>

#include <filesystem>

using namespace cisterna;
using namespace cisterna::ui;

namespace {

// A volume whose voxel value encodes its position, so a pixel tells where it came from.
Volume rampVolume(const Shape3& shape) {
    Volume v = Volume::allocate(DataType::UInt8, shape);
    auto view = v.view<std::uint8_t>();
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x)
                view(z, y, x) = std::uint8_t(z * 10 + x);
    return v;
}

bool waitFor(const std::function<bool()>& condition, int ms = 30000) {
    QElapsedTimer timer;
    timer.start();
    while (!condition() && timer.elapsed() < ms)
        QTest::qWait(20);
    return condition();
}

} // namespace

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

TEST_CASE("the slice renderer applies the window and blends labels", "[ui]") {
    Volume image = rampVolume({2, 4, 5});
    Volume labels = Volume::allocate(DataType::UInt8, {2, 4, 5}, VolumeRole::Label);
    labels.view<std::uint8_t>()(1, 0, 0) = 1;
    SliceRenderRequest r;
    r.geometry.shape = image.shape();
    r.slice = 1;
    r.windowLevel = 12;
    r.windowWidth = 8; // 8..16 maps to 0..255
    r.labelOpacity = 1.0;
    const QImage img = renderSlice(image, &labels, r);
    REQUIRE(img.width() == 5);
    REQUIRE(img.height() == 4);
    REQUIRE(QColor(img.pixel(0, 0)) == labelColour(1));           // fully opaque label
    REQUIRE(qGray(img.pixel(2, 1)) == int((12 - 8) * 255.0 / 8)); // value 12
    REQUIRE(qGray(img.pixel(4, 1)) == int((14 - 8) * 255.0 / 8)); // value 14
    REQUIRE(qGray(renderSlice(image, nullptr, r).pixel(0, 0)) == int((10 - 8) * 255.0 / 8));
}

TEST_CASE("the main window shows three linked views that follow the cursor", "[ui]") {
    MainWindow window;
    window.resize(900, 700);
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
    const QRectF r = xy->imageRect();
    const QPoint click((r.left() + r.width() * (10.5 / 50)), (r.top() + r.height() * (20.5 / 40)));
    QTest::mouseClick(xy, Qt::LeftButton, {}, click);
    const Index3 c = window.document()->cursor();
    REQUIRE(c.x == 10);
    REQUIRE(c.y == 20);
    REQUIRE(c.z == 3);

    // The wheel steps slices along the view's axis and is clamped at the end.
    QWheelEvent wheel(QPointF(click), xy->mapToGlobal(QPointF(click)), {}, QPoint(0, 240),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(xy, &wheel);
    REQUIRE(window.document()->cursor().z == 5);
    QApplication::sendEvent(xy, &wheel);
    REQUIRE(window.document()->cursor().z == 5);

    // The rendered XY slice shows slice 5: value z*10 + x.
    const QImage grabbed = xy->grab().toImage();
    const int expected = 5 * 10 + 10;
    const double level = window.document()->windowLevel(), width = window.document()->windowWidth();
    const int grey = int(std::clamp((expected - (level - width / 2)) * 255.0 / width, 0.0, 255.0));
    const QPoint probe((r.left() + r.width() * (10.5 / 50)) + 2,
                       (r.top() + r.height() * (5.5 / 40)));
    REQUIRE(std::abs(qGray(grabbed.pixel(probe)) - grey) <= 2);
}

TEST_CASE("the demo phantom opens in the background and a screenshot is saved", "[ui][phantom]") {
    MainWindow window;
    window.resize(1100, 900);
    window.show();
    QSignalSpy finished(&window, &MainWindow::loadFinished);
    window.openDemo(96);
    REQUIRE(window.isBusy());
    REQUIRE(waitFor([&] { return finished.count() > 0; }));
    REQUIRE(finished.at(0).at(0).toBool());
    REQUIRE(window.document()->image().shape() == Shape3{96, 96, 96});
    REQUIRE_FALSE(window.document()->labels().isNull());
    QApplication::processEvents();
    const QImage shot = window.grab().toImage();
    const auto dir = std::filesystem::path(CISTERNA_BINARY_DIR) / "screenshots";
    std::filesystem::create_directories(dir);
    REQUIRE(shot.save(QString::fromStdString((dir / "main-window-phantom.png").string())));
    // Organelle colours are on screen: some pixel is clearly not grey.
    int coloured = 0;
    for (int y = 0; y < shot.height(); y += 3)
        for (int x = 0; x < shot.width(); x += 3) {
            const QColor c(shot.pixel(x, y));
            coloured += std::abs(c.red() - c.blue()) > 60;
        }
    REQUIRE(coloured > 100);
}

TEST_CASE("a file that cannot be read is reported, and the open volume is kept", "[ui]") {
    MainWindow window;
    Volume image = rampVolume({2, 8, 8});
    window.document()->setImage(image, "kept");
    QSignalSpy finished(&window, &MainWindow::loadFinished);
    window.openFile("/nonexistent/volume.h5");
    REQUIRE(waitFor([&] { return finished.count() > 0; }));
    REQUIRE_FALSE(finished.at(0).at(0).toBool());
    REQUIRE(finished.at(0).at(1).toString().contains("no such file"));
    REQUIRE(window.document()->name() == "kept");
}
