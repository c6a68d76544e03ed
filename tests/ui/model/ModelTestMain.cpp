// Catch2 main for the tests of ui/model: a QCoreApplication only, so these tests
// prove that the app's state and jobs run without a window, a screen or a widget.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <QCoreApplication>
#include <QStandardPaths>

int main(int argc, char** argv) {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName("CisternaTests");
    QCoreApplication::setApplicationName("cisterna-ui-model-tests");
    return Catch::Session().run(argc, argv);
}
