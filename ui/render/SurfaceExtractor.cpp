#include "ui/render/SurfaceExtractor.h"

#include <vtkFlyingEdges3D.h>
#include <vtkImageData.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkPolyDataNormals.h>
#include <vtkUnsignedCharArray.h>
#include <vtkWindowedSincPolyDataFilter.h>

#include <algorithm>
#include <cmath>

namespace cisterna::ui {

SurfaceInput prepareSurfaceInput(const Volume& volume, double threshold, std::int64_t maxVoxels) {
    SurfaceInput input;
    if (volume.isNull() || volume.voxelCount() == 0)
        return input;
    const Shape3 s = volume.shape();
    const double ratio = double(volume.voxelCount()) / double(std::max<std::int64_t>(1, maxVoxels));
    const int f = ratio <= 1 ? 1 : int(std::ceil(std::cbrt(ratio)));
    const Shape3 reduced{(s.z + f - 1) / f, (s.y + f - 1) / f, (s.x + f - 1) / f};
    const Shape3 padded{reduced.z + 2, reduced.y + 2, reduced.x + 2};
    Volume out = Volume::allocate(DataType::UInt8, padded, VolumeRole::Label, "surface input");
    auto dst = out.view<std::uint8_t>();
    bool any = false;
    dispatchDataType(volume.dataType(), [&](auto tag) {
        using T = decltype(tag);
        const auto src = volume.view<T>();
        // Block maximum: a thin structure survives the reduction.
        for (std::int64_t z = 0; z < s.z; ++z)
            for (std::int64_t y = 0; y < s.y; ++y) {
                const T* row = src.row(z, y);
                std::uint8_t* target = dst.row(z / f + 1, y / f + 1) + 1;
                const std::int64_t xs = src.strides().x;
                for (std::int64_t x = 0; x < s.x; ++x)
                    if (double(row[x * xs]) > threshold) {
                        target[x / f] = 1;
                        any = true;
                    }
            }
    });
    if (!any)
        return input;
    const Vec3d vs = volume.voxelSize();
    out.setVoxelSize({vs.z * f, vs.y * f, vs.x * f});
    const Vec3d o = volume.origin();
    // Voxel centres of the reduced grid sit at the centre of each block; the padding
    // voxel sits one reduced voxel before the first.
    out.setOrigin({o.z + vs.z * (f - 1) / 2.0 - vs.z * f, o.y + vs.y * (f - 1) / 2.0 - vs.y * f,
                   o.x + vs.x * (f - 1) / 2.0 - vs.x * f});
    input.volume = out;
    input.factor = f;
    input.isoValue = 0.5;
    return input;
}

vtkSmartPointer<vtkPolyData> extractSurface(const SurfaceInput& input, int smoothingIterations) {
    if (input.isEmpty())
        return nullptr;
    const Volume& v = input.volume;
    const Shape3 s = v.shape();
    auto image = vtkSmartPointer<vtkImageData>::New();
    image->SetDimensions(int(s.x), int(s.y), int(s.z));
    image->SetSpacing(v.voxelSize().x, v.voxelSize().y, v.voxelSize().z);
    image->SetOrigin(v.origin().x, v.origin().y, v.origin().z);
    auto scalars = vtkSmartPointer<vtkUnsignedCharArray>::New();
    // The input volume outlives the pipeline (it is ours and held by `input`): no copy.
    scalars->SetArray(static_cast<unsigned char*>(const_cast<void*>(v.data())),
                      vtkIdType(v.voxelCount()), 1);
    image->GetPointData()->SetScalars(scalars);

    auto edges = vtkSmartPointer<vtkFlyingEdges3D>::New();
    edges->SetInputData(image);
    edges->SetValue(0, input.isoValue);
    edges->ComputeNormalsOff();
    edges->ComputeGradientsOff();
    edges->ComputeScalarsOff();
    auto smooth = vtkSmartPointer<vtkWindowedSincPolyDataFilter>::New();
    smooth->SetInputConnection(edges->GetOutputPort());
    smooth->SetNumberOfIterations(std::max(0, smoothingIterations));
    smooth->SetPassBand(0.05);
    smooth->BoundarySmoothingOff();
    smooth->FeatureEdgeSmoothingOff();
    smooth->NonManifoldSmoothingOn();
    smooth->NormalizeCoordinatesOn();
    auto normals = vtkSmartPointer<vtkPolyDataNormals>::New();
    normals->SetInputConnection(smoothingIterations > 0 ? smooth->GetOutputPort()
                                                        : edges->GetOutputPort());
    normals->SplittingOff();
    normals->ConsistencyOn();
    normals->Update();
    auto result = vtkSmartPointer<vtkPolyData>::New();
    result->DeepCopy(normals->GetOutput()); // detached from the pipeline and the input
    return result;
}

} // namespace cisterna::ui
