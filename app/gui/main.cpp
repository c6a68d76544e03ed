// cisterna: the desktop application. With no argument it opens the built-in demo
// phantom; with a path it opens that volume.
#include "ui/widgets/MainWindow.h"
#include "ui/widgets/VtkGLWidget.h"

#include "core/plugin/PluginRegistry.h"
#include "core/util/VersionInfo.h"

#include <QApplication>
#include <QSurfaceFormat>
#include <QTimer>

#include <cstdlib>
#include <cstring>
#include <iostream>

namespace {

// Qt aborts (SIGABRT) when it cannot reach a display; say why and exit instead.
bool displayAvailable() {
    const char* platform = std::getenv("QT_QPA_PLATFORM");
    if (platform && *platform && std::strncmp(platform, "xcb", 3) != 0 &&
        std::strncmp(platform, "wayland", 7) != 0)
        return true; // offscreen, vnc, ...: no display needed
    const char* display = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    return (display && *display) || (wayland && *wayland);
}

} // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::cout << "cisterna " << cisterna::cisternaVersion() << "\n";
            return 0;
        }
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::cout << "usage: cisterna [volume | project.cisterna]\n"
                         "Opens the volume (any format cisterna-cli reads) or a saved project, or "
                         "the built-in demo phantom when none is given.\n";
            return 0;
        }
    }
    if (!displayAvailable()) {
        std::cerr << "cisterna: no display available (DISPLAY and WAYLAND_DISPLAY are not set).\n"
                     "Run it in a desktop session, under xvfb-run, or use cisterna-cli for "
                     "headless work.\n";
        return 2;
    }
    // The 3D view hosts VTK, which needs an OpenGL 3.2 core context with depth and
    // stencil; this must be Qt's default before the application object exists.
    QSurfaceFormat::setDefaultFormat(cisterna::ui::VtkGLWidget::requiredFormat());
    QApplication app(argc, argv);
    QApplication::setApplicationName("Cisterna");
    QApplication::setOrganizationName("Cisterna");
    QApplication::setApplicationVersion(QString::fromStdString(cisterna::cisternaVersion()));
    for (const auto& failure : cisterna::loadDefaultPlugins())
        std::cerr << "cisterna: warning: plugin " << failure.file.string()
                  << " was not loaded: " << failure.error << "\n";

    cisterna::ui::MainWindow window;
    window.show();
    const QStringList args = QApplication::arguments();
    if (args.size() > 1)
        window.openFile(args.at(1));
    else
        window.openDemo();
    // Once the window is up: offer what a crashed session autosaved.
    QTimer::singleShot(0, &window, [&window] { window.checkForRecovery(); });
    return app.exec();
}
