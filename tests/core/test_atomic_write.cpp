// Atomic writes of user data: a writer killed before its rename leaves a temporary
// behind (possibly a whole copy); the next write of the same file removes it, but
// never a live writer's temporary, and never while the target itself is missing.
#include "core/util/AtomicWrite.h"

#include "TestPaths.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace cisterna;
namespace fs = std::filesystem;

namespace {

// Everything in dir but the file named keep.
std::vector<fs::path> othersIn(const fs::path& dir, const fs::path& keep) {
    std::vector<fs::path> others;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().filename() != keep.filename())
            others.push_back(entry.path());
    return others;
}

// A child process that writes target's temporary whole and then either dies at once
// without committing (as under SIGKILL) or waits, alive, until killed. Returns its pid.
pid_t childWithTemporary(const fs::path& target, bool stayAlive) {
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(ready[0]);
        AtomicFile file(target);
        std::ofstream(file.tempPath()) << "a whole copy of the data";
        (void)!::write(ready[1], "x", 1);
        if (stayAlive)
            for (;;)
                ::pause();
        ::_exit(0); // no destructor, no commit: what SIGKILL leaves
    }
    ::close(ready[1]);
    char c;
    REQUIRE(::read(ready[0], &c, 1) == 1);
    ::close(ready[0]);
    return pid;
}

} // namespace

TEST_CASE("the next atomic write removes temporaries of killed writers only", "[atomic]") {
    test::ScratchDir dir("atomic-leftovers");
    const fs::path target = dir.file("data.json");

    SECTION("a dead writer's temporary goes, the live one's stays") {
        writeFileAtomically(target, "first");
        const pid_t alive = childWithTemporary(target, true);
        struct Reaper { // the live child must not outlive a failed check
            pid_t pid;
            ~Reaper() {
                if (::kill(pid, SIGKILL) == 0)
                    ::waitpid(pid, nullptr, 0);
            }
        } reaper{alive};
        const pid_t dead = childWithTemporary(target, false);
        REQUIRE(::waitpid(dead, nullptr, 0) == dead);
        REQUIRE(othersIn(dir.path(), target).size() == 2);

        writeFileAtomically(target, "second");
        CHECK(readWholeFile(target) == "second");
        const std::vector<fs::path> left = othersIn(dir.path(), target);
        REQUIRE(left.size() == 1);
        CHECK(left[0].filename().string().find("-" + std::to_string(alive) + "-") !=
              std::string::npos);

        ::kill(alive, SIGKILL);
        REQUIRE(::waitpid(alive, nullptr, 0) == alive);
        writeFileAtomically(target, "third");
        CHECK(othersIn(dir.path(), target).empty());
    }
    SECTION("nothing is removed while the target is missing") {
        const pid_t dead = childWithTemporary(target, false);
        REQUIRE(::waitpid(dead, nullptr, 0) == dead);
        const fs::path other = dir.file("other.json");
        writeFileAtomically(other, "x"); // another file's write leaves it alone too
        AtomicFile second(target);       // the target does not exist yet
        CHECK(othersIn(dir.path(), target).size() == 2);
    }
}
