// host-only: builds its inputs with the host's C++ library (std::string).
// httpd's response side (apps/http/response.cpp, date.cpp, range.cpp,
// conditional.cpp, mime.cpp): heads, dates in all three forms, single
// ranges, validators and 304, media types.
#include <CppUTest/TestHarness.h>

#include <string.h>

#include <string>

#include "apps/http/conditional.h"
#include "apps/http/date.h"
#include "apps/http/mime.h"
#include "apps/http/range.h"
#include "apps/http/response.h"

namespace {
http::text T(const char* s) { return {s, strlen(s)}; }
}  // namespace

TEST_GROUP(http_response) {};

TEST(http_response, head_and_overflow) {
    char buf[128];
    http::head_writer w(buf, sizeof buf);
    w.status_line(404);
    w.field("Content-Length", "%d", 12);
    w.end();
    CHECK_FALSE(w.overflow);
    STRCMP_EQUAL("HTTP/1.1 404 Not Found\r\nContent-Length: 12\r\n\r\n", std::string(buf, w.len).c_str());
    http::head_writer small(buf, 30);
    small.status_line(200);
    small.field("X-Long", "%s", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    CHECK(small.overflow);
    LONGS_EQUAL(17, small.len);   // what fitted stays whole
}

TEST(http_response, reasons) {
    const int codes[] = {200, 206, 304, 400, 404, 405, 408, 413, 414, 416, 431, 501, 503, 505};
    for (int c : codes) {
        CHECK(strcmp("Unknown", http::reason(c)) != 0);
    }
    STRCMP_EQUAL("Request Header Fields Too Large", http::reason(431));
    STRCMP_EQUAL("Unknown", http::reason(299));
    char body[256];
    size_t n = http::error_body(413, body, sizeof body);
    CHECK(n > 0 && strstr(body, "<h1>413 Content Too Large</h1>"));
}

TEST(http_response, dates) {
    char buf[http::date_len + 1];
    http::format_date(784111777, buf);
    STRCMP_EQUAL("Sun, 06 Nov 1994 08:49:37 GMT", buf);
    http::format_date(0, buf);
    STRCMP_EQUAL("Thu, 01 Jan 1970 00:00:00 GMT", buf);
    http::format_date(1709251199, buf);   // a leap day's last second
    STRCMP_EQUAL("Thu, 29 Feb 2024 23:59:59 GMT", buf);
    int64_t t;
    CHECK(http::parse_date(T("Sun, 06 Nov 1994 08:49:37 GMT"), &t));
    LONGS_EQUAL(784111777, t);
    CHECK(http::parse_date(T("Sunday, 06-Nov-94 08:49:37 GMT"), &t));
    LONGS_EQUAL(784111777, t);
    CHECK(http::parse_date(T("Sun Nov  6 08:49:37 1994"), &t));
    LONGS_EQUAL(784111777, t);
    CHECK(http::parse_date(T("Thu, 29 Feb 2024 23:59:59 GMT"), &t));
    LONGS_EQUAL(1709251199, t);
    CHECK_FALSE(http::parse_date(T("Sun, 06 Nov 1994 08:49:37 UTC"), &t));
    CHECK_FALSE(http::parse_date(T("Sun, 32 Nov 1994 08:49:37 GMT"), &t));
    CHECK_FALSE(http::parse_date(T("Sun, 06 Foo 1994 08:49:37 GMT"), &t));
    CHECK_FALSE(http::parse_date(T("Sun, 06 Nov 1994 25:49:37 GMT"), &t));
    CHECK_FALSE(http::parse_date(T("yesterday"), &t));
    CHECK_FALSE(http::parse_date(T(""), &t));
}

TEST(http_response, ranges) {
    http::byte_range r;
    CHECK(http::range_result::partial == http::parse_range(T("bytes=0-99"), 1000, &r));
    LONGS_EQUAL(0, r.first);
    LONGS_EQUAL(99, r.last);
    CHECK(http::range_result::partial == http::parse_range(T("bytes=900-"), 1000, &r));
    LONGS_EQUAL(900, r.first);
    LONGS_EQUAL(999, r.last);
    CHECK(http::range_result::partial == http::parse_range(T("bytes=-100"), 1000, &r));
    LONGS_EQUAL(900, r.first);
    CHECK(http::range_result::partial == http::parse_range(T("bytes=-5000"), 1000, &r));
    LONGS_EQUAL(0, r.first);
    CHECK(http::range_result::partial == http::parse_range(T("Bytes=10-5000"), 1000, &r));
    LONGS_EQUAL(999, r.last);
    CHECK(http::range_result::unsatisfiable == http::parse_range(T("bytes=1000-"), 1000, &r));
    CHECK(http::range_result::unsatisfiable == http::parse_range(T("bytes=-0"), 1000, &r));
    CHECK(http::range_result::unsatisfiable == http::parse_range(T("bytes=0-"), 0, &r));
    CHECK(http::range_result::whole == http::parse_range(T("bytes=5-1"), 1000, &r));
    CHECK(http::range_result::whole == http::parse_range(T("bytes=0-1,5-6"), 1000, &r));
    CHECK(http::range_result::whole == http::parse_range(T("items=0-1"), 1000, &r));
    CHECK(http::range_result::whole == http::parse_range(T("bytes=x-1"), 1000, &r));
    CHECK(http::range_result::whole == http::parse_range(T("bytes=-"), 1000, &r));
}

TEST(http_response, conditionals) {
    char etag[http::etag_max];
    http::make_etag(0x12, 1000, 784111777, etag);
    STRCMP_EQUAL("\"12-3e8-2ebc98a1\"", etag);
    http::request req;
    CHECK_FALSE(http::not_modified(req, etag, 784111777));
    req.if_none_match = T("\"other\", W/\"12-3e8-2ebc98a1\"");
    CHECK(http::not_modified(req, etag, 784111777));
    req.if_none_match = T("\"other\"");
    req.if_modified_since = T("Sun, 06 Nov 1994 08:49:37 GMT");
    CHECK_FALSE(http::not_modified(req, etag, 784111777));   // If-None-Match wins
    req.if_none_match = T("*");
    CHECK(http::not_modified(req, etag, 784111777));
    req.if_none_match = {};
    CHECK(http::not_modified(req, etag, 784111777));
    CHECK_FALSE(http::not_modified(req, etag, 784111778));
    CHECK_FALSE(http::not_modified(req, etag, -1));
    req.if_modified_since = T("garbage");
    CHECK_FALSE(http::not_modified(req, etag, 784111777));

    http::request rr;
    CHECK(http::range_applies(rr, etag, 784111777));
    rr.if_range = T("\"12-3e8-2ebc98a1\"");
    CHECK(http::range_applies(rr, etag, 784111777));
    rr.if_range = T("W/\"12-3e8-2ebc98a1\"");
    CHECK_FALSE(http::range_applies(rr, etag, 784111777));
    rr.if_range = T("Sun, 06 Nov 1994 08:49:37 GMT");
    CHECK(http::range_applies(rr, etag, 784111777));
    CHECK_FALSE(http::range_applies(rr, etag, 5));
}

TEST(http_response, mime_types) {
    STRCMP_EQUAL("text/html; charset=utf-8", http::mime_type("/index.html"));
    STRCMP_EQUAL("text/html; charset=utf-8", http::mime_type("/A.HTM"));
    STRCMP_EQUAL("application/json", http::mime_type("/status.json"));
    STRCMP_EQUAL("image/png", http::mime_type("/x.y/z.png"));
    STRCMP_EQUAL("application/octet-stream", http::mime_type("/x.y/version"));
    STRCMP_EQUAL("application/octet-stream", http::mime_type("/.hidden"));
    STRCMP_EQUAL("application/octet-stream", http::mime_type("/file.unknownext"));
}
