// The request-target (RFC 9112 3.2) as a path to serve: origin-form or
// absolute-form, the query cut off, percent-decoding (RFC 3986 2.1), and
// refusing what could leave the document root.
#pragma once
#include <stddef.h>

#include "apps/http/text.h"

namespace http {

struct target_path {
    char path[1024];   // decoded, NUL-terminated, starts with '/'
    text query;        // after '?', still encoded
};

// 0, or the status to refuse the target with: 400 (not a path, a bad
// escape, an encoded NUL, a ".." segment), 414 (longer than path).
int decode_target(text target, target_path& out);

}  // namespace http
