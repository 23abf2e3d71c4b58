// Media types by file name extension (RFC 9110 8.3, IANA's registry).
#pragma once

namespace http {

// The Content-Type for path; application/octet-stream when unknown.
const char* mime_type(const char* path);

}  // namespace http
