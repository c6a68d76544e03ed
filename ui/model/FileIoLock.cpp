#include "ui/model/FileIoLock.h"

namespace cisterna::ui {

std::mutex& fileIoMutex() {
    static std::mutex mutex;
    return mutex;
}

} // namespace cisterna::ui
