// host-only: the scripted replies are std::vectors (no C++ library on the target).
// The DHCP message codec against well-formed and malformed messages.
#include <string.h>

#include "tests/unit/dhcp_test_util.h"

// CppUTest after the standard headers (its memory-leak macros).
#include <CppUTest/TestHarness.h>

using namespace dhcp_test;

namespace {

dhcp_header hdr;
dhcp_options opts;

dhcp_parse_err parse(const reply& r) { return dhcp_parse(r.b.data(), r.b.size(), &hdr, &opts); }

}  // namespace

TEST_GROUP(dhcp_msg){};

TEST(dhcp_msg, parses_a_full_ack) {
    reply r(0x11223344, offered_ip);
    r.lease(dhcp_type::ack, 3600).secs(dhcp_opt::t1, 10).secs(dhcp_opt::t2, 15);
    r.opt(dhcp_opt::hostname, "board", 5).opt(dhcp_opt::domain, "test\0", 5);
    r.addr(dhcp_opt::ntp, ipv4_addr(10, 0, 2, 4)).addr(dhcp_opt::broadcast, ipv4_addr(10, 0, 2, 255)).end();
    CHECK(parse(r) == dhcp_parse_err::ok);
    UNSIGNED_LONGS_EQUAL(0x11223344, hdr.xid);
    CHECK(hdr.yiaddr == offered_ip);
    MEMCMP_EQUAL(client_mac, hdr.chaddr, 6);
    dhcp_info info;
    CHECK(dhcp_decode(opts, &info) == dhcp_parse_err::ok);
    CHECK(info.type == dhcp_type::ack);
    CHECK(info.server_id == server_ip);
    CHECK(info.netmask == ipv4_addr(255, 255, 255, 0));
    CHECK(info.router == server_ip);
    CHECK(info.dns[0] == ipv4_addr(10, 0, 2, 3));
    CHECK(info.ntp[0] == ipv4_addr(10, 0, 2, 4));
    CHECK(info.broadcast == ipv4_addr(10, 0, 2, 255));
    UNSIGNED_LONGS_EQUAL(3600, info.lease);
    UNSIGNED_LONGS_EQUAL(10, info.t1);
    UNSIGNED_LONGS_EQUAL(15, info.t2);
    STRCMP_EQUAL("board", info.hostname);
    STRCMP_EQUAL("test", info.domain);   // a trailing NUL is tolerated
}

TEST(dhcp_msg, pad_is_skipped_and_data_after_end_ignored) {
    reply r(1, offered_ip);
    r.raw({0, 0, 0}).type(dhcp_type::offer).raw({0}).end().raw({1, 200, 7});
    CHECK(parse(r) == dhcp_parse_err::ok);
    CHECK(opts.has(dhcp_opt::msg_type));
    CHECK(!opts.has(dhcp_opt::subnet_mask));
}

TEST(dhcp_msg, refuses_short_wrong_header_and_cookie) {
    reply r(1, offered_ip);
    r.type(dhcp_type::offer).end();
    CHECK(dhcp_parse(r.b.data(), DHCP_MIN_LEN - 1, &hdr, &opts) == dhcp_parse_err::short_msg);
    reply req = r;
    req.b[0] = BOOTREQUEST;
    CHECK(parse(req) == dhcp_parse_err::bad_header);
    reply hl = r;
    hl.b[2] = 16;
    CHECK(parse(hl) == dhcp_parse_err::bad_header);
    reply ck = r;
    ck.b[DHCP_FIXED_LEN + 3] ^= 1;
    CHECK(parse(ck) == dhcp_parse_err::bad_cookie);
}

TEST(dhcp_msg, truncated_options) {
    reply no_len(1, offered_ip);
    no_len.type(dhcp_type::offer).raw({1});            // a code and nothing after it
    CHECK(parse(no_len) == dhcp_parse_err::truncated);
    reply overrun(1, offered_ip);
    overrun.type(dhcp_type::offer).raw({1, 4, 255, 255});  // says 4, has 2
    CHECK(parse(overrun) == dhcp_parse_err::truncated);
    reply huge(1, offered_ip);
    huge.type(dhcp_type::offer).raw({12, 255, 'a'});
    CHECK(parse(huge) == dhcp_parse_err::truncated);
    reply no_end(1, offered_ip);
    no_end.type(dhcp_type::offer);
    CHECK(parse(no_end) == dhcp_parse_err::no_end);
}

TEST(dhcp_msg, duplicate_options_are_concatenated_rfc3396) {
    reply r(1, offered_ip);
    r.type(dhcp_type::ack).opt(dhcp_opt::dns, "\x0a\x00", 2).addr(dhcp_opt::router, server_ip);
    r.opt(dhcp_opt::dns, "\x02\x03", 2).end();
    CHECK(parse(r) == dhcp_parse_err::ok);
    unsigned n;
    const uint8_t* v = opts.get(dhcp_opt::dns, &n);
    UNSIGNED_LONGS_EQUAL(4, n);
    MEMCMP_EQUAL("\x0a\x00\x02\x03", v, 4);
    dhcp_info info;
    CHECK(dhcp_decode(opts, &info) == dhcp_parse_err::ok);
    CHECK(info.dns[0] == ipv4_addr(10, 0, 2, 3));
}

TEST(dhcp_msg, overload_reads_file_then_sname) {
    reply r(1, offered_ip);
    r.type(dhcp_type::offer).raw({52, 1, 3}).end();
    const uint8_t file_opts[] = {1, 4, 255, 255, 255, 0, 255};
    memcpy(&r.b[DHCP_FILE_OFFSET], file_opts, sizeof file_opts);
    const uint8_t sname_opts[] = {54, 4, 10, 0, 2, 2};   // no end: the field is simply full
    memcpy(&r.b[DHCP_SNAME_OFFSET], sname_opts, sizeof sname_opts);
    CHECK(parse(r) == dhcp_parse_err::ok);
    UNSIGNED_LONGS_EQUAL(3, opts.overload);
    dhcp_info info;
    CHECK(dhcp_decode(opts, &info) == dhcp_parse_err::ok);
    CHECK(info.netmask == ipv4_addr(255, 255, 255, 0));
    CHECK(info.server_id == server_ip);
}

TEST(dhcp_msg, overload_loops_and_bad_values_are_refused) {
    reply inner(1, offered_ip);
    inner.type(dhcp_type::offer).raw({52, 1, 1}).end();
    const uint8_t loop[] = {52, 1, 1, 255};  // the file area names itself again
    memcpy(&inner.b[DHCP_FILE_OFFSET], loop, sizeof loop);
    CHECK(parse(inner) == dhcp_parse_err::bad_overload);
    reply twice(1, offered_ip);
    twice.type(dhcp_type::offer).raw({52, 1, 1, 52, 1, 2}).end();
    CHECK(parse(twice) == dhcp_parse_err::bad_overload);
    reply value(1, offered_ip);
    value.type(dhcp_type::offer).raw({52, 1, 4}).end();
    CHECK(parse(value) == dhcp_parse_err::bad_overload);
    reply len(1, offered_ip);
    len.type(dhcp_type::offer).raw({52, 2, 1, 1}).end();
    CHECK(parse(len) == dhcp_parse_err::bad_overload);
    reply trunc(1, offered_ip);
    trunc.type(dhcp_type::offer).raw({52, 1, 1}).end();
    const uint8_t bad[] = {3, 200};
    memcpy(&trunc.b[DHCP_FILE_OFFSET + DHCP_FILE_LEN - 2], bad, sizeof bad);
    trunc.b[DHCP_FILE_OFFSET] = 0;
    memset(&trunc.b[DHCP_FILE_OFFSET], 0, DHCP_FILE_LEN - 2);
    CHECK(parse(trunc) == dhcp_parse_err::truncated);
}

TEST(dhcp_msg, too_many_segments) {
    reply r(1, offered_ip);
    r.type(dhcp_type::offer);
    for (int i = 0; i < 500; ++i) {
        r.raw({200, 0});
    }
    r.end();
    CHECK(parse(r) == dhcp_parse_err::too_many);
}

TEST(dhcp_msg, decode_checks_lengths) {
    auto decode = [](reply& r) {
        r.end();
        CHECK(parse(r) == dhcp_parse_err::ok);
        dhcp_info info;
        return dhcp_decode(opts, &info);
    };
    reply none(1, offered_ip);
    none.addr(dhcp_opt::server_id, server_ip);
    CHECK(decode(none) == dhcp_parse_err::no_type);
    reply unknown(1, offered_ip);
    unknown.raw({53, 1, 9});
    CHECK(decode(unknown) == dhcp_parse_err::no_type);
    reply type2(1, offered_ip);
    type2.raw({53, 2, 2, 2});
    CHECK(decode(type2) == dhcp_parse_err::no_type);
    reply mask(1, offered_ip);
    mask.type(dhcp_type::offer).raw({1, 3, 255, 255, 0});
    CHECK(decode(mask) == dhcp_parse_err::bad_length);
    reply holes(1, offered_ip);
    holes.type(dhcp_type::offer).addr(dhcp_opt::subnet_mask, ipv4_addr(255, 0, 255, 0));
    CHECK(decode(holes) == dhcp_parse_err::bad_length);
    reply router(1, offered_ip);
    router.type(dhcp_type::offer).raw({3, 6, 10, 0, 2, 2, 10, 0});
    CHECK(decode(router) == dhcp_parse_err::bad_length);
    reply empty_dns(1, offered_ip);
    empty_dns.type(dhcp_type::offer).raw({6, 0});
    CHECK(decode(empty_dns) == dhcp_parse_err::bad_length);
    reply lease(1, offered_ip);
    lease.type(dhcp_type::offer).raw({51, 2, 0, 1});
    CHECK(decode(lease) == dhcp_parse_err::bad_length);
    reply name(1, offered_ip);
    name.type(dhcp_type::offer).raw({12, 3, 'a', 0, 'b'});
    CHECK(decode(name) == dhcp_parse_err::bad_length);
}

TEST(dhcp_msg, builder_writes_a_request) {
    uint8_t buf[DHCP_MAX_LEN];
    dhcp_builder b(buf, sizeof buf);
    b.header(0xdeadbeef, 3, offered_ip, client_mac, true);
    b.option8(dhcp_opt::msg_type, 3);
    b.option16(dhcp_opt::max_msg_size, 1500);
    size_t n = b.finish();
    UNSIGNED_LONGS_EQUAL(300, n);   // padded to BOOTP's minimum
    BYTES_EQUAL(BOOTREQUEST, buf[0]);
    MEMCMP_EQUAL("\xde\xad\xbe\xef", buf + 4, 4);
    MEMCMP_EQUAL("\x00\x03\x80\x00", buf + 8, 4);
    MEMCMP_EQUAL(&offered_ip, buf + 12, 4);
    MEMCMP_EQUAL(client_mac, buf + 28, 6);
    MEMCMP_EQUAL("\x63\x82\x53\x63", buf + DHCP_FIXED_LEN, 4);
    MEMCMP_EQUAL("\x35\x01\x03\x39\x02\x05\xdc\xff", buf + DHCP_OPTIONS_OFFSET, 8);
}

TEST(dhcp_msg, builder_refuses_what_does_not_fit) {
    uint8_t buf[DHCP_OPTIONS_OFFSET + 4];
    dhcp_builder b(buf, sizeof buf);
    b.header(1, 0, 0, client_mac, false);
    b.option8(dhcp_opt::msg_type, 1);   // 3 octets, +1 for the end: fits
    uint8_t big[8] = {};
    b.option(dhcp_opt::param_request, big, sizeof big);
    UNSIGNED_LONGS_EQUAL(0, b.finish());
    uint8_t tiny[10];
    dhcp_builder t(tiny, sizeof tiny);
    t.header(1, 0, 0, client_mac, false);
    UNSIGNED_LONGS_EQUAL(0, t.finish());
}
