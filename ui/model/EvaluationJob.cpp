#include "ui/model/EvaluationJob.h"

#include "ui/model/FileIoLock.h"

#include "core/io/VolumeIO.h"
#include "core/util/Error.h"

#include <QFileInfo>

namespace cisterna::ui {

Job* startEvaluation(JobManager& jobs, DocumentModel& document, const EvaluationRequest& request,
                     std::function<void(const EvaluationRow&)> onResult) {
    const Organelle& o = document.organelle(request.organelle);
    if (o.layer(request.layer).isNull())
        throw InvalidArgument(o.name.toStdString() + " has no " + layerName(request.layer) +
                              " layer to evaluate yet.");
    if (request.layer == Layer::Strokes)
        throw InvalidArgument("strokes are not a segmentation; evaluate truth, prediction or "
                              "segmentation");
    // A snapshot (JobManager.h): the brush may paint the layer while the job runs.
    const Volume prediction = o.layer(request.layer);
    const Volume reference = document.referenceLabels();
    if (request.truthPath.isEmpty() && reference.isNull())
        throw InvalidArgument("Choose a ground-truth file: this image has no reference labels.");
    EvaluationOptions options;
    options.exclusionBand = request.exclusionBand;
    options.truthLabel = request.truthLabel;
    // Probabilities are p * 255; the binary layers are 0/1.
    options.predictionThreshold = request.layer == Layer::Prediction ? o.threshold * 255.0 : 0.0;
    EvaluationRow row;
    row.organelle = o.name;
    row.layer = layerName(request.layer);
    row.truth = request.truthPath.isEmpty() ? QString("reference labels")
                                            : QFileInfo(request.truthPath).fileName();
    if (request.truthLabel)
        row.truth += QString(" (label %1)").arg(*request.truthLabel);
    const std::string truthPath = request.truthPath.toStdString();
    const Shape3 shape = document.shape();
    return jobs.start(
        "Evaluate: " + o.name, JobKind::Evaluate, [=](JobContext& context) mutable -> JobFinish {
            context.report(0.05, truthPath.empty() ? "comparing" : "reading the ground truth");
            Volume truth = reference;
            if (!truthPath.empty()) {
                const std::lock_guard<std::mutex> lock(fileIoMutex()); // HDF5 is not thread-safe
                truth = readVolume(truthPath);
            }
            if (truth.shape() != shape)
                throw InvalidArgument("the ground truth has shape " + toString(truth.shape()) +
                                      " but the image has shape " + toString(shape));
            context.report(0.4, "comparing");
            row.evaluation = evaluateSegmentation(prediction, truth, options);
            context.setProgress(1, "F1 " + std::to_string(row.evaluation.voxels.f1()));
            return [row, onResult] {
                if (onResult)
                    onResult(row);
            };
        });
}

} // namespace cisterna::ui
