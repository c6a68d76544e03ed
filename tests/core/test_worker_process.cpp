// The worker's plumbing: a child process with its output read line by line and its
// last words kept, and the JSON-lines protocol it speaks (core/worker/).
#include "core/util/Error.h"
#include "core/worker/ChildProcess.h"
#include "core/worker/WorkerProtocol.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <csignal>

using namespace cisterna;

namespace {

std::vector<std::string> allLines(ChildProcess& child) {
    std::vector<std::string> lines;
    while (child.pump(1000, [&](const std::string& l) { lines.push_back(l); })) {
    }
    return lines;
}

} // namespace

TEST_CASE("a child process's lines, stdin, last words and exit status reach the parent",
          "[worker]") {
    ChildProcess child({"/bin/sh", "-c",
                        "echo first; echo 'to stderr' >&2; read answer; echo \"got $answer\"; "
                        "echo 'last words' >&2; printf 'no newline'; exit 3"});
    REQUIRE(child.write("forty-two\n"));
    const std::vector<std::string> lines = allLines(child);
    CHECK(lines == std::vector<std::string>{"first", "got forty-two", "no newline"});
    const ChildExit exit = child.wait();
    CHECK_FALSE(exit.signalled);
    CHECK(exit.code == 3);
    CHECK_FALSE(exit.succeeded());
    CHECK(exit.describe() == "exit status 3");
    CHECK(child.lastStderrLine() == "last words");
    CHECK(child.stderrTail() == "to stderr\nlast words\n");
}

TEST_CASE("a killed child reads as killed, and writing to it does not kill the parent",
          "[worker]") {
    ChildProcess child({"/bin/sh", "-c", "exec 0<&-; echo ready; sleep 30"});
    std::string first;
    REQUIRE(child.pump(5000, [&](const std::string& l) { first = l; }));
    REQUIRE(first == "ready");
    // Its stdin is closed: a write fails instead of raising SIGPIPE here.
    CHECK_FALSE(child.write(std::string(1 << 20, 'x')));
    ChildExit exit;
    CHECK_FALSE(child.waitFor(50, exit));
    child.signal(SIGKILL);
    exit = child.wait();
    CHECK(exit.signalled);
    CHECK(exit.code == SIGKILL);
    CHECK(exit.describe().find("killed by signal 9") == 0);
}

TEST_CASE("a program that does not exist cannot be started, with its name said", "[worker]") {
    try {
        ChildProcess child({"/nonexistent/cisterna-worker"});
        // posix_spawn may report a failed exec as the child's exit status 127 instead.
        const std::vector<std::string> lines = allLines(child);
        CHECK(lines.empty());
        CHECK(child.wait().code == 127);
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("/nonexistent/cisterna-worker") != std::string::npos);
    }
}

TEST_CASE("worker events survive a round trip and foreign lines are not events", "[worker]") {
    WorkerEvent t;
    t.kind = WorkerEvent::Kind::Training;
    t.iteration = 40;
    t.total = 300;
    t.loss = 0.3125;
    t.f1 = 0.75;
    t.etaSeconds = 61;
    t.fraction = 40.0 / 300;
    t.message = "iteration 40/300 \"quoted\"\n";
    const std::string line = encodeWorkerEvent(t);
    CHECK(line.find('\n') == std::string::npos); // one event, one line
    const auto back = decodeWorkerEvent(line);
    REQUIRE(back);
    CHECK(back->kind == WorkerEvent::Kind::Training);
    CHECK(back->iteration == 40);
    CHECK(back->total == 300);
    CHECK(back->loss == 0.3125);
    REQUIRE(back->f1);
    CHECK(*back->f1 == 0.75);
    CHECK(back->etaSeconds == 61);
    CHECK(back->fraction == Approx(40.0 / 300));
    CHECK(back->message == t.message);

    WorkerEvent r;
    r.kind = WorkerEvent::Kind::Result;
    r.outputs = {"a.cmodel", "b c.nrrd"};
    CHECK(decodeWorkerEvent(encodeWorkerEvent(r))->outputs == r.outputs);
    WorkerEvent e;
    e.kind = WorkerEvent::Kind::Error;
    e.cancelled = true;
    e.message = std::string("bad \xff byte"); // invalid UTF-8 is replaced, not a throw
    const auto error = decodeWorkerEvent(encodeWorkerEvent(e));
    REQUIRE(error);
    CHECK(error->cancelled);
    CHECK(error->message.find("bad ") == 0);

    // A NaN loss is left out rather than written as invalid JSON.
    WorkerEvent nan = t;
    nan.loss = std::nan("");
    nan.f1.reset();
    const auto noLoss = decodeWorkerEvent(encodeWorkerEvent(nan));
    REQUIRE(noLoss);
    CHECK(std::isnan(noLoss->loss));
    CHECK_FALSE(noLoss->f1);

    for (const char* foreign :
         {"", "iteration 3/9", "[1, 2]", "{\"event\":\"dance\"}", "{\"event\":7}",
          "{\"event\":\"progress\",\"fraction\":\"x\"", "{\"noevent\":1}"})
        CHECK_FALSE(decodeWorkerEvent(foreign));
    // Out-of-range numbers are clamped, not trusted.
    CHECK(decodeWorkerEvent("{\"event\":\"progress\",\"fraction\":7}")->fraction == 1);
}
