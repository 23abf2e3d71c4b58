// Bytes -> httpd's request parser as the server loop drives it: requests
// taken off the front one after another (pipelining), each target decoded
// to a path, and the Range, If-None-Match, If-Modified-Since and If-Range
// values evaluated, under the default limits and under small ones. A
// complete request must consume something and stay inside the input, its
// body inside the input or the decode buffer.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apps/http/conditional.h"
#include "apps/http/range.h"
#include "apps/http/request.h"
#include "apps/http/target.h"

namespace {

bool inside(http::text t, const char* b, size_t n) { return !t.p || (t.p >= b && t.p + t.n <= b + n); }

void check(bool ok) {
    if (!ok) {
        abort();
    }
}

void evaluate(const http::request& req) {
    http::target_path t;
    if (http::decode_target(req.target, t) == 0) {
        check(t.path[0] == '/' && strlen(t.path) < sizeof t.path && !strstr(t.path, "/../"));
    }
    http::byte_range r;
    const uint64_t sizes[] = {0, 1, 100, UINT64_MAX};
    for (uint64_t size : sizes) {
        if (req.range.p && http::parse_range(req.range, size, &r) == http::range_result::partial) {
            check(r.first <= r.last && r.last < size);
        }
    }
    char etag[http::etag_max];
    http::make_etag(1, 100, 784111777, etag);
    http::not_modified(req, etag, 784111777);
    http::range_applies(req, etag, 784111777);
}

void run(const char* buf, size_t len, const http::limits& lim, char* body) {
    size_t off = 0;
    while (off < len) {
        http::request req;
        http::parse_result r = http::parse_request(buf + off, len - off, lim, req, body);
        if (r.state != http::parse_state::complete) {
            check(r.state == http::parse_state::incomplete || (r.status >= 400 && r.status < 600));
            return;
        }
        check(r.consumed > 0 && r.consumed <= len - off);
        check(req.body.n <= lim.max_body);
        check(inside(req.body, buf + off, r.consumed) || inside(req.body, body, lim.max_body));
        check(inside(req.target, buf + off, r.consumed) && inside(req.host, buf + off, r.consumed));
        evaluate(req);
        off += r.consumed;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // A copy of just the right size: ASan then sees any read past the end.
    char* buf = static_cast<char*>(malloc(size ? size : 1));
    memcpy(buf, data, size);
    http::limits def;
    char* body = static_cast<char*>(malloc(def.max_body));
    run(buf, size, def, body);
    http::limits small;
    small.max_line = 32;
    small.max_header = 128;
    small.max_fields = 4;
    small.max_body = 16;
    run(buf, size, small, body);
    free(body);
    free(buf);
    return 0;
}
