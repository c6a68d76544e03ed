#pragma once
// The File > Recent list, kept in the user's settings (QSettings).
#include <QString>
#include <QStringList>

namespace cisterna::ui {

class RecentFiles {
public:
    static constexpr int kMaximum = 10;
    QStringList list() const;
    void add(const QString& path); // moves it to the top
    void remove(const QString& path);
    void clear();
};

} // namespace cisterna::ui
