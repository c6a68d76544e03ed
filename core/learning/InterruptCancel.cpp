#include "core/learning/InterruptCancel.h"

namespace cisterna {
namespace {

// The token of the job running now; a signal handler may only touch lock-free atomics.
CancelToken* volatile activeToken = nullptr;

void onInterrupt(int signal) {
    CancelToken* token = activeToken;
    if (token && !token->isCancelled()) {
        token->cancel();
        return;
    }
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

} // namespace

InterruptCancel::InterruptCancel(std::shared_ptr<CancelToken> token) : token_(std::move(token)) {
    activeToken = token_.get();
    struct sigaction action {};
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previousInt_);
    sigaction(SIGTERM, &action, &previousTerm_);
}

InterruptCancel::~InterruptCancel() {
    sigaction(SIGINT, &previousInt_, nullptr);
    sigaction(SIGTERM, &previousTerm_, nullptr);
    activeToken = nullptr;
}

} // namespace cisterna
