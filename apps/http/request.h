// HTTP/1.1 request parsing (RFC 9112), strict: one pass over the bytes
// received so far, which either need more, make a whole request (request
// line, header section and content), or are refused with the status the
// server should answer before it closes the connection. Nothing is copied
// but a chunked body, which is decoded into the caller's buffer; every
// text in a request points into the bytes given.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "apps/http/text.h"

namespace http {

enum class method : uint8_t { get, head, post, put, del, options, trace, connect, patch, unknown };

struct limits {
    size_t max_line = 2048;     // request line; longer is 414 (RFC 9112 3, RFC 9110 15.5.15)
    size_t max_header = 4096;   // request line and field lines; more is 431 (RFC 6585 5)
    size_t max_fields = 64;     // field lines; more is 431
    size_t max_body = 16384;    // content; more is 413 (RFC 9110 15.5.14)
};

struct request {
    method meth = method::unknown;
    text method_name, target, version;
    int minor = 1;                // HTTP/1.minor
    bool keep_alive = true;       // RFC 9112 9.3
    bool expect_continue = false; // Expect: 100-continue (RFC 9110 10.1.1)
    bool chunked = false;         // Transfer-Encoding: chunked
    bool has_length = false;      // Content-Length given
    uint64_t content_length = 0;
    size_t fields = 0;
    text host, connection, if_none_match, if_modified_since, range, if_range, user_agent, content_type;
    text body;
};

enum class parse_state : uint8_t { incomplete, complete, error };

struct parse_result {
    parse_state state = parse_state::incomplete;
    int status = 0;           // error: the status to answer (400, 413, 414, 431, 501, 505, 417)
    size_t consumed = 0;      // complete: bytes of this request, header and content
    bool head_done = false;   // incomplete: the header section is in (req filled, content missing)
};

// Parses the request at the start of buf. body_buf holds a chunked body
// once decoded (lim.max_body bytes); a Content-Length body is left in buf.
parse_result parse_request(const char* buf, size_t len, const limits& lim, request& req, char* body_buf);

const char* method_str(method m);

}  // namespace http
