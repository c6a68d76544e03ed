#include "ui/widgets/MainWindow.h"

#include "ui/widgets/SliceView.h"

#include "core/io/VolumeIO.h"
#include "core/phantom/Phantom.h"

#include <QFileDialog>
#include <QGridLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QStatusBar>

#include <thread>

namespace cisterna::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle("Cisterna");
    auto* central = new QWidget(this);
    auto* grid = new QGridLayout(central);
    grid->setSpacing(2);
    grid->setContentsMargins(2, 2, 2, 2);
    const ViewAxis axes[3] = {ViewAxis::XY, ViewAxis::XZ, ViewAxis::YZ};
    for (int i = 0; i < 3; ++i) {
        views_[i] = new SliceView(&model_, axes[i], central);
        connect(views_[i], &SliceView::hovered, this, &MainWindow::showHover);
    }
    grid->addWidget(views_[0], 0, 0);
    grid->addWidget(views_[1], 1, 0);
    grid->addWidget(views_[2], 0, 1);
    auto* info = new QLabel(central);
    info->setWordWrap(true);
    info->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    grid->addWidget(info, 1, 1);
    setCentralWidget(central);
    connect(&model_, &DocumentModel::imageChanged, this, [this, info] {
        const Volume& v = model_.image();
        info->setText(QString("<b>%1</b><br>%2<br>%3<br>voxel size %4 nm")
                          .arg(model_.name())
                          .arg(QString::fromStdString(toString(v.shape())))
                          .arg(toString(v.dataType()))
                          .arg(QString::fromStdString(toString(v.voxelSize()))));
        setWindowTitle("Cisterna - " + model_.name());
    });

    status_ = new QLabel(this);
    statusBar()->addWidget(status_, 1);

    auto* file = menuBar()->addMenu("&File");
    file->addAction("&Open volume...", QKeySequence::Open, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, "Open volume");
        if (!path.isEmpty())
            openFile(path);
    });
    file->addAction("Open &demo phantom", this, [this] { openDemo(); });
    file->addSeparator();
    file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);
    resize(1100, 900);
}

void MainWindow::showHover(const Index3& voxel) {
    const Volume& v = model_.image();
    QString text = QString("z %1  y %2  x %3   value %4")
                       .arg(voxel.z)
                       .arg(voxel.y)
                       .arg(voxel.x)
                       .arg(v.valueAt(voxel));
    if (!model_.labels().isNull())
        text += QString("   label %1").arg(model_.labels().valueAt(voxel));
    status_->setText(text);
}

void MainWindow::runInBackground(const QString& what,
                                 std::function<std::pair<Volume, Volume>()> job,
                                 const QString& name) {
    busy_ = true;
    status_->setText(what + "...");
    QPointer<MainWindow> self(this);
    std::thread([self, job = std::move(job), name, what] {
        std::pair<Volume, Volume> result;
        QString error;
        try {
            result = job();
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        if (!self)
            return;
        QMetaObject::invokeMethod(self, [self, result = std::move(result), error, name, what] {
            if (!self)
                return;
            self->busy_ = false;
            if (!error.isEmpty()) {
                self->status_->setText(what + " failed");
                // Window-modal but not blocking: no nested event loop inside a callback.
                auto* box = new QMessageBox(QMessageBox::Warning, "Cisterna",
                                            what + " failed:\n" + error, QMessageBox::Ok, self);
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
                emit self->loadFinished(false, error);
                return;
            }
            self->model_.setImage(result.first, name);
            if (!result.second.isNull())
                self->model_.setLabels(result.second);
            self->status_->setText(name);
            emit self->loadFinished(true, name);
        });
    }).detach();
}

void MainWindow::openDemo(int size) {
    runInBackground(
        "Generating the demo phantom",
        [size] {
            PhantomParams params;
            params.shape = {size, size, size};
            Phantom p = generatePhantom(params);
            return std::make_pair(std::move(p.image), std::move(p.labels));
        },
        QString("demo phantom %1^3").arg(size));
}

void MainWindow::openFile(const QString& path) {
    const std::string p = path.toStdString();
    runInBackground(
        "Reading " + path, [p] { return std::make_pair(readVolume(p), Volume()); }, path);
}

} // namespace cisterna::ui
