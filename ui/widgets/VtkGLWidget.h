#pragma once
// A VTK render window inside a Qt 6 QOpenGLWidget, without VTK's Qt module (Debian
// builds it against Qt 5). VTK draws with the widget's own context into its own
// framebuffers; each paintGL resets VTK's cached OpenGL state (Qt changed it),
// renders, and blits VTK's display framebuffer into the widget's framebuffer. Mouse,
// wheel and a few keys go to a VTK interactor (trackball camera).
#include <QOpenGLWidget>

#include <vtkSmartPointer.h>

class vtkGenericOpenGLRenderWindow;
class vtkGenericRenderWindowInteractor;
class vtkRenderer;
class vtkObject;

namespace cisterna::ui {

class VtkGLWidget : public QOpenGLWidget {
    Q_OBJECT
public:
    explicit VtkGLWidget(QWidget* parent = nullptr);
    ~VtkGLWidget() override;

    void addRenderer(vtkRenderer* renderer);
    vtkGenericOpenGLRenderWindow* renderWindow() const;
    // Asks for a VTK render at the next paint (the scene changed).
    void requestRender();
    int renderCount() const { return renders_; }

    // The OpenGL format VTK needs (3.2 core, depth and stencil); set it as Qt's
    // default before the QApplication exists.
    static QSurfaceFormat requiredFormat();

protected:
    void initializeGL() override;
    void resizeGL(int width, int height) override;
    void paintGL() override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    static void onVtkEvent(vtkObject* caller, unsigned long event, void* self, void* data);
    void forwardMouse(QMouseEvent* event, unsigned long vtkEvent);
    void cleanup();
    vtkSmartPointer<vtkGenericOpenGLRenderWindow> window_;
    vtkSmartPointer<vtkGenericRenderWindowInteractor> interactor_;
    bool initialized_ = false;
    bool renderPending_ = true;
    bool inPaint_ = false;
    int renders_ = 0;
};

} // namespace cisterna::ui
