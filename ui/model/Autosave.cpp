#include "ui/model/Autosave.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUuid>

#include <algorithm>

namespace cisterna::ui {

namespace {
const char* const kSuffix = ".autosave.cisterna";

QString lockPathOf(const QString& autosavePath) {
    return autosavePath + ".lock";
}
} // namespace

AutosaveStore::AutosaveStore(const QString& folder) : folder_(folder) {
    if (folder_.isEmpty())
        folder_ =
            QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/autosave";
}

AutosaveStore::~AutosaveStore() = default;

QString AutosaveStore::sessionPath() {
    if (sessionPath_.isEmpty()) {
        QDir().mkpath(folder_);
        const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces).left(8);
        sessionPath_ = QDir(folder_).absoluteFilePath(QString("session-%1-%2%3")
                                                          .arg(QCoreApplication::applicationPid())
                                                          .arg(id)
                                                          .arg(kSuffix));
        lock_ = std::make_unique<QLockFile>(lockPathOf(sessionPath_));
        lock_->setStaleLockTime(0); // held as long as this process lives
        lock_->tryLock(0);
    }
    return sessionPath_;
}

std::vector<LeftoverAutosave> AutosaveStore::leftovers() const {
    std::vector<LeftoverAutosave> found;
    const QDir dir(folder_);
    for (const QFileInfo& info :
         dir.entryInfoList({QString("*") + kSuffix}, QDir::Files, QDir::Time)) {
        const QString path = info.absoluteFilePath();
        if (path == sessionPath_)
            continue;
        // A lock held by a living process: another Cisterna is running with it.
        QLockFile probe(lockPathOf(path));
        probe.setStaleLockTime(0);
        if (!probe.tryLock(0))
            continue;
        probe.unlock();
        found.push_back({path, info.lastModified()});
    }
    return found;
}

void AutosaveStore::discard(const QString& autosavePath) {
    QFile::remove(autosavePath);
    QFile::remove(lockPathOf(autosavePath));
}

void AutosaveStore::removeSession() {
    if (sessionPath_.isEmpty())
        return;
    QFile::remove(sessionPath_);
    if (lock_)
        lock_->unlock(); // removes the lock file
    lock_.reset();
    sessionPath_.clear();
}

} // namespace cisterna::ui
