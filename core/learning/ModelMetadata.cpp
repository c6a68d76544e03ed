#include "core/learning/ModelMetadata.h"

#include "core/util/Error.h"
#include "core/util/Text.h"

#include <cmath>
#include <ctime>
#include <sstream>

namespace cisterna {
namespace {

std::string joinNames(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out += (i ? "," : "") + names[i];
    return out;
}

Shape3 parseShapeEntry(const std::string& text, const std::string& source) {
    const std::vector<std::string> p = split(text, ',');
    try {
        if (p.size() == 3) {
            const Shape3 s{std::stoll(p[0]), std::stoll(p[1]), std::stoll(p[2])};
            if (!s.isEmpty() && s.z <= 65536 && s.y <= 65536 && s.x <= 65536)
                return s;
        }
    } catch (const std::exception&) {
    }
    throw FormatError(source, "the model's metadata has an unusable shape '" + text + "'");
}

Vec3d parseVecEntry(const std::string& text, const std::string& source) {
    try {
        const Vec3d v = parseVec3d(text);
        if (std::isfinite(v.z) && std::isfinite(v.y) && std::isfinite(v.x) && v.z > 0 && v.y > 0 &&
            v.x > 0)
            return v;
    } catch (const std::exception&) {
    }
    throw FormatError(source, "the model's metadata has an unusable voxel size '" + text + "'");
}

std::string vecEntry(const Vec3d& v) {
    std::ostringstream out;
    out.precision(17);
    out << v.z << ',' << v.y << ',' << v.x;
    return out.str();
}

} // namespace

KeyValueText ModelMetadata::toKeyValues() const {
    KeyValueText kv;
    kv.set("organelle", organelle);
    kv.set("classes", joinNames(classNames));
    kv.set("network.base_features", std::int64_t(network.baseFeatures));
    kv.set("network.feature_factor", std::int64_t(network.featureFactor));
    kv.set("network.down_factors", formatLevelTriples(network.downFactors));
    kv.set("network.kernel_sizes", network.kernelSizes.empty()
                                       ? std::string("3")
                                       : formatLevelTriples(network.kernelSizes));
    kv.set("network.upsampling", std::string(toString(network.upsampling)));
    kv.set("network.head_kernel", std::int64_t(network.headKernel));
    kv.set("network.classes", std::int64_t(network.classes));
    kv.set("training.input_shape", std::to_string(trainingInput.z) + "," +
                                       std::to_string(trainingInput.y) + "," +
                                       std::to_string(trainingInput.x));
    kv.set("voxel_size_nm", hasVoxelSize ? vecEntry(voxelSize) : std::string("unknown"));
    kv.set("normalisation.method", normalisation.method);
    kv.set("normalisation.low", normalisation.low);
    kv.set("normalisation.high", normalisation.high);
    kv.set("training.data", trainingData);
    kv.set("training.iterations", iterations);
    kv.set("validation.f1", validationF1 ? std::to_string(*validationF1) : std::string("none"));
    kv.set("finetuned_from", finetunedFrom);
    kv.set("cisterna_version", cisternaVersion);
    kv.set("device", device);
    kv.set("created", createdAt);
    if (checkpoint) {
        kv.set("checkpoint.iteration", checkpoint->iteration);
        kv.set("checkpoint.total_iterations", checkpoint->totalIterations);
        kv.set("checkpoint.seed", static_cast<std::int64_t>(checkpoint->seed));
    }
    return kv;
}

ModelMetadata ModelMetadata::fromKeyValues(const KeyValueText& kv, const std::string& source) {
    ModelMetadata m;
    m.organelle = kv.require("organelle", source);
    m.classNames = split(kv.require("classes", source), ',');
    UNetConfig& n = m.network;
    n.baseFeatures = static_cast<int>(kv.requireInt("network.base_features", source));
    n.featureFactor = static_cast<int>(kv.requireInt("network.feature_factor", source));
    n.headKernel = static_cast<int>(kv.requireInt("network.head_kernel", source));
    n.classes = static_cast<int>(kv.requireInt("network.classes", source));
    try {
        n.downFactors = parseLevelTriples(kv.require("network.down_factors", source), -1);
        const std::string kernels = kv.require("network.kernel_sizes", source);
        n.kernelSizes.clear();
        if (kernels != "3")
            n.kernelSizes = parseLevelTriples(kernels, n.levels() + 1);
        n.upsampling = parseUpsampling(kv.require("network.upsampling", source));
        n.validate();
    } catch (const InvalidArgument& e) {
        throw FormatError(source, std::string("the model's architecture is unusable: ") + e.what());
    }
    if (static_cast<int>(m.classNames.size()) != n.classes)
        throw FormatError(source, "the model names " + std::to_string(m.classNames.size()) +
                                      " classes but its network has " + std::to_string(n.classes));
    m.trainingInput = parseShapeEntry(kv.require("training.input_shape", source), source);
    const std::string voxel = kv.require("voxel_size_nm", source);
    m.hasVoxelSize = voxel != "unknown";
    if (m.hasVoxelSize)
        m.voxelSize = parseVecEntry(voxel, source);
    m.normalisation.method = kv.require("normalisation.method", source);
    m.normalisation.low = kv.requireDouble("normalisation.low", source);
    m.normalisation.high = kv.requireDouble("normalisation.high", source);
    if (!std::isfinite(m.normalisation.low) || !std::isfinite(m.normalisation.high) ||
        !(m.normalisation.high > m.normalisation.low))
        throw FormatError(source, "the model's intensity normalisation is unusable");
    m.trainingData = kv.get("training.data").value_or("");
    m.iterations = kv.requireInt("training.iterations", source);
    const std::string f1 = kv.require("validation.f1", source);
    if (f1 != "none")
        m.validationF1 = kv.requireDouble("validation.f1", source);
    m.finetunedFrom = kv.get("finetuned_from").value_or("");
    m.cisternaVersion = kv.get("cisterna_version").value_or("");
    m.device = kv.get("device").value_or("");
    m.createdAt = kv.get("created").value_or("");
    if (kv.has("checkpoint.iteration")) {
        TrainingState s;
        s.iteration = kv.requireInt("checkpoint.iteration", source);
        s.totalIterations = kv.requireInt("checkpoint.total_iterations", source);
        s.seed = static_cast<std::uint64_t>(kv.requireInt("checkpoint.seed", source));
        if (s.iteration < 0 || s.totalIterations < s.iteration)
            throw FormatError(source, "the checkpoint's iteration counts are inconsistent");
        m.checkpoint = s;
    }
    return m;
}

std::string ModelMetadata::describe() const {
    std::ostringstream out;
    out << "organelle: " << organelle;
    if (classNames.size() > 1)
        out << " (classes " << joinNames(classNames) << ")";
    out << "\nnetwork: " << network.describe() << ", " << unetParameterCount(network)
        << " parameters\n";
    try {
        const UNetGeometry g = unetGeometry(network, trainingInput);
        out << "training patch: input " << toString(g.input) << " -> output " << toString(g.output)
            << "\n";
    } catch (const Error&) {
        out << "training patch: " << toString(trainingInput) << "\n";
    }
    out << "voxel size: " << (hasVoxelSize ? toString(voxelSize) + " nm" : "unknown") << "\n"
        << "normalisation: " << normalisation.describe() << "\n"
        << "iterations: " << iterations << "\n"
        << "validation F1: " << (validationF1 ? std::to_string(*validationF1) : "none") << "\n";
    if (!trainingData.empty())
        out << "training data: " << trainingData << "\n";
    if (!finetunedFrom.empty())
        out << "fine-tuned from: " << finetunedFrom << "\n";
    out << "trained on: " << device << ", Cisterna " << cisternaVersion << ", " << createdAt;
    if (checkpoint)
        out << "\ncheckpoint: iteration " << checkpoint->iteration << " of "
            << checkpoint->totalIterations;
    return out.str();
}

std::string voxelSizeWarning(const ModelMetadata& meta, const Vec3d& voxelSize, bool hasVoxelSize) {
    if (!meta.hasVoxelSize || !hasVoxelSize)
        return {};
    const auto differs = [](double a, double b) { return std::abs(a - b) > 0.1 * b; };
    if (!differs(voxelSize.z, meta.voxelSize.z) && !differs(voxelSize.y, meta.voxelSize.y) &&
        !differs(voxelSize.x, meta.voxelSize.x))
        return {};
    return "the model was trained at voxel size " + toString(meta.voxelSize) +
           " nm but this image has " + toString(voxelSize) +
           " nm; predictions are usually poor unless the image is resampled";
}

std::string utcTimestamp() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

} // namespace cisterna
