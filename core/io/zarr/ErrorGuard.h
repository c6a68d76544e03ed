#pragma once
// Runs a format operation and turns the exceptions libraries throw (a JSON field of
// an unexpected kind, a filesystem error, an allocation refused by the system)
// into Cisterna's own errors naming the path, so callers only ever see
// cisterna::Error.
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <new>
#include <string>

namespace cisterna::chunked {

template <class F> decltype(auto) withFormatErrors(const std::string& path, F&& operation) {
    try {
        return operation();
    } catch (const Error&) {
        throw;
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(path, std::string("unexpected metadata: ") + e.what());
    } catch (const std::filesystem::filesystem_error& e) {
        throw FormatError(path, e.code().message() + " (" + e.path1().string() + ")");
    } catch (const std::bad_alloc&) {
        throw MemoryBudgetError("Not enough memory to read or write " + path + ".");
    } catch (const std::length_error& e) {
        throw FormatError(path, std::string("a size is out of range: ") + e.what());
    }
}

} // namespace cisterna::chunked
