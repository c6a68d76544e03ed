#include "ui/model/RecentFiles.h"

#include <QFileInfo>
#include <QSettings>

namespace cisterna::ui {

namespace {
const char* const kKey = "recentFiles";
}

QStringList RecentFiles::list() const {
    return QSettings().value(kKey).toStringList();
}

void RecentFiles::add(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList files = list();
    files.removeAll(absolute);
    files.prepend(absolute);
    while (files.size() > kMaximum)
        files.removeLast();
    QSettings().setValue(kKey, files);
}

void RecentFiles::remove(const QString& path) {
    QStringList files = list();
    files.removeAll(path);
    QSettings().setValue(kKey, files);
}

void RecentFiles::clear() {
    QSettings().remove(kKey);
}

} // namespace cisterna::ui
