#include "core/learning/TrainingText.h"

#include "core/util/Error.h"
#include "core/util/Text.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace cisterna {
namespace {

std::int64_t parseInteger(const std::string& token, const std::string& text) {
    try {
        std::size_t used = 0;
        const long long v = std::stoll(token, &used);
        if (used == token.size())
            return v;
    } catch (const std::exception&) {
    }
    throw InvalidArgument("'" + text + "': '" + token + "' is not an integer");
}

std::vector<std::int64_t> parseValues(const std::string& list, const std::string& text) {
    std::vector<std::int64_t> values;
    for (const std::string& token : split(list, ','))
        values.push_back(parseInteger(token, text));
    return values;
}

} // namespace

LabelSpec parseLabelValues(const std::string& text) {
    LabelSpec spec;
    if (!text.empty())
        spec.classValues.push_back(parseValues(text, text));
    return spec;
}

ClassSpec parseClassSpec(const std::string& text) {
    ClassSpec spec;
    for (const std::string& entry : split(text, ';')) {
        const auto eq = entry.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == entry.size())
            throw InvalidArgument("'" + text +
                                  "': each class is name=value[,value...], e.g. "
                                  "mito=1;er=3");
        spec.names.push_back(entry.substr(0, eq));
        spec.labels.classValues.push_back(parseValues(entry.substr(eq + 1), text));
    }
    return spec;
}

Shape3 parseShape3(const std::string& text) {
    const std::vector<std::string> parts = split(text, ',');
    if (parts.size() == 1) {
        const std::int64_t n = parseInteger(parts[0], text);
        return {n, n, n};
    }
    if (parts.size() != 3)
        throw InvalidArgument("'" + text + "' is not a size: give one value or z,y,x");
    return {parseInteger(parts[0], text), parseInteger(parts[1], text),
            parseInteger(parts[2], text)};
}

std::string formatDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0)
        return "?";
    char buffer[32];
    const long s = std::lround(seconds);
    if (s < 60)
        std::snprintf(buffer, sizeof buffer, "%lds", s);
    else if (s < 3600)
        std::snprintf(buffer, sizeof buffer, "%ldm %02lds", s / 60, s % 60);
    else
        std::snprintf(buffer, sizeof buffer, "%ldh %02ldm", s / 3600, (s % 3600) / 60);
    return buffer;
}

std::string formatTrainingProgress(const TrainingProgress& p) {
    char buffer[200];
    std::snprintf(buffer, sizeof buffer, "iteration %lld/%lld  loss %.4f (mean %.4f)",
                  static_cast<long long>(p.iteration), static_cast<long long>(p.totalIterations),
                  p.loss, p.averageLoss);
    std::string line = buffer;
    if (p.validationF1) {
        std::snprintf(buffer, sizeof buffer, "  val F1 %.3f", *p.validationF1);
        line += buffer;
    }
    std::snprintf(buffer, sizeof buffer, "  %.2f it/s  ETA %s", p.iterationsPerSecond,
                  formatDuration(p.etaSeconds).c_str());
    line += buffer;
    if (p.checkpointedNow)
        line += "  (checkpoint saved)";
    return line;
}

std::string describeNetworkSizes(const UNetConfig& network, const Shape3& input,
                                 std::int64_t limit) {
    network.validate();
    std::ostringstream out;
    out << "network: " << network.describe() << "\n"
        << "parameters: " << unetParameterCount(network) << "\n";
    try {
        const UNetGeometry g = unetGeometry(network, input);
        out << "input " << toString(g.input) << " -> output " << toString(g.output) << ", context "
            << g.offset.z << ", " << g.offset.y << ", " << g.offset.x << " voxels on each side\n";
    } catch (const InvalidArgument& e) {
        out << "input " << toString(input) << ": " << e.what() << "\n";
    }
    const char* names[] = {"z", "y", "x"};
    for (int axis = 0; axis < 3; ++axis) {
        out << "valid inputs along " << names[axis] << " (-> output):";
        int shown = 0;
        for (std::int64_t n : validInputSizes(network, axis, limit)) {
            out << " " << n << "->" << unetOutputSize(network, axis, n);
            if (++shown == 16) {
                out << " ...";
                break;
            }
        }
        if (shown == 0)
            out << " none up to " << limit;
        out << "\n";
    }
    return out.str();
}

} // namespace cisterna
