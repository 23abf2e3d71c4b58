// Validators and conditional requests (RFC 9110 8.8, 13): a strong ETag
// from what identifies a file's version, If-None-Match (weak comparison),
// If-Modified-Since, and If-Range deciding whether Range applies.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "apps/http/request.h"

namespace http {

constexpr size_t etag_max = 48;

// "\"ino-size-mtime\"" in hex into buf (etag_max bytes).
void make_etag(uint64_t ino, uint64_t size, int64_t mtime, char* buf);

// RFC 9110 13.2.2 for GET and HEAD: true when the answer is 304 Not
// Modified. If-None-Match wins over If-Modified-Since; mtime < 0 means
// no Last-Modified.
bool not_modified(const request& req, const char* etag, int64_t mtime);

// If-Range (RFC 9110 13.1.5): whether a Range in req may be honoured.
bool range_applies(const request& req, const char* etag, int64_t mtime);

}  // namespace http
