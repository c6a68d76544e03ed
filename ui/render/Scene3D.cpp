#include "ui/render/Scene3D.h"

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkFloatArray.h>
#include <vtkImageActor.h>
#include <vtkImageData.h>
#include <vtkImageMapper3D.h>
#include <vtkImageProperty.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkUnsignedCharArray.h>
#include <vtkUnsignedShortArray.h>

#include <algorithm>

namespace cisterna::ui {

Scene3D::Scene3D() : renderer_(vtkSmartPointer<vtkRenderer>::New()) {
    renderer_->SetBackground(0.09, 0.10, 0.13);
    renderer_->SetBackground2(0.22, 0.24, 0.30);
    renderer_->GradientBackgroundOn();
    for (auto& plane : planes_) {
        plane = vtkSmartPointer<vtkImageActor>::New();
        plane->VisibilityOff();
        plane->InterpolateOff();
        renderer_->AddActor(plane);
    }
}

Scene3D::~Scene3D() = default;

vtkRenderer* Scene3D::renderer() const {
    return renderer_;
}

void Scene3D::setImage(const Volume& image) {
    image_ = image.isNull() ? Volume() : image.contiguous();
    if (image_.isNull()) {
        imageData_ = nullptr;
        for (auto& plane : planes_)
            plane->VisibilityOff();
        return;
    }
    const Shape3 s = image_.shape();
    imageData_ = vtkSmartPointer<vtkImageData>::New();
    imageData_->SetDimensions(int(s.x), int(s.y), int(s.z));
    const Vec3d vs = image_.voxelSize(), o = image_.origin();
    imageData_->SetSpacing(vs.x, vs.y, vs.z);
    imageData_->SetOrigin(o.x, o.y, o.z);
    // Wrap the voxels without copying: image_ keeps them alive as long as we show them.
    const vtkIdType n = vtkIdType(image_.voxelCount());
    void* data = image_.data();
    switch (image_.dataType()) {
    case DataType::UInt8: {
        auto a = vtkSmartPointer<vtkUnsignedCharArray>::New();
        a->SetArray(static_cast<unsigned char*>(data), n, 1);
        imageData_->GetPointData()->SetScalars(a);
        break;
    }
    case DataType::UInt16: {
        auto a = vtkSmartPointer<vtkUnsignedShortArray>::New();
        a->SetArray(static_cast<unsigned short*>(data), n, 1);
        imageData_->GetPointData()->SetScalars(a);
        break;
    }
    case DataType::Float32: {
        auto a = vtkSmartPointer<vtkFloatArray>::New();
        a->SetArray(static_cast<float*>(data), n, 1);
        imageData_->GetPointData()->SetScalars(a);
        break;
    }
    }
    for (auto& plane : planes_) {
        plane->GetMapper()->SetInputData(imageData_);
        plane->SetVisibility(planesVisible_);
    }
    setPlanePosition({s.z / 2, s.y / 2, s.x / 2});
}

void Scene3D::setPlanePosition(const Index3& c) {
    if (image_.isNull())
        return;
    const Shape3 s = image_.shape();
    const int x1 = int(s.x) - 1, y1 = int(s.y) - 1, z1 = int(s.z) - 1;
    const int z = int(std::clamp<std::int64_t>(c.z, 0, z1));
    const int y = int(std::clamp<std::int64_t>(c.y, 0, y1));
    const int x = int(std::clamp<std::int64_t>(c.x, 0, x1));
    planes_[0]->SetDisplayExtent(0, x1, 0, y1, z, z); // XY at z
    planes_[1]->SetDisplayExtent(0, x1, y, y, 0, z1); // XZ at y
    planes_[2]->SetDisplayExtent(x, x, 0, y1, 0, z1); // YZ at x
}

void Scene3D::setWindow(double level, double width) {
    for (auto& plane : planes_) {
        plane->GetProperty()->SetColorLevel(level);
        plane->GetProperty()->SetColorWindow(std::max(1e-6, width));
    }
}

void Scene3D::setPlanesVisible(bool visible) {
    planesVisible_ = visible;
    for (auto& plane : planes_)
        plane->SetVisibility(visible && !image_.isNull());
}

void Scene3D::setSurface(const std::string& key, vtkSmartPointer<vtkPolyData> surface,
                         const QColor& colour, double opacity, bool visible) {
    if (!surface || surface->GetNumberOfCells() == 0) {
        removeSurface(key);
        return;
    }
    Surface& s = surfaces_[key];
    if (!s.actor) {
        s.actor = vtkSmartPointer<vtkActor>::New();
        auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
        mapper->ScalarVisibilityOff();
        s.actor->SetMapper(mapper);
        renderer_->AddActor(s.actor);
    }
    s.data = surface;
    static_cast<vtkPolyDataMapper*>(s.actor->GetMapper())->SetInputData(surface);
    setSurfaceStyle(key, colour, opacity, visible);
}

void Scene3D::setSurfaceStyle(const std::string& key, const QColor& colour, double opacity,
                              bool visible) {
    auto it = surfaces_.find(key);
    if (it == surfaces_.end())
        return;
    vtkProperty* p = it->second.actor->GetProperty();
    p->SetColor(colour.redF(), colour.greenF(), colour.blueF());
    p->SetOpacity(std::clamp(opacity, 0.05, 1.0));
    p->SetSpecular(0.3);
    p->SetSpecularPower(20);
    it->second.actor->SetVisibility(visible);
}

void Scene3D::removeSurface(const std::string& key) {
    auto it = surfaces_.find(key);
    if (it == surfaces_.end())
        return;
    renderer_->RemoveActor(it->second.actor);
    surfaces_.erase(it);
}

void Scene3D::removeSurfacesNotIn(const std::vector<std::string>& keep) {
    std::vector<std::string> gone;
    for (const auto& [key, s] : surfaces_)
        if (std::find(keep.begin(), keep.end(), key) == keep.end())
            gone.push_back(key);
    for (const auto& key : gone)
        removeSurface(key);
}

vtkPolyData* Scene3D::surface(const std::string& key) const {
    auto it = surfaces_.find(key);
    return it == surfaces_.end() ? nullptr : it->second.data.Get();
}

void Scene3D::resetCamera() {
    vtkCamera* camera = renderer_->GetActiveCamera();
    camera->SetFocalPoint(0, 0, 0);
    camera->SetPosition(0.6, -1.0, -0.8); // looking at the XY plane from below, tilted
    camera->SetViewUp(0, -1, 0);          // y down, like the slice views
    renderer_->ResetCamera();
    camera->Zoom(1.2);
    renderer_->ResetCameraClippingRange();
}

} // namespace cisterna::ui
