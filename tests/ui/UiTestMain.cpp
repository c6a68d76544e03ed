// Catch2 main for the widget tests: one QApplication for the whole run. The
// offscreen platform is used unless the caller chose one (xcb under Xvfb for the
// tests tagged [gl], which need OpenGL). Settings and data folders are Qt's test
// locations, so the tests never touch the user's recent files or autosaves.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "ui/widgets/VtkGLWidget.h"

#include <QApplication>
#include <QStandardPaths>
#include <QSurfaceFormat>

#include <cstdlib>

int main(int argc, char** argv) {
    if (!std::getenv("QT_QPA_PLATFORM"))
        setenv("QT_QPA_PLATFORM", "offscreen", 1);
    QSurfaceFormat::setDefaultFormat(cisterna::ui::VtkGLWidget::requiredFormat());
    QStandardPaths::setTestModeEnabled(true);
    QApplication app(argc, argv);
    QApplication::setOrganizationName("CisternaTests");
    QApplication::setApplicationName("cisterna-ui-tests");
    return Catch::Session().run(argc, argv);
}
