// HTTP dates (RFC 9110 5.6.7): IMF-fixdate out, and in all three forms a
// recipient must accept (IMF-fixdate, RFC 850, asctime), all in GMT.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "apps/http/text.h"

namespace http {

constexpr size_t date_len = 29;   // "Sun, 06 Nov 1994 08:49:37 GMT"

// Seconds since 1970 -> "Sun, 06 Nov 1994 08:49:37 GMT" into buf (date_len + 1).
void format_date(int64_t t, char* buf);
// false if t is none of the three forms or no real date.
bool parse_date(text t, int64_t* out);

}  // namespace http
