#include "core/io/hdf5/Hdf5Handle.h"

#include "core/util/Error.h"

#include <vector>

namespace cisterna::hdf5 {

Handle& Handle::operator=(Handle&& other) noexcept {
    if (this != &other) {
        reset();
        id_ = other.id_;
        closer_ = other.closer_;
        other.id_ = H5I_INVALID_HID;
    }
    return *this;
}

void Handle::reset() {
    if (id_ >= 0 && closer_)
        closer_(id_);
    id_ = H5I_INVALID_HID;
}

bool Handle::close() {
    if (id_ < 0)
        return true;
    const herr_t status = closer_ ? closer_(id_) : 0;
    id_ = H5I_INVALID_HID;
    return status >= 0;
}

void silenceErrorPrinting() {
    thread_local bool silenced = false;
    if (!silenced) {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        silenced = true;
    }
}

namespace {

herr_t collectMessage(unsigned, const H5E_error2_t* error, void* data) {
    auto* messages = static_cast<std::vector<std::string>*>(data);
    if (error && error->desc && *error->desc)
        messages->emplace_back(error->desc);
    return 0;
}

} // namespace

std::string takeErrorText() {
    std::vector<std::string> messages; // outermost (the API call) first
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collectMessage, &messages);
    H5Eclear2(H5E_DEFAULT);
    if (messages.empty())
        return {};
    if (messages.size() == 1 || messages.front() == messages.back())
        return messages.front();
    return messages.front() + " (" + messages.back() + ")";
}

void fail(const std::string& path, const std::string& what) {
    const std::string reason = takeErrorText();
    throw FormatError(path, reason.empty() ? what : what + ": " + reason);
}

Handle checked(hid_t id, Handle::Closer closer, const std::string& path, const std::string& what) {
    if (id < 0)
        fail(path, what);
    return Handle(id, closer);
}

void check(herr_t status, const std::string& path, const std::string& what) {
    if (status < 0)
        fail(path, what);
}

Handle fileAccessList(const std::string& where) {
    Handle fapl =
        checked(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, where, "could not set up file access");
#if H5_VERSION_GE(1, 10, 7)
    if (H5Pset_file_locking(fapl.get(), false, true) < 0)
        H5Eclear2(H5E_DEFAULT);
#endif
    return fapl;
}

} // namespace cisterna::hdf5
