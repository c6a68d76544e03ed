#include "core/volume/VolumeDelta.h"

#include "core/util/Error.h"
#include "core/volume/ZeroPages.h"

#include <algorithm>
#include <limits>

namespace cisterna {
namespace {

// Unchanged gaps shorter than this are folded into the surrounding span: a span costs
// 16 bytes, a gap voxel at most 2 (its value on both sides), and both sides hold the
// same value there, so writing it back is harmless.
constexpr std::int64_t kMergeGap = 8;

const std::uint8_t* voxelsOf(const Volume& v, Volume& keep, const char* side) {
    if (v.isNull())
        return nullptr;
    if (v.dataType() != DataType::UInt8)
        throw InvalidArgument(std::string("an undo step needs uint8 layers, the ") + side +
                              " side is " + toString(v.dataType()));
    keep = v.contiguous();
    return static_cast<const std::uint8_t*>(keep.data());
}

VolumeDelta::PackedValues pack(std::vector<std::uint8_t> raw) {
    VolumeDelta::PackedValues packed;
    std::size_t runs = 0;
    for (std::size_t i = 0; i < raw.size(); ++i)
        if (i == 0 || raw[i] != raw[i - 1])
            ++runs;
    if (runs * (1 + sizeof(std::uint32_t)) >= raw.size()) {
        raw.shrink_to_fit();
        packed.values = std::move(raw);
        return packed;
    }
    packed.values.reserve(runs);
    packed.counts.reserve(runs);
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (i > 0 && raw[i] == raw[i - 1] &&
            packed.counts.back() < std::numeric_limits<std::uint32_t>::max()) {
            ++packed.counts.back();
            continue;
        }
        packed.values.push_back(raw[i]);
        packed.counts.push_back(1);
    }
    return packed;
}

} // namespace

VolumeDelta VolumeDelta::between(const Volume& before, const Volume& after) {
    if (before.isNull() && after.isNull())
        throw InvalidArgument("an undo step needs at least one of its two layers");
    if (!before.isNull() && !after.isNull() && before.shape() != after.shape())
        throw InvalidArgument("an undo step's layers differ in shape: " + toString(before.shape()) +
                              " before, " + toString(after.shape()) + " after");
    VolumeDelta delta;
    delta.shape_ = before.isNull() ? after.shape() : before.shape();
    delta.beforeNull_ = before.isNull();
    delta.afterNull_ = after.isNull();
    Volume keepBefore, keepAfter;
    const std::uint8_t* b = voxelsOf(before, keepBefore, "before");
    const std::uint8_t* a = voxelsOf(after, keepAfter, "after");
    const std::int64_t n = delta.shape_.voxelCount();
    auto valueAt = [](const std::uint8_t* p, std::int64_t i) -> std::uint8_t {
        return p ? p[i] : std::uint8_t(0);
    };

    // Pages never touched on both sides hold zeros on both: skipped unread, so a
    // sparse layer's empty pages stay unallocated (ZeroPages.h). Looked up where a
    // side enters a new page.
    const UntouchedPages untouchedBefore = b ? UntouchedPages(b, std::size_t(n)) : UntouchedPages();
    const UntouchedPages untouchedAfter = a ? UntouchedPages(a, std::size_t(n)) : UntouchedPages();
    const bool sparse = (!b || untouchedBefore.any()) && (!a || untouchedAfter.any());
    const auto pageStart = [](const std::uint8_t* p, std::int64_t i) {
        return p && (reinterpret_cast<std::uintptr_t>(p + i) & 4095) == 0;
    };
    const auto zeroRun = [&](std::int64_t i) -> std::int64_t {
        const std::size_t none = std::numeric_limits<std::size_t>::max();
        const std::size_t rb = b ? untouchedBefore.untouchedRunFrom(b + i) : none;
        const std::size_t ra = a ? untouchedAfter.untouchedRunFrom(a + i) : none;
        const std::size_t run = std::min(rb, ra);
        return run == none ? n - i : std::int64_t(std::min<std::size_t>(run, std::size_t(n - i)));
    };

    std::vector<std::uint8_t> rawBefore, rawAfter;
    std::int64_t i = 0;
    while (i < n) {
        if (sparse && (i == 0 || pageStart(b, i) || pageStart(a, i))) {
            if (const std::int64_t run = zeroRun(i); run > 0) {
                i += run;
                continue;
            }
        }
        if (valueAt(b, i) == valueAt(a, i)) {
            ++i;
            continue;
        }
        // A span: from the first differing voxel to the last one before a long gap.
        const std::int64_t start = i;
        std::int64_t lastChanged = i;
        for (++i; i < n && i - lastChanged <= kMergeGap; ++i)
            if (valueAt(b, i) != valueAt(a, i)) {
                lastChanged = i;
                ++delta.changed_;
            }
        ++delta.changed_; // the span's first voxel
        const std::int64_t end = lastChanged + 1;
        delta.spans_.push_back({start, end - start});
        for (std::int64_t k = start; k < end; ++k) {
            rawBefore.push_back(valueAt(b, k));
            rawAfter.push_back(valueAt(a, k));
        }
        i = end;
    }
    delta.spans_.shrink_to_fit();
    delta.before_ = pack(std::move(rawBefore));
    delta.after_ = pack(std::move(rawAfter));
    return delta;
}

void VolumeDelta::apply(const PackedValues& values, Volume& target) const {
    if (target.isNull() || target.dataType() != DataType::UInt8 || target.shape() != shape_ ||
        !target.isContiguous())
        throw InvalidArgument("an undo step of shape " + toString(shape_) +
                              " cannot be applied to this layer");
    auto* out = static_cast<std::uint8_t*>(target.data());
    const bool raw = values.counts.empty();
    std::size_t run = 0, next = 0; // raw: index into values; runs: current run, used count
    std::uint32_t used = 0;
    for (const Span& s : spans_) {
        std::uint8_t* p = out + s.offset;
        if (raw) {
            std::copy_n(values.values.begin() + std::ptrdiff_t(next), s.length, p);
            next += std::size_t(s.length);
            continue;
        }
        for (std::int64_t k = 0; k < s.length; ++k) {
            while (used == values.counts[run]) {
                ++run;
                used = 0;
            }
            p[k] = values.values[run];
            ++used;
        }
    }
}

void VolumeDelta::applyBefore(Volume& target) const {
    apply(before_, target);
}

void VolumeDelta::applyAfter(Volume& target) const {
    apply(after_, target);
}

std::uint64_t VolumeDelta::bytes() const {
    return sizeof(*this) + spans_.capacity() * sizeof(Span) + before_.bytes() + after_.bytes();
}

} // namespace cisterna
