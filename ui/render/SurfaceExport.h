#pragma once
// Writes a surface as STL, PLY or OBJ (chosen by the extension), atomically.
#include <QString>
#include <QStringList>

class vtkPolyData;

namespace cisterna::ui {

QStringList surfaceExtensions(); // ".stl", ".ply", ".obj"
// Throws FormatError naming the file (unknown extension, empty surface, write failure).
void writeSurface(const QString& path, vtkPolyData* surface);

} // namespace cisterna::ui
