#pragma once
// Evaluation of an organelle's labels or prediction against a ground truth (a file
// in any format core reads, or the demo phantom's exact labels), as a job.
#include "ui/model/DocumentModel.h"
#include "ui/model/JobManager.h"

#include "core/metrics/Metrics.h"

#include <functional>
#include <optional>

namespace cisterna::ui {

struct EvaluationRequest {
    int organelle = 0;
    Layer layer = Layer::Truth; // truth, prediction (at the organelle's threshold) or segmentation
    QString truthPath;          // empty: the document's reference labels
    std::optional<double> truthLabel; // the organelle's value in a multi-label truth
    double exclusionBand = 0;
};

struct EvaluationRow {
    QString organelle, layer, truth;
    Evaluation evaluation;
};

// onResult runs on the UI thread when the evaluation succeeded.
Job* startEvaluation(JobManager& jobs, DocumentModel& document, const EvaluationRequest& request,
                     std::function<void(const EvaluationRow&)> onResult);

} // namespace cisterna::ui
