#include "core/learning/KeyValueText.h"

#include "core/util/Error.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace cisterna {
namespace {

std::string escape(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else
            out += c;
    }
    return out;
}

std::string unescape(const std::string& value) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) {
            const char next = value[++i];
            out += next == 'n' ? '\n' : next == 'r' ? '\r' : next;
        } else {
            out += value[i];
        }
    }
    return out;
}

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos)
        return {};
    const auto last = s.find_last_not_of(" \t");
    return s.substr(first, last - first + 1);
}

} // namespace

void KeyValueText::set(const std::string& key, const std::string& value) {
    for (auto& entry : entries_)
        if (entry.first == key) {
            entry.second = value;
            return;
        }
    entries_.emplace_back(key, value);
}

void KeyValueText::set(const std::string& key, std::int64_t value) {
    set(key, std::to_string(value));
}

void KeyValueText::set(const std::string& key, double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
    set(key, std::string(buffer));
}

bool KeyValueText::has(const std::string& key) const {
    return get(key).has_value();
}

std::optional<std::string> KeyValueText::get(const std::string& key) const {
    for (const auto& entry : entries_)
        if (entry.first == key)
            return entry.second;
    return std::nullopt;
}

std::string KeyValueText::require(const std::string& key, const std::string& source) const {
    auto value = get(key);
    if (!value)
        throw FormatError(source, "the model's metadata has no '" + key + "'");
    return *value;
}

std::int64_t KeyValueText::requireInt(const std::string& key, const std::string& source) const {
    const std::string text = require(key, source);
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE)
        throw FormatError(source,
                          "the model's metadata '" + key + "' is '" + text + "', not an integer");
    return v;
}

double KeyValueText::requireDouble(const std::string& key, const std::string& source) const {
    const std::string text = require(key, source);
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0')
        throw FormatError(source,
                          "the model's metadata '" + key + "' is '" + text + "', not a number");
    return v;
}

std::string KeyValueText::serialize() const {
    std::string out;
    for (const auto& [key, value] : entries_)
        out += key + " = " + escape(value) + "\n";
    return out;
}

KeyValueText KeyValueText::parse(const std::string& text, const std::string& source) {
    KeyValueText kv;
    std::size_t start = 0;
    int lineNumber = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        ++lineNumber;
        if (trim(line).empty() || trim(line)[0] == '#')
            continue;
        const auto eq = line.find(" = ");
        if (eq == std::string::npos || trim(line.substr(0, eq)).empty())
            throw FormatError(source, "line " + std::to_string(lineNumber) +
                                          " of the model's metadata is not 'key = value'");
        kv.set(trim(line.substr(0, eq)), unescape(line.substr(eq + 3)));
    }
    return kv;
}

} // namespace cisterna
