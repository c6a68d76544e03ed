#include "core/io/itk/ItkImageIO.h"

#include "core/util/Text.h"

#include <itkMetaImageIO.h>
#include <itkNiftiImageIO.h>
#include <itkNrrdImageIO.h>

#include <iostream>
#include <mutex>
#include <streambuf>
#include <vector>

namespace cisterna::itkio {
namespace {

void silenceItkOnce() {
    // ITK prints warnings through its output window (stderr); our errors carry the
    // reason instead.
    static std::once_flag once;
    std::call_once(once, [] { itk::Object::GlobalWarningDisplayOff(); });
}

std::string trim(const std::string& s) {
    const auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos)
        return {};
    const auto end = s.find_last_not_of(" \t\r\n");
    return s.substr(begin, end - begin + 1);
}

class NullBuffer final : public std::streambuf {
protected:
    int overflow(int c) override { return traits_type::not_eof(c); }
    std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

std::mutex quietMutex;
int quietDepth = 0;
std::streambuf* savedErrorBuffer = nullptr;

} // namespace

QuietStandardError::QuietStandardError() {
    static NullBuffer nowhere;
    std::lock_guard<std::mutex> lock(quietMutex);
    if (quietDepth++ == 0)
        savedErrorBuffer = std::cerr.rdbuf(&nowhere);
}

QuietStandardError::~QuietStandardError() {
    std::lock_guard<std::mutex> lock(quietMutex);
    if (--quietDepth == 0)
        std::cerr.rdbuf(savedErrorBuffer);
}

ItkFileKind classifyItkPath(const VolumePath& path) {
    const std::string ext = path.extension();
    if (ext == ".nrrd")
        return {ItkFlavor::Nrrd, false, false};
    if (ext == ".nhdr")
        return {ItkFlavor::Nrrd, true, false};
    if (ext == ".mha")
        return {ItkFlavor::MetaImage, false, false};
    if (ext == ".mhd")
        return {ItkFlavor::MetaImage, true, false};
    if (ext == ".nii")
        return {ItkFlavor::Nifti, false, false};
    if (ext == ".nii.gz")
        return {ItkFlavor::Nifti, false, true};
    throw FormatError(path.display(),
                      "is not a NRRD, MetaImage or NIfTI file name (extension '" + ext + "')");
}

itk::ImageIOBase::Pointer makeImageIO(ItkFlavor flavor) {
    silenceItkOnce();
    switch (flavor) {
    case ItkFlavor::Nrrd:
        return itk::NrrdImageIO::New().GetPointer();
    case ItkFlavor::MetaImage: {
        auto io = itk::MetaImageIO::New();
        // Enough digits that a double voxel size survives the text header exactly.
        io->SetDoublePrecision(17);
        return io.GetPointer();
    }
    case ItkFlavor::Nifti:
    default:
        return itk::NiftiImageIO::New().GetPointer();
    }
}

const char* flavorName(ItkFlavor flavor) {
    switch (flavor) {
    case ItkFlavor::Nrrd:
        return "NRRD";
    case ItkFlavor::MetaImage:
        return "MetaImage";
    case ItkFlavor::Nifti:
    default:
        return "NIfTI";
    }
}

std::string shortItkMessage(const itk::ExceptionObject& e) {
    // ITK's descriptions read "itk::ERROR: NrrdImageIO(0x55...): what failed", and the
    // NRRD library appends its call stack as "[nrrd] function: reason" lines, the
    // innermost (most specific) last.
    const char* description = e.GetDescription();
    std::vector<std::string> lines;
    for (const auto& line : split(description ? description : "", '\n'))
        if (!trim(line).empty())
            lines.push_back(trim(line));
    std::string text;
    if (!lines.empty() && lines.back().front() == '[') {
        text = lines.back().substr(lines.back().find(']') + 1);
        const auto colon = text.find(": ");
        if (colon != std::string::npos)
            text = text.substr(colon + 2);
    } else if (!lines.empty()) {
        text = lines.front();
        const std::string prefix = "itk::ERROR: ";
        if (text.rfind(prefix, 0) == 0)
            text = text.substr(prefix.size());
        const auto object = text.find("): ");
        if (object != std::string::npos && text.find("(0x") < object)
            text = text.substr(object + 3);
    }
    text = trim(text);
    if (text.empty())
        text = "ITK could not read or write the file";
    constexpr std::size_t maxLength = 240;
    if (text.size() > maxLength)
        text = text.substr(0, maxLength) + "...";
    return text;
}

} // namespace cisterna::itkio
