// Range requests (RFC 9110 14): one byte range of a representation of
// known length. Several ranges are answered with the whole representation
// (a server may ignore Range, RFC 9110 14.2), never multipart.
#pragma once
#include <stdint.h>

#include "apps/http/text.h"

namespace http {

enum class range_result : uint8_t { whole, partial, unsatisfiable };

struct byte_range {
    uint64_t first = 0, last = 0;   // inclusive
};

// The Range field value against a representation of size bytes.
range_result parse_range(text value, uint64_t size, byte_range* out);

}  // namespace http
