// The chunked transfer coding (RFC 9112 7.1): decoding a request's
// content, encoding a response's.
#pragma once
#include <stddef.h>

#include "apps/http/request.h"

namespace http {

// Decodes the chunked content at p into out (at most lim.max_body bytes):
// 0 when it is all there (*out_len bytes of data, *used bytes of p read,
// trailer section included), -1 while more must come, or the status to
// refuse it with (400 malformed, 413 too big).
int decode_chunked(const char* p, size_t n, const limits& lim, char* out, size_t* out_len, size_t* used);

// "1a2b\r\n": a chunk's size line into buf (at least 19 bytes); its length.
size_t chunk_header(size_t size, char* buf);

}  // namespace http
