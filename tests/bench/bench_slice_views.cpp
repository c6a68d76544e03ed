// How smooth the slice views are on a large volume (default 1024^3 uint8): the time
// to render one slice of each axis with an organelle's strokes, labels and
// prediction over it, and, in a real main window, the time from one slice step to
// the three slice views painted again, and the 3D view's next frame. Run it on a
// desktop, under xvfb-run, or on the offscreen platform (no 3D view):
//   xvfb-run -a -s "-screen 0 1920x1200x24" build/bin/bench_slice_views [size] [steps]
//   QT_QPA_PLATFORM=offscreen build/bin/bench_slice_views [size] [steps]
// With --browse PATH it browses a volume lazily instead (issue 10; run it under
// CISTERNA_MEMORY_LIMIT=4G on the file bench_big_volume writes): the time to the first
// complete picture, slice steps while the read-ahead fills the cache and again over
// cached planes, and zooming out to the whole section.
//   QT_QPA_PLATFORM=offscreen build/bin/bench_slice_views --browse big.ome.zarr [steps]
// Under Xvfb, Qt composes a window holding an OpenGL widget in software OpenGL,
// which adds about 25 ms to every repaint; the offscreen platform shows the cost
// without that.
#include "ui/render/SliceRenderer.h"
#include "ui/widgets/MainWindow.h"
#include "ui/widgets/SliceView.h"
#include "ui/widgets/ThreeDView.h"

#include "core/util/PeakMemory.h"
#include "core/util/Stopwatch.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace cisterna;
using namespace cisterna::ui;

namespace {

// EM-like enough for the renderer (whose cost does not depend on the values): a
// cheap hash per voxel, filled slab by slab so a 1 GiB volume takes seconds.
Volume syntheticImage(std::int64_t n) {
    Volume v = Volume::allocate(DataType::UInt8, {n, n, n}, VolumeRole::Image, "bench image");
    v.setVoxelSize({8, 4, 4});
    auto* p = static_cast<std::uint8_t*>(v.data());
    for (std::int64_t i = 0; i < n * n * n; ++i) {
        std::uint64_t h = std::uint64_t(i) * 0x9E3779B97F4A7C15ull;
        p[i] = std::uint8_t(96 + ((h >> 58) & 63));
    }
    return v;
}

// A ball of label 1 in the middle, a plane of strokes, and a probability ramp: every
// overlay kind has voxels in every slice the benchmark shows.
void fillOverlays(DocumentModel& doc, int organelle) {
    const Shape3 s = doc.shape();
    Volume& truth = doc.ensureLayer(organelle, Layer::Truth);
    Volume& strokes = doc.ensureLayer(organelle, Layer::Strokes);
    Volume& prediction = doc.ensureLayer(organelle, Layer::Prediction);
    auto t = truth.view<std::uint8_t>();
    auto st = strokes.view<std::uint8_t>();
    auto p = prediction.view<std::uint8_t>();
    const double r = s.x / 4.0;
    for (std::int64_t z = 0; z < s.z; ++z)
        for (std::int64_t y = 0; y < s.y; ++y)
            for (std::int64_t x = 0; x < s.x; ++x) {
                const double dz = z - s.z / 2.0, dy = y - s.y / 2.0, dx = x - s.x / 2.0;
                t(z, y, x) = dz * dz + dy * dy + dx * dx < r * r;
                st(z, y, x) = (y % 97 == 0) ? 1 : 0;
                p(z, y, x) = std::uint8_t((x + y) & 255);
            }
    doc.notifyLayerEdited(organelle, Layer::Truth);
    doc.notifyLayerEdited(organelle, Layer::Strokes);
    doc.notifyLayerEdited(organelle, Layer::Prediction);
}

struct Stats {
    double mean = 0, worst = 0;
};

Stats summarise(std::vector<double> ms) {
    Stats s;
    for (double m : ms)
        s.mean += m / double(ms.size());
    s.worst = *std::max_element(ms.begin(), ms.end());
    return s;
}

} // namespace

// Paints all three views until each shows a complete picture; returns the ms it took.
double paintUntilComplete(MainWindow& window, int timeoutMs = 30000) {
    QElapsedTimer clock;
    clock.start();
    for (;;) {
        bool complete = true;
        for (int k = 0; k < 3; ++k) {
            window.sliceView(k)->repaint();
            complete = complete && window.sliceView(k)->pictureComplete();
        }
        if (complete || clock.elapsed() > timeoutMs)
            return clock.nsecsElapsed() / 1e6;
        QApplication::processEvents(QEventLoop::AllEvents, 5);
    }
}

int browse(MainWindow& window, const QString& path, int steps) {
    AppModel* app = window.app();
    QElapsedTimer clock;
    clock.start();
    bool finished = false, ok = false;
    QObject::connect(app, &AppModel::loadFinished, [&](bool success, const QString&) {
        finished = true;
        ok = success;
    });
    app->browseFile(path);
    while (!finished)
        QApplication::processEvents(QEventLoop::AllEvents, 5);
    if (!ok) {
        std::fprintf(stderr, "bench_slice_views: %s did not open\n", path.toLocal8Bit().data());
        return 1;
    }
    const double opened = clock.nsecsElapsed() / 1e6;
    paintUntilComplete(window);
    std::printf("browse %s: %s, %zu levels\n", path.toLocal8Bit().data(),
                toString(window.document()->shape()).c_str(),
                window.document()->browsedVolume()->levelCount());
    std::printf("open to the first complete picture (3 views): %.0f ms (opened in %.0f ms)\n",
                clock.nsecsElapsed() / 1e6, opened);

    const char* axisNames[3] = {"XY", "XZ", "YZ"};
    for (int v = 0; v < 3; ++v) {
        SliceView* view = window.sliceView(v);
        // Zoomed in to full resolution: 4 screen pixels per voxel at most.
        view->resetView();
        while (view->imageRect().width() / view->geometry().columns() < 1.0)
            view->zoomBy(2);
        paintUntilComplete(window);
        for (int pass = 0; pass < 2; ++pass) {
            std::vector<double> ms;
            int incomplete = 0;
            for (int i = 0; i < steps; ++i) {
                QElapsedTimer step;
                step.start();
                view->stepSlice(pass == 0 ? 1 : -1);
                for (int k = 0; k < 3; ++k)
                    window.sliceView(k)->repaint();
                ms.push_back(step.nsecsElapsed() / 1e6);
                incomplete += view->pictureComplete() ? 0 : 1;
                QApplication::processEvents();
            }
            const double fill = paintUntilComplete(window);
            const Stats s = summarise(ms);
            std::printf("%s at zoom %.0fx, %s: step mean %.1f ms (%.0f steps/s), worst %.1f ms; "
                        "%d of %d pictures incomplete, complete %.0f ms after the last\n",
                        axisNames[v], window.document()->viewSettings(v).zoom,
                        pass == 0 ? "new planes" : "back over cached planes", s.mean,
                        1000.0 / s.mean, s.worst, incomplete, steps, fill);
        }
        // Zooming out to the whole section.
        view->resetView();
        std::printf("%s zoom out to the whole section: complete in %.0f ms\n", axisNames[v],
                    paintUntilComplete(window));
    }
    std::printf("peak memory %.2f GiB\n", double(peakResidentBytes()) / (1ull << 30));
    return 0;
}

int main(int argc, char** argv) {
    if (argc > 2 && std::string(argv[1]) == "--browse") {
        QApplication app(argc, argv);
        MainWindow window;
        window.resize(1600, 1000);
        window.show();
        if (!QTest::qWaitForWindowExposed(&window)) {
            std::fprintf(stderr, "bench_slice_views: the window was never shown\n");
            return 1;
        }
        return browse(window, QString::fromLocal8Bit(argv[2]), argc > 3 ? std::atoi(argv[3]) : 30);
    }
    if (argc > 1 && std::string(argv[1]) == "--help") {
        std::printf("usage: bench_slice_views [size (default 1024)] [steps (default 30)]\n"
                    "       bench_slice_views --browse PATH [steps (default 30)]\n"
                    "Prints slice render times per axis and the time from a slice step to\n"
                    "all views drawn again in a real main window (run under xvfb-run).\n");
        return 0;
    }
    const std::int64_t n = argc > 1 ? std::atoll(argv[1]) : 1024;
    const int steps = argc > 2 ? std::atoi(argv[2]) : 30;
    if (n < 16 || steps < 1) {
        std::fprintf(stderr, "bench_slice_views: size >= 16 and steps >= 1, please\n");
        return 2;
    }
    QApplication app(argc, argv);

    MainWindow window;
    window.resize(1600, 1000);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) {
        std::fprintf(stderr, "bench_slice_views: the window was never shown (no display?)\n");
        return 1;
    }
    const Stopwatch fill;
    Volume image = syntheticImage(n);
    std::printf("volume %lld^3 uint8 (%.2f GiB) made in %.1f s\n", (long long)n,
                double(n * n * n) / (1 << 30), fill.seconds());
    DocumentModel* doc = window.document();
    doc->setImage(image, "bench");
    const int organelle = doc->addOrganelle("mito");
    const Stopwatch overlays;
    fillOverlays(*doc, organelle);
    std::printf("overlays (truth, strokes, prediction) filled in %.1f s\n", overlays.seconds());
    QApplication::processEvents();

    // 1. The renderer alone, one slice per axis at a time, walking through the volume.
    const char* axisNames[3] = {"XY", "XZ", "YZ"};
    for (int v = 0; v < 3; ++v) {
        SliceView* view = window.sliceView(v);
        std::vector<double> ms;
        for (int i = 0; i < steps; ++i) {
            Index3 c = doc->cursor();
            const std::int64_t offset = n / 4 + i;
            c = v == 0   ? Index3{offset, c.y, c.x}
                : v == 1 ? Index3{c.z, offset, c.x}
                         : Index3{c.z, c.y, offset};
            doc->setCursor(c);
            view->sliceImage(); // renders the slice the cursor now shows
            ms.push_back(view->renderMilliseconds());
        }
        const Stats s = summarise(ms);
        std::printf("render %s slice (%lld x %lld, 1 organelle, 3 overlays): mean %.1f ms, "
                    "worst %.1f ms\n",
                    axisNames[v], (long long)n, (long long)n, s.mean, s.worst);
    }

    // 2. A slice step as the user makes it (stepping one view, as the mouse wheel
    //    does): that view renders its new slice, the others move their crosshair,
    //    all three are painted on screen; then, apart, the 3D view's frame with the
    //    moved plane (software OpenGL under Xvfb: a GPU draws it far faster).
    QElapsedTimer clock;
    for (int v = 0; v < 3; ++v) {
        std::vector<double> stepMs, threeDMs;
        for (int i = 0; i < steps; ++i) {
            clock.start();
            window.sliceView(v)->stepSlice(1);
            for (int k = 0; k < 3; ++k)
                window.sliceView(k)->repaint();
            stepMs.push_back(clock.nsecsElapsed() / 1e6);
            if (window.threeDView()->hasGL()) {
                clock.start();
                window.threeDView()->grabScene(); // renders the frame and waits for it
                threeDMs.push_back(clock.nsecsElapsed() / 1e6);
            }
        }
        const Stats s = summarise(stepMs);
        std::printf("%s slice step, 3 slice views on screen: mean %.1f ms (%.0f steps/s), worst "
                    "%.1f ms",
                    axisNames[v], s.mean, 1000.0 / s.mean, s.worst);
        if (!threeDMs.empty())
            std::printf("; 3D view frame after it: mean %.1f ms", summarise(threeDMs).mean);
        std::printf("\n");
    }
    std::printf("peak memory %.2f GiB\n", double(peakResidentBytes()) / (1ull << 30));
    return 0;
}
