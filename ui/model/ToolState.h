#pragma once
// The active tool and brush, shared by the three slice views and the tool panel.
// The brush radius is kept in nm so that a brush is physically round in every view
// of an anisotropic volume; the panel also shows it in voxels of the finest axis.
#include "ui/model/Organelle.h"

#include "core/volume/Geometry.h"

#include <QObject>

namespace cisterna::ui {

enum class Tool { Navigate, ObjectBrush, BackgroundBrush, Eraser };
const char* toolName(Tool tool);

// What the brushes paint: the strokes (graph-cut input) or the labels themselves
// (manual correction of the graph-cut result).
enum class PaintTarget { Strokes, Labels };

class ToolState : public QObject {
    Q_OBJECT
public:
    explicit ToolState(QObject* parent = nullptr);

    Tool tool() const { return tool_; }
    void setTool(Tool tool);
    PaintTarget target() const { return target_; }
    void setTarget(PaintTarget target);

    // Radius 0 paints single voxels.
    double radiusVoxels() const { return radiusVoxels_; }
    void setRadiusVoxels(double radius);
    // The finest voxel side of the image converts between voxels and nm.
    void setFinestSpacing(double nm);
    double finestSpacing() const { return finestSpacing_; }
    double radiusNm() const { return radiusVoxels_ * finestSpacing_; }
    void setRadiusNm(double nm) { setRadiusVoxels(nm / finestSpacing_); }
    void growBrush();   // ] key
    void shrinkBrush(); // [ key

    // The layer the current tool writes and the value it writes there.
    Layer targetLayer() const {
        return target_ == PaintTarget::Strokes ? Layer::Strokes : Layer::Truth;
    }
    std::uint8_t paintValue() const;

signals:
    void changed();

private:
    Tool tool_ = Tool::Navigate;
    PaintTarget target_ = PaintTarget::Strokes;
    double radiusVoxels_ = 2;
    double finestSpacing_ = 1;
};

} // namespace cisterna::ui
