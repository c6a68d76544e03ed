#pragma once
// A small ordered "key = value" text blob for model metadata: readable by a person
// (`cisterna-cli predict --model m --info`), parseable without a JSON library so the
// learning-only build needs nothing but LibTorch.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cisterna {

class KeyValueText {
public:
    void set(const std::string& key, const std::string& value);
    void set(const std::string& key, std::int64_t value);
    void set(const std::string& key, double value); // round-trips exactly

    bool has(const std::string& key) const;
    std::optional<std::string> get(const std::string& key) const;
    // The value, or a FormatError naming `source` when missing or malformed.
    std::string require(const std::string& key, const std::string& source) const;
    std::int64_t requireInt(const std::string& key, const std::string& source) const;
    double requireDouble(const std::string& key, const std::string& source) const;

    const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

    // One "key = value" line per entry; newlines and backslashes in values escaped.
    std::string serialize() const;
    // Throws FormatError(source, ...) on a malformed line.
    static KeyValueText parse(const std::string& text, const std::string& source);

private:
    std::vector<std::pair<std::string, std::string>> entries_;
};

} // namespace cisterna
