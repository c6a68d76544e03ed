#include "ui/render/SurfaceExport.h"

#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"

#include <vtkOBJWriter.h>
#include <vtkPLYWriter.h>
#include <vtkPolyData.h>
#include <vtkSTLWriter.h>
#include <vtkSmartPointer.h>

#include <QFileInfo>

#include <filesystem>

namespace cisterna::ui {

QStringList surfaceExtensions() {
    return {".stl", ".ply", ".obj"};
}

void writeSurface(const QString& path, vtkPolyData* surface) {
    const std::string where = path.toStdString();
    const QString ext = "." + QFileInfo(path).suffix().toLower();
    if (!surfaceExtensions().contains(ext))
        throw FormatError(where, "surfaces are written as .stl, .ply or .obj, not '" +
                                     ext.toStdString() + "'");
    if (!surface || surface->GetNumberOfCells() == 0)
        throw FormatError(where, "the surface is empty: there is nothing to export");
    AtomicFile target{std::filesystem::path(where)};
    const std::string temp = target.tempPath().string();
    int ok = 0;
    if (ext == ".stl") {
        auto w = vtkSmartPointer<vtkSTLWriter>::New();
        w->SetInputData(surface);
        w->SetFileTypeToBinary();
        w->SetFileName(temp.c_str());
        ok = w->Write();
    } else if (ext == ".ply") {
        // VTK's PLY writer appends ".ply" to a name without it (our temporary): give it
        // a name that ends in .ply, then move the file to the temporary.
        const std::string plyTemp = temp + ".ply";
        auto w = vtkSmartPointer<vtkPLYWriter>::New();
        w->SetInputData(surface);
        w->SetFileTypeToBinary();
        w->SetFileName(plyTemp.c_str());
        ok = w->Write();
        std::error_code ec;
        if (ok)
            std::filesystem::rename(plyTemp, temp, ec);
        if (!ok || ec) {
            std::filesystem::remove(plyTemp, ec);
            ok = 0;
        }
    } else {
        auto w = vtkSmartPointer<vtkOBJWriter>::New();
        w->SetInputData(surface);
        w->SetFileName(temp.c_str());
        ok = w->Write();
    }
    std::error_code ec;
    if (!ok || !std::filesystem::exists(temp, ec) || std::filesystem::file_size(temp, ec) == 0)
        throw FormatError(where, "could not be written (disk full or no permission?)");
    target.commit();
}

} // namespace cisterna::ui
