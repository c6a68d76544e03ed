#pragma once
// The state of one open volume in the app: the image, its label overlay, the
// cursor (crosshair) shared by the three views and the display window. No widget
// code: views observe it through signals, tests drive it directly.
#include "core/volume/Volume.h"

#include <QObject>
#include <QString>

namespace cisterna::ui {

class DocumentModel : public QObject {
    Q_OBJECT
public:
    explicit DocumentModel(QObject* parent = nullptr);

    void setImage(Volume image, const QString& name);
    void setLabels(Volume labels); // same shape as the image, or null to clear
    const Volume& image() const { return image_; }
    const Volume& labels() const { return labels_; }
    const QString& name() const { return name_; }

    const Index3& cursor() const { return cursor_; }
    void setCursor(const Index3& voxel); // clamped into the volume

    // Display window: grey values level - width/2 .. level + width/2 map to 0..255.
    double windowLevel() const { return level_; }
    double windowWidth() const { return width_; }
    void setWindow(double level, double width);
    double labelOpacity() const { return labelOpacity_; }
    void setLabelOpacity(double opacity);

signals:
    void imageChanged();
    void labelsChanged();
    void cursorChanged();
    void displayChanged();

private:
    Volume image_;
    Volume labels_;
    QString name_;
    Index3 cursor_;
    double level_ = 127.5, width_ = 255;
    double labelOpacity_ = 0.4;
};

} // namespace cisterna::ui
