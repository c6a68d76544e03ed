#pragma once
// What the 3D view shows, independent of any window: the three orthogonal planes of
// the image at the cursor, and per organelle the surfaces of its labels and of its
// prediction. It owns the VTK renderer; a view (or an offscreen test) attaches it
// to a render window.
#include "core/volume/Volume.h"

#include <QColor>

#include <vtkSmartPointer.h>

#include <map>
#include <string>

class vtkActor;
class vtkImageActor;
class vtkImageData;
class vtkPolyData;
class vtkRenderer;

namespace cisterna::ui {

class Scene3D {
public:
    Scene3D();
    ~Scene3D();
    Scene3D(const Scene3D&) = delete;
    Scene3D& operator=(const Scene3D&) = delete;

    vtkRenderer* renderer() const;

    // The image shown in the planes (shared, not copied; null clears).
    void setImage(const Volume& image);
    void setPlanePosition(const Index3& cursor);
    void setWindow(double level, double width);
    void setPlanesVisible(bool visible);
    bool planesVisible() const { return planesVisible_; }

    // Surfaces by key ("o3-truth"). Null or empty polydata removes the key.
    void setSurface(const std::string& key, vtkSmartPointer<vtkPolyData> surface,
                    const QColor& colour, double opacity, bool visible);
    void setSurfaceStyle(const std::string& key, const QColor& colour, double opacity,
                         bool visible);
    void removeSurface(const std::string& key);
    void removeSurfacesNotIn(const std::vector<std::string>& keep);
    bool hasSurface(const std::string& key) const { return surfaces_.count(key) > 0; }
    vtkPolyData* surface(const std::string& key) const;
    int surfaceCount() const { return int(surfaces_.size()); }

    // Frames the whole volume (the first time an image is shown).
    void resetCamera();

private:
    struct Surface {
        vtkSmartPointer<vtkPolyData> data;
        vtkSmartPointer<vtkActor> actor;
    };
    vtkSmartPointer<vtkRenderer> renderer_;
    vtkSmartPointer<vtkImageData> imageData_;
    Volume image_; // keeps the voxels the image data points into alive
    vtkSmartPointer<vtkImageActor> planes_[3];
    std::map<std::string, Surface> surfaces_;
    bool planesVisible_ = true;
};

} // namespace cisterna::ui
