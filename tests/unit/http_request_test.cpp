// host-only: builds its inputs with the host's C++ library (std::string).
// httpd's request parser (apps/http/request.cpp, chunked.cpp, target.cpp):
// every refusal with its status, pipelined requests, both body framings,
// limits, and the request-target decoded to a path.
#include <CppUTest/TestHarness.h>

#include <string.h>

#include <string>

#include "apps/http/chunked.h"
#include "apps/http/request.h"
#include "apps/http/target.h"

namespace {

http::limits small_limits() {
    http::limits l;
    l.max_line = 64;
    l.max_header = 256;
    l.max_fields = 8;
    l.max_body = 100;
    return l;
}

struct parsed {
    http::request req;
    http::parse_result r;
    char body[128];
};

void parse(parsed& p, const std::string& s, const http::limits& lim = small_limits()) {
    p.r = http::parse_request(s.data(), s.size(), lim, p.req, p.body);
}

int status_of(const std::string& s) {
    parsed p;
    parse(p, s);
    return p.r.state == http::parse_state::error ? p.r.status : 0;
}

std::string str(http::text t) { return std::string(t.p ? t.p : "", t.n); }

}  // namespace

TEST_GROUP(http_request) {};

TEST(http_request, simple_get) {
    parsed p;
    std::string s = "GET /index.html?x=1 HTTP/1.1\r\nHost: a\r\nUser-Agent: curl/8\r\n\r\n";
    parse(p, s);
    CHECK(p.r.state == http::parse_state::complete);
    LONGS_EQUAL(s.size(), p.r.consumed);
    CHECK(p.req.meth == http::method::get);
    STRCMP_EQUAL("/index.html?x=1", str(p.req.target).c_str());
    STRCMP_EQUAL("a", str(p.req.host).c_str());
    STRCMP_EQUAL("curl/8", str(p.req.user_agent).c_str());
    LONGS_EQUAL(1, p.req.minor);
    CHECK(p.req.keep_alive);
    LONGS_EQUAL(0, p.req.body.n);
}

TEST(http_request, incomplete_until_the_empty_line) {
    std::string s = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    for (size_t n = 0; n < s.size(); ++n) {
        parsed p;
        parse(p, s.substr(0, n));
        CHECK_TEXT(p.r.state == http::parse_state::incomplete, s.substr(0, n).c_str());
    }
}

TEST(http_request, bare_lf_and_leading_empty_lines) {
    parsed p;
    parse(p, "\r\n\nHEAD / HTTP/1.1\nHost: a\n\n");
    CHECK(p.r.state == http::parse_state::complete);
    CHECK(p.req.meth == http::method::head);
}

TEST(http_request, pipelined_requests_one_at_a_time) {
    std::string one = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n";
    std::string two = "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
    std::string three = "GET /c HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    std::string all = one + two + three;
    parsed p;
    parse(p, all);
    CHECK(p.r.state == http::parse_state::complete);
    LONGS_EQUAL(one.size(), p.r.consumed);
    STRCMP_EQUAL("/a", str(p.req.target).c_str());
    std::string rest = all.substr(one.size());
    parse(p, rest);
    CHECK(p.r.state == http::parse_state::complete);
    LONGS_EQUAL(two.size(), p.r.consumed);
    STRCMP_EQUAL("hello", str(p.req.body).c_str());
    parse(p, all.substr(one.size() + two.size()));
    CHECK(p.r.state == http::parse_state::complete);
    CHECK_FALSE(p.req.keep_alive);
}

TEST(http_request, keep_alive_rules) {
    parsed p;
    parse(p, "GET / HTTP/1.0\r\n\r\n");
    CHECK(p.r.state == http::parse_state::complete);
    CHECK_FALSE(p.req.keep_alive);
    parse(p, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
    CHECK(p.req.keep_alive);
    parse(p, "GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n");
    CHECK_FALSE(p.req.keep_alive);
    parse(p, "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n");
    CHECK(p.req.keep_alive);
    parse(p, "POST /echo HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    CHECK(p.r.state == http::parse_state::complete);
    CHECK_FALSE(p.req.keep_alive);
}

TEST(http_request, content_length_body_waits_for_all_of_it) {
    parsed p;
    parse(p, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\nabc");
    CHECK(p.r.state == http::parse_state::incomplete);
    CHECK(p.r.head_done);
    CHECK(p.req.expect_continue);
    std::string s = "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc";
    parse(p, s);
    CHECK(p.r.state == http::parse_state::complete);
    STRCMP_EQUAL("abc", str(p.req.body).c_str());
}

TEST(http_request, chunked_body_decoded) {
    parsed p;
    std::string s = "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: 1\r\n\r\nGET";
    parse(p, s);
    CHECK(p.r.state == http::parse_state::complete);
    LONGS_EQUAL(s.size() - 3, p.r.consumed);
    STRCMP_EQUAL("helloabcdefghijklmnopqrstuvwxyz", str(p.req.body).c_str());
    CHECK(p.req.chunked);
    for (size_t n = s.find("\r\n\r\n") + 4; n < s.size() - 3; ++n) {
        parse(p, s.substr(0, n));
        CHECK(p.r.state == http::parse_state::incomplete);
    }
}

TEST(http_request, chunked_refusals) {
    std::string h = "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    LONGS_EQUAL(400, status_of(h + "zz\r\n"));
    LONGS_EQUAL(400, status_of(h + "3\r\nabcX\r\n0\r\n\r\n"));   // data not ended by CRLF
    LONGS_EQUAL(413, status_of(h + "65\r\n"));                  // 101 > max_body
    LONGS_EQUAL(413, status_of(h + "ffffffffffffffffffff\r\n"));
    LONGS_EQUAL(413, status_of(h + "40\r\n" + std::string(64, 'x') + "\r\n40\r\n"));
    LONGS_EQUAL(400, status_of(h + "0\r\n bad trailer\r\n\r\n"));
}

TEST(http_request, framing_refusals) {
    std::string h = "POST /echo HTTP/1.1\r\nHost: a\r\n";
    LONGS_EQUAL(400, status_of(h + "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"));
    LONGS_EQUAL(400, status_of(h + "Content-Length: 1\r\nContent-Length: 2\r\n\r\n"));
    LONGS_EQUAL(400, status_of(h + "Content-Length: -1\r\n\r\n"));
    LONGS_EQUAL(400, status_of(h + "Content-Length: 1x\r\n\r\n"));
    LONGS_EQUAL(400, status_of(h + "Content-Length: 99999999999999999999999\r\n\r\n"));
    LONGS_EQUAL(413, status_of(h + "Content-Length: 101\r\n\r\n"));
    LONGS_EQUAL(501, status_of(h + "Transfer-Encoding: gzip, chunked\r\n\r\n"));
    LONGS_EQUAL(400, status_of(h + "Transfer-Encoding: chunked, chunked\r\n\r\n"));
    LONGS_EQUAL(417, status_of(h + "Expect: tea\r\n\r\n"));
}

TEST(http_request, request_line_refusals) {
    LONGS_EQUAL(400, status_of("GARBAGE\r\n\r\n"));
    LONGS_EQUAL(400, status_of("GET  / HTTP/1.1\r\nHost: a\r\n\r\n"));
    LONGS_EQUAL(400, status_of("GET / HTTP/1.1 \r\nHost: a\r\n\r\n"));
    LONGS_EQUAL(400, status_of(" GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
    LONGS_EQUAL(400, status_of("G(T / HTTP/1.1\r\nHost: a\r\n\r\n"));
    LONGS_EQUAL(400, status_of("GET / http/1.1\r\nHost: a\r\n\r\n"));
    LONGS_EQUAL(400, status_of("GET / HTTP/1.10\r\nHost: a\r\n\r\n"));
    LONGS_EQUAL(400, status_of("GET / HTTP/1\r\nHost: a\r\n\r\n"));
    LONGS_EQUAL(400, status_of(std::string("GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n")));
    LONGS_EQUAL(400, status_of("GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n"));
    LONGS_EQUAL(400, status_of("GET / HTTP/1.1\rHost: a\r\n\r\n"));
    LONGS_EQUAL(505, status_of("GET / HTTP/2.0\r\nHost: a\r\n\r\n"));
    LONGS_EQUAL(505, status_of("GET / HTTP/0.9\r\n\r\n"));
    parsed p;
    parse(p, "BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(p.r.state == http::parse_state::complete);   // a token: the server says 501
    CHECK(p.req.meth == http::method::unknown);
    parse(p, "get / HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(p.req.meth == http::method::unknown);         // methods are case-sensitive
    parse(p, "DELETE / HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(p.req.meth == http::method::del);
}

TEST(http_request, field_refusals) {
    std::string r = "GET / HTTP/1.1\r\n";
    LONGS_EQUAL(400, status_of(r + "\r\n"));                               // no Host
    LONGS_EQUAL(400, status_of(r + "Host: a\r\nHost: b\r\n\r\n"));
    LONGS_EQUAL(400, status_of(r + "Host a\r\n\r\n"));
    LONGS_EQUAL(400, status_of(r + "Host : a\r\n\r\n"));
    LONGS_EQUAL(400, status_of(r + ": a\r\nHost: a\r\n\r\n"));
    LONGS_EQUAL(400, status_of(r + "Host: a\r\nX: 1\r\n continued\r\n\r\n"));   // obs-fold
    LONGS_EQUAL(400, status_of(r + std::string("Host: a\r\nX: a") + '\0' + "b\r\n\r\n"));
    LONGS_EQUAL(400, status_of(r + "Host: a\r\nX: a\x7f\r\n\r\n"));
    LONGS_EQUAL(400, status_of(r + "Host: a\r\nRange: bytes=1-\r\nRange: bytes=2-\r\n\r\n"));
    LONGS_EQUAL(0, status_of(r + "Host: a\r\nX: caf\xc3\xa9\r\n\r\n"));           // obs-text is fine
}

TEST(http_request, limits) {
    // Request line: 414 as soon as it is too long, even before its end.
    LONGS_EQUAL(414, status_of("GET /" + std::string(80, 'a')));
    LONGS_EQUAL(414, status_of("GET /" + std::string(80, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n"));
    LONGS_EQUAL(0, status_of("GET /" + std::string(40, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n"));
    // Header section: 431, before or after its end.
    LONGS_EQUAL(431, status_of("GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(300, 'b')));
    LONGS_EQUAL(431, status_of("GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(300, 'b') + "\r\n\r\n"));
    std::string many = "GET / HTTP/1.1\r\nHost: a\r\n";
    for (int i = 0; i < 8; ++i) {
        many += "X: 1\r\n";
    }
    LONGS_EQUAL(431, status_of(many + "\r\n"));
}

TEST(http_request, method_names) {
    STRCMP_EQUAL("GET", http::method_str(http::method::get));
    STRCMP_EQUAL("DELETE", http::method_str(http::method::del));
}

TEST(http_request, chunk_header_hex) {
    char buf[24];
    size_t n = http::chunk_header(0x1a2b, buf);
    STRCMP_EQUAL("1a2b\r\n", std::string(buf, n).c_str());
    n = http::chunk_header(0, buf);
    STRCMP_EQUAL("0\r\n", std::string(buf, n).c_str());
}

TEST_GROUP(http_target) {
    http::target_path t;
    int decode(const char* s) { return http::decode_target({s, strlen(s)}, t); }
};

TEST(http_target, origin_and_absolute_form) {
    LONGS_EQUAL(0, decode("/a%20b/c.html?x=%41"));
    STRCMP_EQUAL("/a b/c.html", t.path);
    STRCMP_EQUAL("x=%41", str(t.query).c_str());
    LONGS_EQUAL(0, decode("http://host:80/x"));
    STRCMP_EQUAL("/x", t.path);
    LONGS_EQUAL(0, decode("HTTP://host"));
    STRCMP_EQUAL("/", t.path);
}

TEST(http_target, refusals) {
    LONGS_EQUAL(400, decode("*"));
    LONGS_EQUAL(400, decode("host:80"));
    LONGS_EQUAL(400, decode("/a/../etc"));
    LONGS_EQUAL(400, decode("/.."));
    LONGS_EQUAL(400, decode("/%2e%2e/x"));
    LONGS_EQUAL(400, decode("/%2E%2e"));
    LONGS_EQUAL(400, decode("/a%2f..%2fb"));
    LONGS_EQUAL(400, decode("/%00"));
    LONGS_EQUAL(400, decode("/%4"));
    LONGS_EQUAL(400, decode("/%zz"));
    LONGS_EQUAL(400, decode("/a#frag"));
    LONGS_EQUAL(0, decode("/..a/b.."));   // not a ".." segment
    std::string longp = "/" + std::string(2000, 'a');
    LONGS_EQUAL(414, decode(longp.c_str()));
}
