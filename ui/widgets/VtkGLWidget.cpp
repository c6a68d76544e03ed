#include "ui/widgets/VtkGLWidget.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLExtraFunctions>
#include <QSurfaceFormat>
#include <QWheelEvent>

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkOpenGLFramebufferObject.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>

namespace cisterna::ui {

QSurfaceFormat VtkGLWidget::requiredFormat() {
    QSurfaceFormat format;
    format.setRenderableType(QSurfaceFormat::OpenGL);
    format.setVersion(3, 2);
    format.setProfile(QSurfaceFormat::CoreProfile);
    format.setRedBufferSize(8);
    format.setGreenBufferSize(8);
    format.setBlueBufferSize(8);
    format.setAlphaBufferSize(8);
    format.setDepthBufferSize(24);
    format.setStencilBufferSize(8);
    format.setSamples(0);
    format.setSwapBehavior(QSurfaceFormat::DoubleBuffer);
    return format;
}

VtkGLWidget::VtkGLWidget(QWidget* parent)
    : QOpenGLWidget(parent), window_(vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New()),
      interactor_(vtkSmartPointer<vtkGenericRenderWindowInteractor>::New()) {
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setUpdateBehavior(QOpenGLWidget::NoPartialUpdate);
    setMinimumSize(160, 160);

    // No rendering until Qt has made a context for us (initializeGL).
    window_->SetReadyForRendering(false);
    window_->SetFrameBlitModeToNoBlit(); // we blit ourselves, into Qt's framebuffer
    window_->SetMultiSamples(0);
    window_->SetInteractor(interactor_);
    auto style = vtkSmartPointer<vtkInteractorStyleTrackballCamera>::New();
    interactor_->SetInteractorStyle(style);
    // The interactor asks for renders (camera moved): they happen in paintGL, where
    // the context and framebuffer are ours, never in the middle of an event.
    interactor_->EnableRenderOff();
    interactor_->Initialize();

    auto callback = vtkSmartPointer<vtkCallbackCommand>::New();
    callback->SetClientData(this);
    callback->SetCallback(&VtkGLWidget::onVtkEvent);
    window_->AddObserver(vtkCommand::WindowMakeCurrentEvent, callback);
    window_->AddObserver(vtkCommand::WindowIsCurrentEvent, callback);
    window_->AddObserver(vtkCommand::WindowFrameEvent, callback);
    interactor_->AddObserver(vtkCommand::RenderEvent, callback);
}

VtkGLWidget::~VtkGLWidget() {
    makeCurrent();
    cleanup();
    doneCurrent();
}

void VtkGLWidget::cleanup() {
    if (!initialized_)
        return;
    // GPU resources belong to this context: free them while it is still current.
    window_->Finalize();
    window_->SetReadyForRendering(false);
    initialized_ = false;
}

void VtkGLWidget::onVtkEvent(vtkObject*, unsigned long event, void* self, void* data) {
    auto* w = static_cast<VtkGLWidget*>(self);
    switch (event) {
    case vtkCommand::WindowMakeCurrentEvent: {
        // QOpenGLContext::makeCurrent, not QOpenGLWidget::makeCurrent: the latter also
        // binds the widget's framebuffer behind VTK's back, and VTK's cached state then
        // attaches its buffers to Qt's framebuffer.
        QOpenGLContext* context = w->context();
        if (context && QOpenGLContext::currentContext() != context)
            context->makeCurrent(context->surface());
        break;
    }
    case vtkCommand::WindowIsCurrentEvent:
        *static_cast<bool*>(data) =
            w->context() && QOpenGLContext::currentContext() == w->context();
        break;
    case vtkCommand::WindowFrameEvent:
        break; // rendering only ever happens inside paintGL, which then blits
    case vtkCommand::RenderEvent:
        w->requestRender();
        break;
    default:
        break;
    }
}

void VtkGLWidget::addRenderer(vtkRenderer* renderer) {
    window_->AddRenderer(renderer);
    requestRender();
}

vtkGenericOpenGLRenderWindow* VtkGLWidget::renderWindow() const {
    return window_;
}

void VtkGLWidget::requestRender() {
    renderPending_ = true;
    if (!inPaint_)
        update();
}

void VtkGLWidget::initializeGL() {
    if (!context() || !context()->isValid())
        return;
    connect(
        context(), &QOpenGLContext::aboutToBeDestroyed, this,
        [this] {
            makeCurrent();
            cleanup();
        },
        Qt::UniqueConnection);
    vtkOpenGLState* state = window_->GetState();
    state->Reset();
    state->vtkglDepthFunc(GL_LEQUAL); // Qt leaves GL_LESS; VTK expects GL_LEQUAL
    window_->SetOwnContext(false);
    window_->SetForceMaximumHardwareLineWidth(1);
    window_->SetReadyForRendering(true);
    window_->OpenGLInitContext();
    window_->SetMapped(true);
    initialized_ = true;
    renderPending_ = true;
}

void VtkGLWidget::resizeGL(int width, int height) {
    const qreal ratio = devicePixelRatioF();
    const int w = int(width * ratio), h = int(height * ratio);
    interactor_->UpdateSize(w, h); // also sizes the render window
    window_->SetSize(w, h);
    renderPending_ = true;
}

void VtkGLWidget::paintGL() {
    auto* f = context() ? context()->extraFunctions() : nullptr;
    if (!initialized_ || !f) {
        if (f) {
            f->glClearColor(0.1f, 0.1f, 0.12f, 1.0f);
            f->glClear(GL_COLOR_BUFFER_BIT);
        }
        return;
    }
    inPaint_ = true;
    vtkOpenGLState* state = window_->GetState();
    // Qt drew with the same context since VTK last looked: make VTK re-read the state.
    state->Reset();
    state->Push();
    state->vtkglDepthFunc(GL_LEQUAL);
    const qreal ratio = devicePixelRatioF();
    const int w = int(width() * ratio), h = int(height() * ratio);
    if (window_->GetSize()[0] != w || window_->GetSize()[1] != h)
        window_->SetSize(w, h);
    // Qt's framebuffer is re-created on resize and grabs: render whenever asked,
    // and whenever VTK's framebuffer has not got this size yet.
    int* last =
        window_->GetRenderFramebuffer() ? window_->GetRenderFramebuffer()->GetLastSize() : nullptr;
    if (renderPending_ || !last || last[0] != w || last[1] != h) {
        window_->Render();
        ++renders_;
        renderPending_ = false;
    }
    // Rendering may have made another context current (VTK events): ours again.
    if (QOpenGLContext::currentContext() != context())
        makeCurrent();
    f->glBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
    const GLenum buffers[1] = {GL_COLOR_ATTACHMENT0};
    f->glDrawBuffers(1, buffers);
    const GLboolean scissor = f->glIsEnabled(GL_SCISSOR_TEST);
    if (scissor)
        f->glDisable(GL_SCISSOR_TEST);
    int* size = window_->GetRenderFramebuffer()->GetLastSize();
    window_->BlitDisplayFramebuffer(0, 0, 0, size[0], size[1], 0, 0, w, h, GL_COLOR_BUFFER_BIT,
                                    GL_LINEAR);
    // Opaque alpha: otherwise the compositor (or a grab) sees through the background.
    GLboolean mask[4];
    f->glGetBooleanv(GL_COLOR_WRITEMASK, mask);
    f->glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
    GLfloat clear[4];
    f->glGetFloatv(GL_COLOR_CLEAR_VALUE, clear);
    f->glClearColor(0, 0, 0, 1);
    f->glClear(GL_COLOR_BUFFER_BIT);
    f->glClearColor(clear[0], clear[1], clear[2], clear[3]);
    f->glColorMask(mask[0], mask[1], mask[2], mask[3]);
    if (scissor)
        f->glEnable(GL_SCISSOR_TEST);
    state->Pop();
    inPaint_ = false;
}

void VtkGLWidget::forwardMouse(QMouseEvent* event, unsigned long vtkEvent) {
    const qreal ratio = devicePixelRatioF();
    const QPointF p = event->position() * ratio;
    interactor_->SetEventInformationFlipY(int(p.x()), int(p.y()),
                                          (event->modifiers() & Qt::ControlModifier) ? 1 : 0,
                                          (event->modifiers() & Qt::ShiftModifier) ? 1 : 0, 0,
                                          event->type() == QEvent::MouseButtonDblClick ? 1 : 0);
    interactor_->InvokeEvent(vtkEvent, nullptr);
}

void VtkGLWidget::mousePressEvent(QMouseEvent* event) {
    switch (event->button()) {
    case Qt::LeftButton:
        forwardMouse(event, vtkCommand::LeftButtonPressEvent);
        break;
    case Qt::MiddleButton:
        forwardMouse(event, vtkCommand::MiddleButtonPressEvent);
        break;
    case Qt::RightButton:
        forwardMouse(event, vtkCommand::RightButtonPressEvent);
        break;
    default:
        break;
    }
}

void VtkGLWidget::mouseReleaseEvent(QMouseEvent* event) {
    switch (event->button()) {
    case Qt::LeftButton:
        forwardMouse(event, vtkCommand::LeftButtonReleaseEvent);
        break;
    case Qt::MiddleButton:
        forwardMouse(event, vtkCommand::MiddleButtonReleaseEvent);
        break;
    case Qt::RightButton:
        forwardMouse(event, vtkCommand::RightButtonReleaseEvent);
        break;
    default:
        break;
    }
}

void VtkGLWidget::mouseMoveEvent(QMouseEvent* event) {
    forwardMouse(event, vtkCommand::MouseMoveEvent);
}

void VtkGLWidget::mouseDoubleClickEvent(QMouseEvent* event) {
    mousePressEvent(event);
}

void VtkGLWidget::wheelEvent(QWheelEvent* event) {
    const qreal ratio = devicePixelRatioF();
    const QPointF p = event->position() * ratio;
    interactor_->SetEventInformationFlipY(int(p.x()), int(p.y()),
                                          (event->modifiers() & Qt::ControlModifier) ? 1 : 0,
                                          (event->modifiers() & Qt::ShiftModifier) ? 1 : 0);
    const int delta = event->angleDelta().y();
    if (delta > 0)
        interactor_->InvokeEvent(vtkCommand::MouseWheelForwardEvent, nullptr);
    else if (delta < 0)
        interactor_->InvokeEvent(vtkCommand::MouseWheelBackwardEvent, nullptr);
    event->accept();
}

void VtkGLWidget::keyPressEvent(QKeyEvent* event) {
    // Only the harmless trackball keys: 'r' resets the camera, 'w'/'s' switch between
    // wireframe and surfaces. (VTK's 'q'/'e' would ask the interactor to quit.)
    const QString text = event->text().toLower();
    if (text == "r" || text == "w" || text == "s") {
        const char keysym[2] = {text.at(0).toLatin1(), 0};
        interactor_->SetKeyEventInformation(0, 0, keysym[0], 0, keysym);
        interactor_->InvokeEvent(vtkCommand::CharEvent, nullptr);
        requestRender();
        event->accept();
        return;
    }
    QOpenGLWidget::keyPressEvent(event);
}

} // namespace cisterna::ui
