#include "ui/widgets/ThreeDView.h"

#include "ui/render/Scene3D.h"
#include "ui/widgets/VtkGLWidget.h"

#include <QLabel>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QVBoxLayout>

namespace cisterna::ui {

bool ThreeDView::openGLAvailable() {
    static const bool available = [] {
        QOpenGLContext context;
        context.setFormat(VtkGLWidget::requiredFormat());
        if (!context.create())
            return false;
        const QSurfaceFormat f = context.format();
        return f.majorVersion() > 3 || (f.majorVersion() == 3 && f.minorVersion() >= 2);
    }();
    return available;
}

ThreeDView::ThreeDView(Scene3D* scene, QWidget* parent) : QWidget(parent), scene_(scene) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    if (openGLAvailable()) {
        gl_ = new VtkGLWidget(this);
        gl_->addRenderer(scene_->renderer());
        layout->addWidget(gl_);
    } else {
        note_ = new QLabel("3D view unavailable: this display offers no OpenGL 3.2.\n"
                           "Slice views, painting and jobs work as usual.",
                           this);
        note_->setAlignment(Qt::AlignCenter);
        note_->setWordWrap(true);
        note_->setStyleSheet("color: #bbb; background: #1a1c22;");
        layout->addWidget(note_);
    }
    setMinimumSize(200, 200);
}

void ThreeDView::sceneChanged() {
    if (gl_)
        gl_->requestRender();
}

void ThreeDView::resetCamera() {
    scene_->resetCamera();
    sceneChanged();
}

QImage ThreeDView::grabScene() {
    if (!gl_)
        return {};
    gl_->requestRender();
    return gl_->grabFramebuffer();
}

} // namespace cisterna::ui
