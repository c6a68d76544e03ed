#pragma once
// Ownership of HDF5 identifiers and translation of HDF5 error stacks into
// FormatError. Every HDF5 call in Cisterna goes through these so that no handle
// leaks on an error path and nothing is printed to the user's terminal.
#include <hdf5.h>

#include <string>

namespace cisterna::hdf5 {

// Owns one hid_t and closes it with the matching H5?close when destroyed.
class Handle {
public:
    using Closer = herr_t (*)(hid_t);

    Handle() = default;
    Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
    ~Handle() { reset(); }
    Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) {
        other.id_ = H5I_INVALID_HID;
    }
    Handle& operator=(Handle&& other) noexcept;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;

    hid_t get() const { return id_; }
    bool valid() const { return id_ >= 0; }
    void reset();
    // Closes now and returns whether that worked: closing a file flushes it, so a
    // writer must know about a failure there.
    bool close();

private:
    hid_t id_ = H5I_INVALID_HID;
    Closer closer_ = nullptr;
};

// Stops HDF5 printing error stacks on the calling thread (HDF5 keeps that setting
// per thread), for good: Cisterna reports every failure itself. Not restored
// afterwards on purpose: HDF5 1.10 keeps some state of damaged files until exit
// and then prints "infinite loop closing library" if printing is on.
void silenceErrorPrinting();

// What went wrong according to this thread's HDF5 error stack, outermost and
// innermost message ("unable to open file (truncated file: eof = 1024, ...)"),
// and clears the stack. Empty when the stack is empty.
std::string takeErrorText();

// Throws FormatError(path, what + HDF5's reason) when `id` is negative; otherwise
// wraps it in a Handle that closes it with `closer`.
Handle checked(hid_t id, Handle::Closer closer, const std::string& path, const std::string& what);
// Throws FormatError(path, what + HDF5's reason) when `status` is negative.
void check(herr_t status, const std::string& path, const std::string& what);

// File-access properties for every file Cisterna opens or creates: without HDF5's
// file locking, which network and container file systems often lack; reads of our own
// files and writes to a private temporary need none.
Handle fileAccessList(const std::string& where);
[[noreturn]] void fail(const std::string& path, const std::string& what);

} // namespace cisterna::hdf5
