// kill -9 safety of project saves and autosaves: a child process saves over and over
// and is killed with SIGKILL at many moments; afterwards the file always opens and
// holds one generation whole, never a mixture or a torn file, and the autosaves of
// killed sessions are offered for recovery, newest first.
#include "ui/model/AppModel.h"
#include "ui/model/ProjectFile.h"

#include "TestPaths.h"
#include "tools/GenerationLayers.h"

#include <QProcess>
#include <QThread>
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <random>

using namespace cisterna;
using namespace cisterna::ui;

namespace {

constexpr std::int64_t kEdge = 96; // 48 x 96 x 96 per layer, four layers per save

// The generation the project holds, after checking every layer is that generation's.
std::uint64_t checkedGeneration(const QString& path) {
    const ProjectData data = readProject(path);
    REQUIRE(data.organelles.size() == 2);
    const QString name = data.organelles[0].name;
    REQUIRE(name.startsWith("generation "));
    const std::uint64_t g = name.mid(11).toULongLong();
    for (int o = 0; o < 2; ++o) {
        REQUIRE(data.organelles[std::size_t(o)].name == name);
        const std::pair<Layer, int> layers[] = {{Layer::Strokes, 2 * o}, {Layer::Truth, 2 * o + 1}};
        for (const auto& [layer, k] : layers) {
            const Volume& saved = data.organelles[std::size_t(o)].layers[std::size_t(layer)];
            const Volume expected = test::generationLayer(g, k, kEdge);
            REQUIRE(saved.shape() == expected.shape());
            REQUIRE(std::memcmp(saved.data(), expected.data(), expected.byteCount()) == 0);
        }
    }
    return g;
}

} // namespace

TEST_CASE("a project save killed with SIGKILL at any moment leaves one whole generation",
          "[ui][project][kill]") {
    test::ScratchDir dir("ui-kill-save");
    const QString path = QString::fromStdString(dir.file("killed.cisterna"));
    std::mt19937 random(11);
    std::uint64_t next = 1, newest = 0;
    for (int round = 0; round < 12; ++round) {
        QProcess child;
        child.start(CISTERNA_PROJECT_WRITER,
                    {path, QString::number(kEdge), QString::number(qulonglong(next))});
        REQUIRE(child.waitForStarted(10000));
        if (round == 0) // the first generation must exist before anything is checked
            REQUIRE((child.waitForReadyRead(60000) && child.canReadLine()));
        // Kill anywhere: before the first save of this run, inside one, between two.
        QThread::msleep(std::uniform_int_distribution<int>(0, 400)(random));
        child.kill(); // SIGKILL
        REQUIRE(child.waitForFinished(10000));
        const QStringList lines =
            QString::fromLocal8Bit(child.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts);
        const std::uint64_t g = checkedGeneration(path);
        // The file holds the last generation the writer reported, or the one it was
        // writing when killed, never an older one.
        if (!lines.isEmpty())
            newest = lines.back().mid(6).toULongLong();
        INFO("round " << round << ": file holds generation " << g << ", last reported " << newest);
        CHECK((g == newest || g == newest + 1));
        next = std::max(g, newest) + 1;
    }
    // Killed saves may leave their temporaries, even whole copies (killed just before
    // the rename); the next save that completes removes them, so they never pile up.
    QProcess last;
    last.start(CISTERNA_PROJECT_WRITER,
               {path, QString::number(kEdge), QString::number(qulonglong(next)), "1"});
    REQUIRE(last.waitForFinished(60000));
    REQUIRE(last.exitCode() == 0);
    CHECK(checkedGeneration(path) == next);
    std::vector<std::string> others;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        if (entry.path().string() != path.toStdString())
            others.push_back(entry.path().filename().string());
    CHECK(others.empty());
}

TEST_CASE("autosaves of sessions killed with SIGKILL open whole and are offered newest first",
          "[ui][project][kill]") {
    test::ScratchDir dir("ui-kill-autosave");
    const QString folder = QString::fromStdString(dir.file("autosave"));
    std::mt19937 random(5);
    for (int session = 0; session < 2; ++session) {
        QProcess child;
        child.start(CISTERNA_PROJECT_WRITER, {"autosave:" + folder, QString::number(kEdge),
                                              QString::number(1000 * session + 1)});
        REQUIRE(child.waitForStarted(10000));
        REQUIRE((child.waitForReadyRead(60000) && child.canReadLine())); // one autosave done
        QThread::msleep(std::uniform_int_distribution<int>(0, 300)(random));
        child.kill();
        REQUIRE(child.waitForFinished(10000));
        QThread::msleep(20); // the sessions' files differ in time
    }
    const std::vector<LeftoverAutosave> leftovers = AutosaveStore(folder).leftovers();
    REQUIRE(leftovers.size() == 2);
    CHECK(checkedGeneration(leftovers[0].path) > 1000); // the second session's, newest
    CHECK(checkedGeneration(leftovers[1].path) < 1000);

    // The app offers the newest first; declined ones are discarded.
    AppModel app(folder);
    QStringList offered;
    app.offerRecovery = [&](const LeftoverAutosave& leftover) {
        offered << leftover.path;
        return false;
    };
    CHECK_FALSE(app.checkForRecovery());
    REQUIRE(offered.size() == 2);
    CHECK(offered[0] == leftovers[0].path);
    CHECK(AutosaveStore(folder).leftovers().empty());
}
