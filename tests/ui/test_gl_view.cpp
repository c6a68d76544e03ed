// The VTK 3D view hosted in a Qt 6 QOpenGLWidget, in a real window under Xvfb (these
// tests are tagged [gl] and run with the xcb platform; see CMakeLists.txt).
#include "UiTestSupport.h"

#include "ui/model/DocumentModel.h"
#include "ui/render/Scene3D.h"
#include "ui/render/SceneUpdater.h"
#include "ui/widgets/ThreeDView.h"
#include "ui/widgets/VtkGLWidget.h"

#include <QApplication>
#include <QMouseEvent>
#include <QTest>
#include <catch2/catch.hpp>

using namespace cisterna;
using namespace cisterna::ui;
using namespace cisterna::test;

namespace {

Volume ballLabels(const Shape3& shape, double r) {
    Volume v = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    auto a = v.view<std::uint8_t>();
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x) {
                const double dz = z - shape.z / 2.0, dy = y - shape.y / 2.0, dx = x - shape.x / 2.0;
                a(z, y, x) = dz * dz + dy * dy + dx * dx <= r * r;
            }
    return v;
}

bool orange(QRgb p) {
    const QColor c(p);
    return c.red() > 120 && c.red() > c.blue() + 60 && c.green() > c.blue();
}

} // namespace

TEST_CASE("the 3D view shows a coloured surface of a labelled object", "[gl]") {
    REQUIRE(ThreeDView::openGLAvailable());
    DocumentModel doc;
    Scene3D scene;
    SceneUpdater updater(&doc, &scene);
    ThreeDView view(&scene);
    QObject::connect(&updater, &SceneUpdater::sceneChanged, &view, &ThreeDView::sceneChanged);
    REQUIRE(view.hasGL());
    view.resize(420, 360);
    view.show();
    REQUIRE(QTest::qWaitForWindowExposed(&view));

    doc.setImage(rampVolume({40, 40, 40}), "ball");
    scene.setPlanesVisible(false); // only the surface, against the background
    const int o = doc.addOrganelle("mito", QColor(255, 140, 0));
    doc.setOrganelleOpacity(o, 1.0);
    QApplication::processEvents();
    const QImage empty = view.grabScene();
    REQUIRE(empty.size() == QSize(420, 360) * view.devicePixelRatioF());
    const QPoint centre(empty.width() / 2, empty.height() / 2);
    REQUIRE_FALSE(orange(empty.pixel(centre)));

    doc.setLayer(o, Layer::Truth, ballLabels({40, 40, 40}, 12));
    updater.flush();
    REQUIRE(waitFor([&] { return updater.pendingCount() == 0; }));
    scene.resetCamera();
    const QImage shot = view.grabScene();
    shot.save(QString::fromStdString(screenshotDir() + "/3d-view-ball.png"));
    // The object fills the middle of the view in its colour, lit (not flat): the
    // background stays in the corners.
    int inside = 0;
    for (int dy = -20; dy <= 20; dy += 5)
        for (int dx = -20; dx <= 20; dx += 5)
            inside += orange(shot.pixel(centre + QPoint(dx, dy)));
    REQUIRE(inside >= 75);
    for (const QPoint corner : {QPoint(2, 2), QPoint(shot.width() - 3, shot.height() - 3)})
        REQUIRE_FALSE(orange(shot.pixel(corner)));
    REQUIRE(qAlpha(shot.pixel(2, 2)) == 255);

    // A left drag rotates the camera through the VTK interactor: a new render, the
    // ball (round from every side) still in the middle.
    const int renders = view.glWidget()->renderCount();
    VtkGLWidget* gl = view.glWidget();
    const QPointF a(100, 180), b(220, 150);
    QMouseEvent press(QEvent::MouseButtonPress, a, gl->mapToGlobal(a), Qt::LeftButton,
                      Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(gl, &press);
    QMouseEvent move(QEvent::MouseMove, b, gl->mapToGlobal(b), Qt::NoButton, Qt::LeftButton,
                     Qt::NoModifier);
    QApplication::sendEvent(gl, &move);
    QMouseEvent release(QEvent::MouseButtonRelease, b, gl->mapToGlobal(b), Qt::LeftButton,
                        Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(gl, &release);
    const QImage rotated = view.grabScene();
    REQUIRE(view.glWidget()->renderCount() > renders);
    REQUIRE(orange(rotated.pixel(centre)));

    // The planes of the image show in place when switched on (grey, not background).
    scene.setPlanesVisible(true);
    doc.setOrganelleVisible(o, false);
    view.sceneChanged();
    const QImage planes = view.grabScene();
    REQUIRE_FALSE(orange(planes.pixel(centre)));
    REQUIRE(planes != shot);
}
