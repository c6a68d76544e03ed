#pragma once
// Which ITK ImageIO class handles a path, and ITK's exceptions turned into our
// one-sentence FormatError. The ImageIO classes are used directly (not through
// ITK's object factories) so that no ITK_USE_FILE or factory registration is
// needed and an extension always means the same reader.
#include "core/io/VolumePath.h"
#include "core/util/Error.h"

#include <itkImageIOBase.h>
#include <itkMacro.h>

#include <string>

namespace cisterna::itkio {

enum class ItkFlavor { Nrrd, MetaImage, Nifti };

struct ItkFileKind {
    ItkFlavor flavor = ItkFlavor::Nrrd;
    bool detachedHeader = false; // .nhdr / .mhd: the voxels live in a second file
    bool gzipByName = false;     // .nii.gz: NIfTI compression follows the file name
};

// Throws FormatError for an extension none of the three flavours has.
ItkFileKind classifyItkPath(const VolumePath& path);

itk::ImageIOBase::Pointer makeImageIO(ItkFlavor flavor);

const char* flavorName(ItkFlavor flavor); // "NRRD", "MetaImage", "NIfTI"

// The first line of ITK's description, without the source location dump.
std::string shortItkMessage(const itk::ExceptionObject& e);

// While any instance lives, std::cerr goes nowhere: MetaIO prints its parse errors
// there ("MetaImage: M_Read: Error parsing file") before ITK throws, and our
// FormatError already says what went wrong. Nested and concurrent uses count, and
// the last one out restores the stream.
class QuietStandardError {
public:
    QuietStandardError();
    ~QuietStandardError();
    QuietStandardError(const QuietStandardError&) = delete;
    QuietStandardError& operator=(const QuietStandardError&) = delete;
};

// Runs f() quietly; an ITK exception becomes FormatError(display, short reason).
// So does any other std::exception from inside ITK: MetaIO, for one, builds strings
// from a damaged header's sizes and throws std::length_error.
template <class F> decltype(auto) guardItk(const std::string& display, F&& f) {
    const QuietStandardError quiet;
    try {
        return f();
    } catch (const itk::ExceptionObject& e) {
        throw FormatError(display, shortItkMessage(e));
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw FormatError(display, std::string("ITK could not read it (") + e.what() + ")");
    }
}

} // namespace cisterna::itkio
