#pragma once
// The learning worker's protocol. The app runs `cisterna-cli train|finetune|predict
// ... --progress json` as a child process (ChildProcess.h): the worker writes one JSON
// object per line on its stdout and nothing else there (everything a library prints
// goes to its stderr, which the app keeps as the worker's last words), and reads
// commands from its stdin, one per line.
//
// Worker -> app, the "event" field names the kind:
//   {"event":"progress","fraction":0.4,"message":"tile 3 of 8"}
//   {"event":"training","iteration":40,"total":300,"loss":0.31,"f1":0.72,"eta_s":61,
//    "fraction":0.13,"message":"iteration 40/300 ..."}      (f1 only when validated now)
//   {"event":"warning","message":"..."}
//   {"event":"result","message":"trained 300 iterations on cpu","outputs":["m.cmodel"]}
//   {"event":"error","message":"...","cancelled":false}
// App -> worker: "cancel" stops the job as Ctrl+C does (training writes its checkpoint
// first); end of file on stdin means the app is gone, and cancels too.
// Exit status: 0 done, 1 failed, 2 wrong usage, 3 stopped on request (kWorkerStopped).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cisterna {

constexpr int kWorkerStopped = 3;
constexpr const char* kWorkerCancelCommand = "cancel";

struct WorkerEvent {
    enum class Kind { Progress, Training, Warning, Result, Error };
    Kind kind = Kind::Progress;
    double fraction = 0;
    std::string message;
    // Training only.
    std::int64_t iteration = 0, total = 0;
    double loss = 0;
    std::optional<double> f1; // a validation F1 computed at this iteration
    double etaSeconds = -1;
    // Result only: the files written.
    std::vector<std::string> outputs;
    // Error only: the job stopped because it was asked to.
    bool cancelled = false;
};

// One line of JSON, without the newline.
std::string encodeWorkerEvent(const WorkerEvent& event);
// nullopt for a line that is not an event of this protocol (not JSON, no known
// "event"): the reader treats it as text, never as a failure.
std::optional<WorkerEvent> decodeWorkerEvent(const std::string& line);

} // namespace cisterna
