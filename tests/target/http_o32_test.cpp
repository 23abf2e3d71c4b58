// httpd's protocol code as the image runs it (o32: 32-bit size_t and
// long, newlib's printf): numbers past 32 bits in Content-Length, chunk
// sizes, ranges and dates, and the heads' formatting.
#include <CppUTest/TestHarness.h>

#include <string.h>

#include "apps/http/chunked.h"
#include "apps/http/date.h"
#include "apps/http/json.h"
#include "apps/http/range.h"
#include "apps/http/request.h"
#include "apps/http/response.h"

namespace {
http::text T(const char* s) { return {s, strlen(s)}; }

int status_of(const char* s) {
    http::limits lim;
    http::request req;
    static char body[16384];
    http::parse_result r = http::parse_request(s, strlen(s), lim, req, body);
    return r.state == http::parse_state::error ? r.status : 0;
}
}  // namespace

TEST_GROUP(http_o32) {};

TEST(http_o32, lengths_past_32_bits) {
    LONGS_EQUAL(413, status_of("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4294967296\r\n\r\n"));
    LONGS_EQUAL(413, status_of("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4294967311\r\n\r\n"));
    LONGS_EQUAL(400, status_of("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551616\r\n\r\n"));
    LONGS_EQUAL(413, status_of("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n100000000\r\n"));
    LONGS_EQUAL(413, status_of("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000f\r\n"));
}

TEST(http_o32, ranges_of_big_files) {
    http::byte_range r;
    const uint64_t six_gib = 6ull << 30;
    CHECK(http::range_result::partial == http::parse_range(T("bytes=5368709120-"), six_gib, &r));
    CHECK(r.first == 5ull << 30 && r.last == six_gib - 1);
    CHECK(http::range_result::partial == http::parse_range(T("bytes=-4294967297"), six_gib, &r));
    CHECK(r.first == six_gib - 4294967297ull);
}

TEST(http_o32, dates_and_heads) {
    char d[http::date_len + 1];
    http::format_date(4102444800ll, d);   // past 2038
    STRCMP_EQUAL("Fri, 01 Jan 2100 00:00:00 GMT", d);
    int64_t t = 0;
    CHECK(http::parse_date(T("Fri, 01 Jan 2100 00:00:00 GMT"), &t));
    CHECK(t == 4102444800ll);
    char buf[128];
    http::head_writer w(buf, sizeof buf);
    w.status_line(206);
    w.field("Content-Range", "bytes %llu-%llu/%llu", 5ull << 30, (6ull << 30) - 1, 6ull << 30);
    w.field("Content-Length", "%zu", static_cast<size_t>(12));
    w.end();
    buf[w.len] = '\0';
    STRCMP_EQUAL("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 5368709120-6442450943/6442450944\r\n"
                 "Content-Length: 12\r\n\r\n", buf);
    char j[64];
    http::json_writer jw(j, sizeof j);
    jw.begin_array();
    jw.num(1ull << 40);
    jw.num_fixed(4294967296123ull);
    jw.end_array();
    j[jw.len()] = '\0';
    STRCMP_EQUAL("[1099511627776,4294967296.123]", j);
    char ch[24];
    size_t n = http::chunk_header(0xffffffffu, ch);
    ch[n] = '\0';
    STRCMP_EQUAL("ffffffff\r\n", ch);
}
