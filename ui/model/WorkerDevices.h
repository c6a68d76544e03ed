#pragma once
// Which device the learning worker will use and why, for the Train dialog. The worker
// may be built against another LibTorch than the app (a CUDA one), so the worker is
// asked (`cisterna-cli devices --json`), once per run, in the background.
#include <QString>

namespace cisterna::ui {

struct WorkerDevices {
    bool known = false;
    QString device; // "cpu", "cuda:0"
    QString reason; // the worker's sentence
    QString error;  // why it is not known
};

// Starts asking, if nobody has yet (cheap to call again).
void askWorkerDevices();
// The answer, waiting at most waitMs for it; not known (with the error "still
// asking") when it has not come yet.
WorkerDevices workerDevices(int waitMs);
// One line for the dialog: "cpu: this build's LibTorch ... has no CUDA ...".
QString describeWorkerDevices(const WorkerDevices& devices);

} // namespace cisterna::ui
