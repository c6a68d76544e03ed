#include "core/worker/WorkerProtocol.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace cisterna {
namespace {

using Json = nlohmann::json;

const char* kindName(WorkerEvent::Kind kind) {
    switch (kind) {
    case WorkerEvent::Kind::Progress:
        return "progress";
    case WorkerEvent::Kind::Training:
        return "training";
    case WorkerEvent::Kind::Warning:
        return "warning";
    case WorkerEvent::Kind::Result:
        return "result";
    case WorkerEvent::Kind::Error:
        return "error";
    }
    return "progress";
}

// JSON has no NaN or infinity: such a number is left out.
void putNumber(Json& j, const char* key, double value) {
    if (std::isfinite(value))
        j[key] = value;
}

double number(const Json& j, const char* key, double fallback) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

std::string text(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

std::string encodeWorkerEvent(const WorkerEvent& e) {
    Json j;
    j["event"] = kindName(e.kind);
    putNumber(j, "fraction", e.fraction);
    if (!e.message.empty())
        j["message"] = e.message;
    switch (e.kind) {
    case WorkerEvent::Kind::Training:
        j["iteration"] = e.iteration;
        j["total"] = e.total;
        putNumber(j, "loss", e.loss);
        if (e.f1)
            putNumber(j, "f1", *e.f1);
        putNumber(j, "eta_s", e.etaSeconds);
        break;
    case WorkerEvent::Kind::Result:
        j["outputs"] = e.outputs;
        break;
    case WorkerEvent::Kind::Error:
        j["cancelled"] = e.cancelled;
        break;
    default:
        break;
    }
    // Invalid UTF-8 in a message (a file name) is replaced, never a throw.
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::optional<WorkerEvent> decodeWorkerEvent(const std::string& line) {
    const Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return std::nullopt;
    const std::string kind = text(j, "event");
    WorkerEvent e;
    if (kind == "progress")
        e.kind = WorkerEvent::Kind::Progress;
    else if (kind == "training")
        e.kind = WorkerEvent::Kind::Training;
    else if (kind == "warning")
        e.kind = WorkerEvent::Kind::Warning;
    else if (kind == "result")
        e.kind = WorkerEvent::Kind::Result;
    else if (kind == "error")
        e.kind = WorkerEvent::Kind::Error;
    else
        return std::nullopt;
    e.fraction = std::clamp(number(j, "fraction", 0), 0.0, 1.0);
    e.message = text(j, "message");
    e.iteration = std::int64_t(number(j, "iteration", 0));
    e.total = std::int64_t(number(j, "total", 0));
    e.loss = number(j, "loss", std::nan(""));
    if (j.contains("f1") && j["f1"].is_number())
        e.f1 = j["f1"].get<double>();
    e.etaSeconds = number(j, "eta_s", -1);
    if (const auto it = j.find("outputs"); it != j.end() && it->is_array())
        for (const Json& o : *it)
            if (o.is_string())
                e.outputs.push_back(o.get<std::string>());
    if (const auto it = j.find("cancelled"); it != j.end() && it->is_boolean())
        e.cancelled = it->get<bool>();
    return e;
}

} // namespace cisterna
