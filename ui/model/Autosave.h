#pragma once
// Autosaves and crash recovery. Each running app has its own autosave file in a
// folder of the user's data, guarded by a lock file. A clean exit deletes both; an
// autosave whose lock is stale (its process died) is what a crash left behind, and
// the next start offers it.
#include <QDateTime>
#include <QLockFile>
#include <QString>

#include <memory>
#include <vector>

namespace cisterna::ui {

struct LeftoverAutosave {
    QString path;      // the autosave file (a project file)
    QDateTime savedAt; // its modification time
};

class AutosaveStore {
public:
    // `folder` empty: <AppLocalDataLocation>/autosave.
    explicit AutosaveStore(const QString& folder = {});
    ~AutosaveStore();

    const QString& folder() const { return folder_; }
    // This session's autosave file (the folder and lock are created on first use).
    QString sessionPath();
    // Autosaves of sessions that ended without cleaning up, newest first.
    std::vector<LeftoverAutosave> leftovers() const;
    // After a recovery was offered: remove an old session's autosave (and its lock).
    static void discard(const QString& autosavePath);
    // Clean exit: this session's autosave goes away.
    void removeSession();

private:
    QString folder_;
    QString sessionPath_;
    std::unique_ptr<QLockFile> lock_;
};

} // namespace cisterna::ui
