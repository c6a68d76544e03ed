// Catch2 main for widget tests: one QApplication for the whole run. The offscreen
// platform is used unless the caller chose one (e.g. xcb under Xvfb).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <QApplication>

#include <cstdlib>

int main(int argc, char** argv) {
    if (!std::getenv("QT_QPA_PLATFORM"))
        setenv("QT_QPA_PLATFORM", "offscreen", 1);
    QApplication app(argc, argv);
    return Catch::Session().run(argc, argv);
}
