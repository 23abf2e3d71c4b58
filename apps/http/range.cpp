#include "apps/http/range.h"

namespace http {

// ranges-specifier = range-unit "=" range-set; int-range = first "-" [ last ];
// suffix-range = "-" suffix-length (RFC 9110 14.1.1, 14.1.2).
range_result parse_range(text value, uint64_t size, byte_range* out) {
    constexpr size_t unit_len = 6;
    if (value.n <= unit_len || !text{value.p, unit_len}.eq_nocase("bytes=")) {
        return range_result::whole;   // other units, or not a range: ignored
    }
    text set{value.p + unit_len, value.n - unit_len};
    if (memchr(set.p, ',', set.n)) {
        return range_result::whole;
    }
    set = set.trim();
    const char* dash = static_cast<const char*>(memchr(set.p, '-', set.n));
    if (!dash) {
        return range_result::whole;
    }
    text a{set.p, static_cast<size_t>(dash - set.p)};
    text b{dash + 1, set.n - a.n - 1};
    uint64_t first, last;
    if (a.empty()) {
        uint64_t suffix;
        if (!parse_uint(b, UINT64_MAX, &suffix)) {
            return range_result::whole;
        }
        if (suffix == 0 || size == 0) {
            return range_result::unsatisfiable;
        }
        first = suffix >= size ? 0 : size - suffix;
        last = size - 1;
    } else {
        if (!parse_uint(a, UINT64_MAX, &first)) {
            return range_result::whole;
        }
        if (b.empty()) {
            last = size ? size - 1 : 0;
        } else if (!parse_uint(b, UINT64_MAX, &last) || last < first) {
            return range_result::whole;   // invalid: ignored (RFC 9110 14.1.1)
        }
        if (first >= size) {
            return range_result::unsatisfiable;
        }
        if (last >= size) {
            last = size - 1;
        }
    }
    out->first = first;
    out->last = last;
    return range_result::partial;
}

}  // namespace http
