#pragma once
// The 3D panel: the VTK view of the scene when OpenGL is available, otherwise (the
// offscreen platform of headless tests, a remote session without GL) a note saying
// why there is no 3D view. The scene itself is kept up to date either way.
#include <QWidget>

class QLabel;

namespace cisterna::ui {

class Scene3D;
class VtkGLWidget;

class ThreeDView : public QWidget {
    Q_OBJECT
public:
    ThreeDView(Scene3D* scene, QWidget* parent = nullptr);

    // Whether this platform can give us an OpenGL 3.2 context.
    static bool openGLAvailable();
    bool hasGL() const { return gl_ != nullptr; }
    VtkGLWidget* glWidget() const { return gl_; }
    // What the view shows now (a render of the scene), or a null image without GL.
    QImage grabScene();

public slots:
    void sceneChanged();
    void resetCamera();

private:
    Scene3D* scene_;
    VtkGLWidget* gl_ = nullptr;
    QLabel* note_ = nullptr;
};

} // namespace cisterna::ui
