#include "core/io/itk/ItkDataLayout.h"

#include "core/util/Error.h"
#include "core/util/Text.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <vector>
#include <zlib.h>

namespace fs = std::filesystem;

namespace cisterna::itkio {
namespace {

// Deflate emits at least 2 bits per 258 repeated bytes: no gzip/zlib stream expands
// more than about 1032 times. A header claiming more than that is lying.
constexpr std::uint64_t kMaxDeflateRatio = 1032;
// Enough for any real header; when one is longer, the end of what we read is still
// a lower bound for where the data starts.
constexpr std::size_t kMaxHeaderBytes = 64 << 10;

std::string readPrefix(const fs::path& file, std::size_t maxBytes) {
    std::ifstream in(file, std::ios::binary);
    std::string text(maxBytes, '\0');
    in.read(text.data(), static_cast<std::streamsize>(maxBytes));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

std::string trim(const std::string& s) {
    const auto begin = s.find_first_not_of(" \t\r");
    if (begin == std::string::npos)
        return {};
    const auto end = s.find_last_not_of(" \t\r");
    return s.substr(begin, end - begin + 1);
}

std::optional<std::int64_t> parseInteger(const std::string& text) {
    try {
        std::size_t used = 0;
        const long long value = std::stoll(text, &used);
        if (trim(text.substr(used)).empty())
            return value;
    } catch (...) {
    }
    return std::nullopt;
}

fs::path besideHeader(const VolumePath& path, const std::string& name) {
    const fs::path data(name);
    return data.is_absolute() ? data : path.file.parent_path() / data;
}

// NRRD: "field: value" lines up to the first empty line; data follows it, in the
// same file or in the one "data file" names.
DataLayout nrrdLayout(const VolumePath& path) {
    const std::string text = readPrefix(path.file, kMaxHeaderBytes);
    std::map<std::string, std::string> fields;
    std::size_t pos = 0;
    std::optional<std::uint64_t> headerEnd;
    while (pos < text.size()) {
        auto newline = text.find('\n', pos);
        const bool lastLine = newline == std::string::npos;
        const std::string line =
            trim(text.substr(pos, lastLine ? std::string::npos : newline - pos));
        pos = lastLine ? text.size() : newline + 1;
        if (line.empty()) {
            headerEnd = pos;
            break;
        }
        if (line[0] == '#' || line.find(":=") != std::string::npos)
            continue;
        const auto colon = line.find(": ");
        if (colon != std::string::npos)
            fields[line.substr(0, colon)] = trim(line.substr(colon + 2));
    }
    auto field = [&](const char* a, const char* b) -> std::string {
        if (fields.count(a))
            return fields[a];
        return fields.count(b) ? fields[b] : std::string();
    };

    DataLayout layout;
    const std::string encoding = toLower(field("encoding", "encoding"));
    if (encoding == "raw") {
        layout.encoding = DataEncoding::Raw;
        layout.compression = "raw";
    } else if (encoding == "gzip" || encoding == "gz") {
        layout.encoding = DataEncoding::Deflate;
        layout.compression = "gzip";
    } else if (encoding == "ascii" || encoding == "text" || encoding == "txt") {
        layout.encoding = DataEncoding::Text;
        layout.compression = "text";
    } else if (encoding == "hex") {
        layout.encoding = DataEncoding::Hex;
        layout.compression = "hex";
    } else {
        layout.compression = encoding.empty() ? "unknown" : encoding;
    }

    const std::string dataFile = field("data file", "datafile");
    if (dataFile.empty()) {
        layout.dataFile = path.file;
        // No empty line: the header runs to the end of the file and no data follows.
        layout.offset = headerEnd.value_or(text.size());
    } else if (dataFile == "LIST" || dataFile.find(' ') != std::string::npos ||
               dataFile.find('%') != std::string::npos) {
        layout.dataFile = path.file; // "LIST" or a numbered pattern: several files
        layout.encoding = DataEncoding::Unknown;
    } else {
        layout.dataFile = besideHeader(path, dataFile);
    }
    // A byte skip of -1 puts the data at the end of the file: offset stays a lower bound.
    const auto skip = parseInteger(field("byte skip", "byteskip"));
    if (skip && *skip > 0 && layout.encoding == DataEncoding::Raw)
        layout.offset += static_cast<std::uint64_t>(*skip);
    return layout;
}

// MetaIO reads NDims with atof and an int cast, then loops over that many values for
// every per-axis field: 3111...1 dimensions hang it (and wrap to anything). Its own
// limit is 10 axes.
constexpr std::int64_t kMaxMetaImageDims = 10;
constexpr std::int64_t kMaxMetaImageChannels = 4096;
constexpr std::size_t kMaxMetaImageKey = 200;

std::vector<std::string> splitWords(const std::string& text) {
    std::vector<std::string> words;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto begin = text.find_first_not_of(" \t", pos);
        if (begin == std::string::npos)
            break;
        const auto end = std::min(text.find_first_of(" \t", begin), text.size());
        words.push_back(text.substr(begin, end - begin));
        pos = end;
    }
    return words;
}

// MetaIO builds each slice file's name in fixed buffers (1 KiB for a LIST line, 2 KiB
// for the folder plus a pattern's name): anything near those sizes is refused.
constexpr std::size_t kMaxMetaImagePieceName = 1000;

// The header's DimSize, fastest axis first, NDims whole positive numbers.
std::vector<std::uint64_t> metaImageDims(const VolumePath& path,
                                         std::map<std::string, std::string>& fields) {
    const auto ndims = parseInteger(fields.count("NDims") ? fields["NDims"] : fields["NDim"]);
    const auto words = splitWords(fields["DimSize"]);
    if (!ndims || *ndims < 1 || words.size() < static_cast<std::size_t>(*ndims))
        throw FormatError(path.display(), "the MetaImage header's DimSize '" + fields["DimSize"] +
                                              "' does not give a size for each of its NDims");
    std::vector<std::uint64_t> dims;
    for (std::int64_t i = 0; i < *ndims; ++i) {
        const auto size = parseInteger(words[static_cast<std::size_t>(i)]);
        if (!size || *size < 1)
            throw FormatError(path.display(), "the MetaImage header's DimSize '" +
                                                  fields["DimSize"] +
                                                  "' is not a list of whole sizes");
        dims.push_back(static_cast<std::uint64_t>(*size));
    }
    return dims;
}

std::uint64_t product(const std::vector<std::uint64_t>& dims, std::size_t from) {
    std::uint64_t count = 1;
    for (std::size_t i = from; i < dims.size(); ++i)
        if (__builtin_mul_overflow(count, dims[i], &count))
            return UINT64_MAX;
    return count;
}

// MetaImage's numbered slice files, "ElementDataFile = slice%03d.raw MIN MAX STEP":
// MetaIO reads the numbers with atof, converts them to int and divides by STEP, so a
// STEP of 0 kills the program (SIGFPE) and a negative one or numbers beyond int are
// undefined behaviour inside ITK. Only whole numbers of a sane size, STEP >= 1, pass,
// and they must name a file for every slice: MetaIO skips the ones missing.
std::vector<fs::path> metaImagePatternPieces(const VolumePath& path, const std::string& dataFile,
                                             const std::vector<std::uint64_t>& dims) {
    const std::vector<std::string> words = splitWords(dataFile);
    // MetaIO passes the name to snprintf with one int: anything but exactly one %d
    // (or %i, with flags and width) is a format-string bug inside ITK.
    const std::string name = words.empty() ? std::string() : words[0];
    const auto percent = name.find('%');
    const auto conversion = name.find_first_not_of("0123456789-+ #", percent + 1);
    if (percent == std::string::npos || conversion == std::string::npos ||
        (name[conversion] != 'd' && name[conversion] != 'i') ||
        name.find('%', conversion) != std::string::npos || name.size() > kMaxMetaImagePieceName)
        throw FormatError(path.display(), "the ElementDataFile pattern '" + dataFile +
                                              "' needs one slice number conversion such as %03d");
    constexpr std::int64_t kLargestSliceNumber = 1000000;
    std::vector<std::int64_t> numbers;
    for (std::size_t i = 1; i < words.size() && i < 4; ++i) {
        const auto number = parseInteger(words[i]);
        if (!number || *number < -kLargestSliceNumber || *number > kLargestSliceNumber ||
            (i == 3 && *number < 1))
            break;
        numbers.push_back(*number);
    }
    if (words.size() != 4 || numbers.size() != 3)
        throw FormatError(path.display(),
                          "the ElementDataFile pattern '" + dataFile +
                              "' needs whole slice numbers MIN MAX STEP with STEP >= 1");
    const std::int64_t first = numbers[0], last = numbers[1], step = numbers[2];
    const std::uint64_t slices = dims.back();
    const std::int64_t named = last < first ? 0 : 1 + (last - first) / step;
    if (static_cast<std::uint64_t>(named) < slices)
        throw FormatError(path.display(), "the ElementDataFile pattern '" + dataFile + "' names " +
                                              std::to_string(named) + " slice files but DimSize " +
                                              "needs " + std::to_string(slices));
    std::vector<fs::path> pieces;
    for (std::uint64_t i = 0; i < slices; ++i) {
        std::vector<char> buffer(name.size() + 32);
        std::snprintf(buffer.data(), buffer.size(), name.c_str(),
                      static_cast<int>(first + static_cast<std::int64_t>(i) * step));
        pieces.push_back(besideHeader(path, buffer.data()));
    }
    return pieces;
}

// "ElementDataFile = LIST [N]" and then one file name a line, each file holding the
// first N axes (all but the last when N is missing, 0 or too large, as MetaIO does).
std::vector<fs::path> metaImageListPieces(const VolumePath& path, const std::string& dataFile,
                                          const std::vector<std::uint64_t>& dims,
                                          std::uint64_t afterDataFileLine) {
    const std::vector<std::string> words = splitWords(dataFile);
    auto fileDims = static_cast<std::int64_t>(dims.size()) - 1;
    const auto given = words.size() == 2 ? parseInteger(words[1]) : std::nullopt;
    if (words.empty() || words[0] != "LIST" || words.size() > 2 ||
        (words.size() == 2 && (!given || *given < 0)))
        throw FormatError(path.display(), "the ElementDataFile '" + dataFile +
                                              "' is neither a file name nor LIST followed by "
                                              "the number of axes in each file");
    if (given && *given > 0 && *given <= fileDims + 1)
        fileDims = *given;
    if (fileDims < 1)
        throw FormatError(path.display(), "a MetaImage LIST of data files needs two or more "
                                          "dimensions (NDims)");
    const std::uint64_t files = product(dims, static_cast<std::size_t>(fileDims));
    // The names follow the header; reading stops at the last one needed.
    std::ifstream in(path.file, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(afterDataFileLine));
    std::vector<fs::path> pieces;
    std::string line;
    while (pieces.size() < files && std::getline(in, line)) {
        const std::string name = trim(line);
        if (name.empty() || name.size() > kMaxMetaImagePieceName)
            throw FormatError(path.display(),
                              "line " + std::to_string(pieces.size() + 1) +
                                  " of the list of data files is " +
                                  (name.empty() ? "empty" : "longer than MetaIO can read"));
        pieces.push_back(besideHeader(path, name));
    }
    if (pieces.size() < files)
        throw FormatError(path.display(), "the header lists " + std::to_string(pieces.size()) +
                                              " data files but DimSize needs " +
                                              std::to_string(files));
    return pieces;
}

// MetaImage: "Key = Value" lines; ElementDataFile comes last, and LOCAL means the
// data starts right after that line.
DataLayout metaImageLayout(const VolumePath& path) {
    const std::string text = readPrefix(path.file, kMaxHeaderBytes);
    std::map<std::string, std::string> fields;
    std::size_t pos = 0;
    std::uint64_t afterDataFileLine = text.size();
    while (pos < text.size()) {
        auto newline = text.find('\n', pos);
        const bool lastLine = newline == std::string::npos;
        const std::string line =
            trim(text.substr(pos, lastLine ? std::string::npos : newline - pos));
        pos = lastLine ? text.size() : newline + 1;
        const auto equals = line.find('=');
        if (equals == std::string::npos)
            continue;
        const std::string key = trim(line.substr(0, equals));
        fields[key] = trim(line.substr(equals + 1));
        if (key == "ElementDataFile") {
            afterDataFileLine = pos;
            break;
        }
    }
    DataLayout layout;
    const bool compressed = toLower(fields["CompressedData"]) == "true";
    const bool binary = fields.count("BinaryData") == 0 || toLower(fields["BinaryData"]) == "true";
    layout.encoding =
        compressed ? DataEncoding::Deflate : (binary ? DataEncoding::Raw : DataEncoding::Text);
    layout.compression = compressed ? "zlib" : (binary ? "raw" : "text");

    const std::string dataFile = fields["ElementDataFile"];
    const auto headerSize = parseInteger(fields["HeaderSize"]);
    // MetaIO takes any name starting with LIST for a list, and any with a % for a
    // pattern.
    const bool list = dataFile.rfind("LIST", 0) == 0;
    if (dataFile == "LOCAL") {
        layout.dataFile = path.file;
        layout.offset = afterDataFileLine;
    } else if (list || dataFile.find('%') != std::string::npos) {
        const auto dims = metaImageDims(path, fields);
        layout.pieces = list ? metaImageListPieces(path, dataFile, dims, afterDataFileLine)
                             : metaImagePatternPieces(path, dataFile, dims);
        layout.pieceEncoding = layout.encoding;
        layout.dataFile = path.file;
        layout.encoding = DataEncoding::Unknown;
    } else if (dataFile.empty()) {
        layout.dataFile = path.file;
        layout.encoding = DataEncoding::Unknown;
    } else {
        layout.dataFile = besideHeader(path, dataFile);
        if (headerSize && *headerSize > 0)
            layout.offset = static_cast<std::uint64_t>(*headerSize);
    }
    return layout;
}

// NIfTI-1 (348-byte header) keeps vox_offset as a float at byte 108, NIfTI-2
// (540 bytes) as an int64 at byte 168; either may be byte-swapped.
DataLayout niftiLayout(const VolumePath& path, const ItkFileKind& kind) {
    DataLayout layout;
    layout.dataFile = path.file;
    if (kind.gzipByName) {
        layout.encoding = DataEncoding::Deflate;
        layout.compression = "gzip";
        layout.offset = 0; // the header is inside the gzip stream too
        return layout;
    }
    layout.encoding = DataEncoding::Raw;
    layout.compression = "raw";
    const std::string header = readPrefix(path.file, 540);
    auto swapped = [](auto value) {
        auto* bytes = reinterpret_cast<unsigned char*>(&value);
        for (std::size_t i = 0; i < sizeof value / 2; ++i)
            std::swap(bytes[i], bytes[sizeof value - 1 - i]);
        return value;
    };
    std::int32_t sizeofHeader = 0;
    if (header.size() >= 4)
        std::memcpy(&sizeofHeader, header.data(), 4);
    const bool swap = sizeofHeader != 348 && sizeofHeader != 540;
    if (swap)
        sizeofHeader = swapped(sizeofHeader);
    if (sizeofHeader == 348 && header.size() >= 112) {
        float voxOffset = 0;
        std::memcpy(&voxOffset, header.data() + 108, 4);
        if (swap)
            voxOffset = swapped(voxOffset);
        layout.offset =
            voxOffset >= 352.0f && voxOffset < 1e18f ? static_cast<std::uint64_t>(voxOffset) : 352;
    } else if (sizeofHeader == 540 && header.size() >= 176) {
        std::int64_t voxOffset = 0;
        std::memcpy(&voxOffset, header.data() + 168, 8);
        if (swap)
            voxOffset = swapped(voxOffset);
        layout.offset = voxOffset >= 544 ? static_cast<std::uint64_t>(voxOffset) : 544;
    } else {
        layout.encoding = DataEncoding::Unknown; // ITK read it, we cannot tell how
    }
    return layout;
}

std::string bytesText(std::uint64_t bytes) {
    return bytes < 10240 ? std::to_string(bytes) + " bytes" : humanBytes(bytes);
}

} // namespace

void rejectHostileMetaImageHeader(const VolumePath& path) {
    const std::string text = readPrefix(path.file, kMaxHeaderBytes);
    std::size_t pos = 0;
    bool hasDataFile = false;
    // MetaIO (uninstrumented) reads each listed field into arrays of NDims (or NDims^2)
    // values and keeps the last of repeated fields: more values than NDims, or a field
    // given twice with another NDims in between, overwrite its heap (seen: a bad free
    // in ~ImageIOBase after "NDims = 1" with three DimSize values).
    std::map<std::string, std::size_t> valueCounts;
    std::int64_t ndims = 0;
    while (pos < text.size()) {
        const auto newline = text.find('\n', pos);
        const bool lastLine = newline == std::string::npos;
        const std::string line =
            trim(text.substr(pos, lastLine ? std::string::npos : newline - pos));
        pos = lastLine ? text.size() : newline + 1;
        // MetaIO copies each key (up to '=', ':' or the end of the line) into a
        // 255-byte field name with strcpy: a longer one overflows it.
        if (trim(line.substr(0, line.find_first_of("=:"))).size() > kMaxMetaImageKey)
            throw FormatError(path.display(), "the MetaImage header has a line of " +
                                                  std::to_string(line.size()) +
                                                  " characters where a field name belongs");
        // MetaIO reads a key up to the next '=', across line ends: a line without one
        // joins the next, so MetaIO and this check (and metaImageLayout) would read
        // different headers. Seen: a bare "ElementDataFile" line made MetaIO take a
        // later line for a slice pattern and divide by zero.
        const auto equals = line.find('=');
        if (equals == std::string::npos) {
            if (line.empty())
                continue;
            throw FormatError(path.display(), "is not a readable MetaImage file: its header has "
                                              "a line that is not 'Key = Value': '" +
                                                  line.substr(0, 40) + "'");
        }
        const std::string key = trim(line.substr(0, equals));
        if (key == "ElementDataFile") {
            hasDataFile = true;
            break;
        }
        const std::string value = trim(line.substr(equals + 1));
        std::size_t values = 0;
        for (const std::string& word : split(value, ' '))
            values += !trim(word).empty();
        if (!valueCounts.emplace(key, values).second)
            throw FormatError(path.display(), "is not a readable MetaImage file: its header "
                                              "gives the field '" +
                                                  key.substr(0, 40) + "' twice");
        const auto number = parseInteger(value);
        if ((key == "NDims" || key == "NDim") &&
            !(number && *number >= 1 && *number <= kMaxMetaImageDims))
            throw FormatError(path.display(), "the MetaImage header's NDims '" + value +
                                                  "' is not a number of dimensions from 1 to " +
                                                  std::to_string(kMaxMetaImageDims));
        if (key == "NDims" || key == "NDim")
            ndims = *number;
        if (key == "ElementNumberOfChannels" &&
            !(number && *number >= 1 && *number <= kMaxMetaImageChannels))
            throw FormatError(path.display(), "the MetaImage header's ElementNumberOfChannels '" +
                                                  value + "' is not a channel count");
    }
    for (const char* perAxis : {"DimSize", "ElementSpacing", "ElementSize", "Offset", "Position",
                                "Origin", "CenterOfRotation"}) {
        const auto it = valueCounts.find(perAxis);
        if (it != valueCounts.end() && ndims > 0 && it->second > std::size_t(ndims))
            throw FormatError(path.display(), "is not a readable MetaImage file: its " + it->first +
                                                  " has " + std::to_string(it->second) +
                                                  " values for " + std::to_string(ndims) +
                                                  " dimensions");
    }
    for (const char* matrix : {"TransformMatrix", "Rotation", "Orientation"}) {
        const auto it = valueCounts.find(matrix);
        if (it != valueCounts.end() && ndims > 0 && it->second > std::size_t(ndims * ndims))
            throw FormatError(path.display(), "is not a readable MetaImage file: its " + it->first +
                                                  " has " + std::to_string(it->second) +
                                                  " values for " + std::to_string(ndims) +
                                                  " dimensions");
    }
    // Without it MetaIO guesses where the voxels are and, for compressed data, takes
    // "the rest of the file" from a failed stream: an allocation of 2^63 bytes.
    if (!hasDataFile)
        throw FormatError(path.display(), "is not a readable MetaImage file: its header has no "
                                          "ElementDataFile field");
}

DataLayout findDataLayout(const VolumePath& path, const ItkFileKind& kind) {
    switch (kind.flavor) {
    case ItkFlavor::Nrrd:
        return nrrdLayout(path);
    case ItkFlavor::MetaImage:
        return metaImageLayout(path);
    case ItkFlavor::Nifti:
    default:
        return niftiLayout(path, kind);
    }
}

namespace {

void checkFileHolds(const VolumePath& path, const fs::path& dataFile, std::uint64_t offset,
                    DataEncoding encoding, std::uint64_t dataBytes, std::uint64_t voxelCount,
                    const std::string& claim) {
    std::error_code ec;
    const auto size = fs::file_size(dataFile, ec);
    if (ec)
        throw FormatError(path.display(), "the data file " + dataFile.string() +
                                              " named in the header cannot be read (" +
                                              ec.message() + ")");
    const std::uint64_t available = size > offset ? size - offset : 0;
    const std::string where =
        dataFile == path.file ? "the file" : "the data file " + dataFile.filename().string();
    std::uint64_t needed = 0;
    std::string form;
    switch (encoding) {
    case DataEncoding::Raw:
        needed = dataBytes;
        form = bytesText(dataBytes);
        break;
    case DataEncoding::Hex:
        needed = dataBytes > UINT64_MAX / 2 ? UINT64_MAX : dataBytes * 2;
        form = bytesText(dataBytes) + " as hex text";
        break;
    case DataEncoding::Text:
        needed = voxelCount;
        form = "at least " + bytesText(voxelCount) + " of text";
        break;
    case DataEncoding::Deflate:
    default:
        needed = dataBytes / kMaxDeflateRatio;
        form = bytesText(dataBytes) + ", at least " + bytesText(needed) + " compressed";
        break;
    }
    if (available < needed)
        throw FormatError(path.display(), "the header says " + claim + " (" + form + ") but " +
                                              where + " holds only " + bytesText(available) +
                                              (offset > 0 ? " after byte " + std::to_string(offset)
                                                          : std::string()));
}

} // namespace

void checkDataFitsInFile(const VolumePath& path, const DataLayout& layout, std::uint64_t dataBytes,
                         std::uint64_t voxelCount, const std::string& claim) {
    const std::uint64_t pieces = layout.pieces.size();
    for (std::uint64_t i = 0; i < pieces; ++i)
        checkFileHolds(path, layout.pieces[i], 0, layout.pieceEncoding, dataBytes / pieces,
                       voxelCount / pieces,
                       claim + ", file " + std::to_string(i + 1) + " of " + std::to_string(pieces));
    if (layout.encoding == DataEncoding::Unknown)
        return;
    checkFileHolds(path, layout.dataFile, layout.offset, layout.encoding, dataBytes, voxelCount,
                   claim);
}

void rejectShortDeflateData(const VolumePath& path, const DataLayout& layout,
                            std::uint64_t dataBytes) {
    if (layout.encoding != DataEncoding::Deflate || dataBytes == 0)
        return;
    std::ifstream in(layout.dataFile, std::ios::binary);
    if (!in || !in.seekg(static_cast<std::streamoff>(layout.offset)))
        return; // the size check before, or ITK, says why it cannot be read
    z_stream stream{};
    if (::inflateInit2(&stream, 15 + 32) != Z_OK) // 15 + 32: gzip or zlib header
        throw FormatError(path.display(), "zlib could not start decompressing the data");
    constexpr std::size_t kPiece = 1 << 20;
    std::unique_ptr<unsigned char[]> input(new unsigned char[kPiece]);
    std::unique_ptr<unsigned char[]> output(new unsigned char[kPiece]);
    std::uint64_t found = 0;
    std::string damage; // zlib's word when the stream is corrupt, not merely short
    // On past the voxels to the end of the stream, whose check value (CRC-32 or
    // Adler-32) is the only sign of damage inside stored, uncompressed blocks.
    for (;;) {
        if (stream.avail_in == 0) {
            in.read(reinterpret_cast<char*>(input.get()), kPiece);
            const auto got = static_cast<uInt>(in.gcount());
            if (got == 0)
                break; // the file ends here: short if the voxels are not all there
            stream.next_in = input.get();
            stream.avail_in = got;
        }
        stream.next_out = output.get();
        stream.avail_out = kPiece;
        const int code = ::inflate(&stream, Z_NO_FLUSH);
        found += kPiece - stream.avail_out;
        if (code == Z_STREAM_END) {
            // Done once the voxels are there; gzip allows further members before that.
            if (found >= dataBytes || ::inflateReset(&stream) != Z_OK)
                break;
        } else if (code != Z_OK && code != Z_BUF_ERROR) {
            damage = stream.msg ? stream.msg : "error " + std::to_string(code);
            break;
        }
    }
    ::inflateEnd(&stream);
    const bool attached = layout.dataFile == path.file;
    const std::string what =
        attached ? "the file" : "its data file " + layout.dataFile.filename().string();
    if (!damage.empty())
        throw FormatError(path.display(), what + " is damaged: zlib reports '" + damage +
                                              "' after " + std::to_string(found) + " of the " +
                                              std::to_string(dataBytes) +
                                              " bytes of voxels the header needs");
    if (found < dataBytes)
        throw FormatError(path.display(),
                          what + " is truncated: the header needs " + std::to_string(dataBytes) +
                              " bytes of voxels but " +
                              (attached ? "its " + layout.compression + " data" : "it") +
                              " decompresses to only " + std::to_string(found) + " bytes");
}

} // namespace cisterna::itkio
