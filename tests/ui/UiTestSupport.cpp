#include "UiTestSupport.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QTest>

#include <catch2/catch.hpp>

#include <filesystem>

namespace cisterna::test {

Volume rampVolume(const Shape3& shape) {
    Volume v = Volume::allocate(DataType::UInt8, shape);
    auto view = v.view<std::uint8_t>();
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x)
                view(z, y, x) = std::uint8_t(z * 10 + x);
    return v;
}

bool waitFor(const std::function<bool()>& condition, int ms) {
    QElapsedTimer timer;
    timer.start();
    while (!condition() && timer.elapsed() < ms)
        QTest::qWait(10);
    return condition();
}

ui::Job::State waitForJob(ui::Job* job, int ms) {
    REQUIRE(job != nullptr);
    waitFor([job] { return !job->isRunning(); }, ms);
    return job->state();
}

void openDemo(ui::MainWindow& window, int size, std::uint64_t seed) {
    QSignalSpy finished(&window, &ui::MainWindow::loadFinished);
    window.openDemo(size, seed);
    REQUIRE(waitFor([&] { return finished.count() > 0; }));
    REQUIRE(finished.at(0).at(0).toBool());
}

void dragStroke(QWidget* view, const std::vector<QPointF>& points,
                Qt::KeyboardModifiers modifiers) {
    REQUIRE(!points.empty());
    const auto send = [&](QEvent::Type type, const QPointF& p, Qt::MouseButton button,
                          Qt::MouseButtons buttons) {
        QMouseEvent event(type, p, view->mapToGlobal(p), button, buttons, modifiers);
        QApplication::sendEvent(view, &event);
    };
    send(QEvent::MouseButtonPress, points.front(), Qt::LeftButton, Qt::LeftButton);
    for (std::size_t i = 1; i < points.size(); ++i)
        send(QEvent::MouseMove, points[i], Qt::NoButton, Qt::LeftButton);
    send(QEvent::MouseButtonRelease, points.back(), Qt::LeftButton, Qt::NoButton);
}

ScriptedPrompts* scriptPrompts(ui::MainWindow& window) {
    auto prompts = std::make_unique<ScriptedPrompts>();
    ScriptedPrompts* raw = prompts.get();
    window.setPrompts(std::move(prompts));
    return raw;
}

void strokeOrganelle(ui::MainWindow& window, int organelle, std::uint8_t label,
                     int strokesPerView) {
    ui::DocumentModel* doc = window.document();
    const auto t = doc->referenceLabels().view<std::uint8_t>();
    doc->setActiveOrganelle(organelle);
    const double userRadius = window.tools()->radiusVoxels();
    window.tools()->setRadiusVoxels(0); // one-voxel strokes: exactly where the test aims
    for (int v = 0; v < 3; ++v) {
        ui::SliceView* view = window.sliceView(v);
        const ui::SliceGeometry g = view->geometry();
        const auto is = [&](std::int64_t slice, std::int64_t c, std::int64_t r) {
            return c >= 0 && r >= 0 && c < g.columns() && r < g.rows() &&
                   t(g.voxelAt(slice, c, r)) == label;
        };
        // The slice of this view with the most voxels of the organelle, and of the
        // rest: room for strokes of both kinds (a large nucleus fills whole slices).
        const std::int64_t area = g.rows() * g.columns();
        std::int64_t best = 0, bestCount = -1;
        for (std::int64_t k = 0; k < g.sliceCount(); ++k) {
            std::int64_t n = 0;
            for (std::int64_t r = 0; r < g.rows(); ++r)
                for (std::int64_t c = 0; c < g.columns(); ++c)
                    n += is(k, c, r);
            if (std::min(n, area - n) > std::min(bestCount, area - bestCount)) {
                bestCount = n;
                best = k;
            }
        }
        REQUIRE(bestCount > 20);
        const Index3 cursor = doc->cursor();
        doc->setCursor(g.voxelAt(best, g.columnOf(cursor), g.rowOf(cursor)));
        REQUIRE(view->slice() == best);
        // Whether the organelle covers (want) or misses (!want) the whole box of
        // columns c0..c1 and rows r-margin..r+margin.
        const auto box = [&](std::int64_t c0, std::int64_t c1, std::int64_t r, std::int64_t margin,
                             bool want) {
            for (std::int64_t rr = r - margin; rr <= r + margin; ++rr)
                for (std::int64_t cc = c0; cc <= c1; ++cc)
                    if (is(best, cc, rr) != want)
                        return false;
            return true;
        };
        // Object: along every other row, the first run of 5 voxels well inside.
        window.tools()->setTool(ui::Tool::ObjectBrush);
        int strokes = 0;
        for (std::int64_t r = 2; r < g.rows() - 2 && strokes < strokesPerView; r += 2)
            for (std::int64_t c = 1; c + 5 < g.columns(); ++c)
                if (box(c - 1, c + 5, r, 1, true)) {
                    dragStroke(view,
                               {view->positionOfVoxel(c, r), view->positionOfVoxel(c + 4, r)});
                    ++strokes;
                    break;
                }
        REQUIRE(strokes > 0);
        // Background: short strokes well away from the organelle.
        window.tools()->setTool(ui::Tool::BackgroundBrush);
        strokes = 0;
        for (std::int64_t r = 2; r < g.rows() - 2 && strokes < 2 * strokesPerView; r += 4)
            for (std::int64_t c = 2; c + 8 < g.columns(); c += 7)
                if (box(c - 2, c + 8, r, 2, false)) {
                    dragStroke(view,
                               {view->positionOfVoxel(c, r), view->positionOfVoxel(c + 6, r)});
                    ++strokes;
                }
        INFO("view " << v << ", slice " << best << ": " << bestCount << " of " << area
                     << " voxels are the organelle");
        REQUIRE(strokes > 0);
    }
    window.tools()->setTool(ui::Tool::Navigate);
    window.tools()->setRadiusVoxels(userRadius);
}

int colouredPixels(const QImage& image, const QRect& rect) {
    const QRect r = rect.isNull() ? image.rect() : rect.intersected(image.rect());
    int n = 0;
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x) {
            const QColor c(image.pixel(x, y));
            const int spread =
                std::max({c.red(), c.green(), c.blue()}) - std::min({c.red(), c.green(), c.blue()});
            n += spread > 60;
        }
    return n;
}

std::string screenshotDir() {
    const auto dir = std::filesystem::path(CISTERNA_BINARY_DIR) / "screenshots";
    std::filesystem::create_directories(dir);
    return dir.string();
}

} // namespace cisterna::test
