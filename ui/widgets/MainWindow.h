#pragma once
// The main window: three linked orthogonal slice views of the open volume. Files
// are read off the UI thread so the window never freezes on a large volume.
#include "ui/model/DocumentModel.h"

#include <QMainWindow>

class QLabel;

namespace cisterna::ui {

class SliceView;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    DocumentModel* document() { return &model_; }
    SliceView* sliceView(int index) { return views_[index]; }

    // Generates the built-in phantom (the demo data) in the background.
    void openDemo(int size = 128);
    // Reads a volume file in the background; errors are shown, nothing is lost.
    void openFile(const QString& path);
    bool isBusy() const { return busy_; }

signals:
    void loadFinished(bool ok, const QString& message);

private:
    void showHover(const Index3& voxel);
    void runInBackground(const QString& what, std::function<std::pair<Volume, Volume>()> job,
                         const QString& name);
    DocumentModel model_;
    SliceView* views_[3] = {};
    QLabel* status_ = nullptr;
    bool busy_ = false;
};

} // namespace cisterna::ui
