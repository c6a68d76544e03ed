// Project files that made the fuzz_project harness (tests/fuzz) fail, kept after the
// fix in tests/fuzz/regressions/project/: each must be refused with a cisterna::Error.
// Inputs of the harness's record mode (starting with 'J') are committed as the
// project file the harness built from them.
#include "ui/model/ProjectFile.h"

#include "TestPaths.h"

#include "core/util/Error.h"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace cisterna;
namespace fs = std::filesystem;

TEST_CASE("project files the fuzzer found are refused cleanly", "[project][fuzz]") {
    const fs::path regressions = test::sourceDir() / "tests" / "fuzz" / "regressions" / "project";
    test::ScratchDir dir("project-fuzz-regressions");
    int replayed = 0;
    for (const auto& entry : fs::directory_iterator(regressions)) {
        INFO("fuzz regression " << entry.path().string());
        const std::string path = dir.file("input.cisterna");
        fs::copy_file(entry.path(), path, fs::copy_options::overwrite_existing);
        try {
            ui::readProject(QString::fromStdString(path));
            FAIL("the project was read");
        } catch (const Error& e) {
            CHECK(std::string(e.what()).size() > 0);
        } catch (const std::exception& e) {
            FAIL("foreign exception: " << e.what());
        }
        ++replayed;
    }
    CHECK(replayed > 0);
}
