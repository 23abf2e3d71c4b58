// host-only: answers are built in std::vectors. libc's DNS codec against
// good answers and every malformation a stub resolver must survive.
#include <string.h>

#include <string>
#include <vector>

#include "libc/resolv/dns_msg.h"

#include <CppUTest/TestHarness.h>

namespace {

using bytes = std::vector<uint8_t>;

void name(bytes& b, const char* n) {
    std::string s(n);
    size_t start = 0;
    while (start < s.size()) {
        size_t dot = s.find('.', start);
        if (dot == std::string::npos) {
            dot = s.size();
        }
        b.push_back(static_cast<uint8_t>(dot - start));
        b.insert(b.end(), s.begin() + static_cast<long>(start), s.begin() + static_cast<long>(dot));
        start = dot + 1;
    }
    b.push_back(0);
}

void u16(bytes& b, uint16_t v) {
    b.push_back(static_cast<uint8_t>(v >> 8));
    b.push_back(static_cast<uint8_t>(v));
}

// A response header and the question for qname/qtype.
bytes response(uint16_t id, const char* qname, uint16_t ancount, uint8_t rcode = 0, uint16_t qtype = dns::TYPE_A,
               bool tc = false) {
    bytes b;
    u16(b, id);
    b.push_back(static_cast<uint8_t>(0x81 | (tc ? 0x02 : 0)));   // QR, RD (and TC)
    b.push_back(static_cast<uint8_t>(0x80 | rcode));             // RA
    u16(b, 1);
    u16(b, ancount);
    u16(b, 0);
    u16(b, 0);
    name(b, qname);
    u16(b, qtype);
    u16(b, dns::CLASS_IN);
    return b;
}

// A record header: owner as a pointer to offset 12 (the question's name) or
// spelled out, type, class IN, TTL 300, rdlength.
void rr(bytes& b, const char* owner, uint16_t type, uint16_t rdlen) {
    if (owner) {
        name(b, owner);
    } else {
        b.push_back(0xc0);
        b.push_back(12);
    }
    u16(b, type);
    u16(b, dns::CLASS_IN);
    u16(b, 0);
    u16(b, 300);
    u16(b, rdlen);
}

void a_rr(bytes& b, const char* owner, uint8_t last) {
    rr(b, owner, dns::TYPE_A, 4);
    b.insert(b.end(), {10, 0, 3, last});
}

dns::answer ans;

dns::err parse(const bytes& b, const char* q = "board.test", uint16_t id = 0x1234, uint16_t type = dns::TYPE_A) {
    return dns::parse_answer(b.data(), b.size(), id, q, type, &ans);
}

}  // namespace

TEST_GROUP(dns_msg){};

TEST(dns_msg, query_is_rfc1035) {
    uint8_t buf[512];
    dns::err e;
    size_t n = dns::build_query(buf, sizeof buf, 0xbeef, "board.test", dns::TYPE_A, &e);
    CHECK(e == dns::err::ok);
    UNSIGNED_LONGS_EQUAL(12 + 12 + 4, n);
    MEMCMP_EQUAL("\xbe\xef\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", buf, 12);
    MEMCMP_EQUAL("\x05" "board" "\x04" "test" "\x00" "\x00\x01\x00\x01", buf + 12, 16);
    CHECK_EQUAL(n, dns::build_query(buf, sizeof buf, 1, "board.test.", dns::TYPE_A, &e));   // absolute
}

TEST(dns_msg, query_refuses_bad_names) {
    uint8_t buf[512];
    dns::err e;
    const char* bad[] = {"", ".", "a..b", ".a"};
    for (const char* n : bad) {
        UNSIGNED_LONGS_EQUAL(0, dns::build_query(buf, sizeof buf, 1, n, dns::TYPE_A, &e));
        CHECK(e == dns::err::bad_name);
    }
    std::string label(64, 'a');
    UNSIGNED_LONGS_EQUAL(0, dns::build_query(buf, sizeof buf, 1, label.c_str(), dns::TYPE_A, &e));
    std::string ok63(63, 'a');
    CHECK(dns::build_query(buf, sizeof buf, 1, ok63.c_str(), dns::TYPE_A, &e) > 0);
    std::string longname;
    for (int i = 0; i < 50; ++i) {
        longname += "abcd.";
    }
    longname += "ef";   // 252 characters: fits; one more label does not
    CHECK(dns::build_query(buf, sizeof buf, 1, longname.c_str(), dns::TYPE_A, &e) > 0);
    longname += ".gh";
    UNSIGNED_LONGS_EQUAL(0, dns::build_query(buf, sizeof buf, 1, longname.c_str(), dns::TYPE_A, &e));
    CHECK(e == dns::err::bad_name);
    uint8_t tiny[20];
    UNSIGNED_LONGS_EQUAL(0, dns::build_query(tiny, sizeof tiny, 1, "board.test", dns::TYPE_A, &e));
    CHECK(e == dns::err::no_room);
}

TEST(dns_msg, a_records_with_compression) {
    bytes b = response(0x1234, "board.test", 2);
    a_rr(b, nullptr, 1);
    a_rr(b, nullptr, 2);
    CHECK(parse(b) == dns::err::ok);
    UNSIGNED_LONGS_EQUAL(2, ans.naddrs);
    MEMCMP_EQUAL("\x0a\x00\x03\x01", &ans.addrs[0], 4);
    MEMCMP_EQUAL("\x0a\x00\x03\x02", &ans.addrs[1], 4);
    UNSIGNED_LONGS_EQUAL(300, ans.ttl);
    STRCMP_EQUAL("board.test", ans.canonical);
    CHECK(!ans.truncated);
    CHECK(parse(b, "BOARD.Test.") == dns::err::ok);   // case-insensitive
}

TEST(dns_msg, cname_chain_in_any_order) {
    bytes b = response(0x1234, "www.test", 3);
    a_rr(b, "host.test", 9);                          // the final owner, first
    rr(b, "alias.test", dns::TYPE_CNAME, 0);
    size_t len_at = b.size() - 2;
    name(b, "host.test");
    b[len_at + 1] = static_cast<uint8_t>(b.size() - len_at - 2);
    rr(b, nullptr, dns::TYPE_CNAME, 0);              // www.test -> alias.test
    len_at = b.size() - 2;
    name(b, "alias.test");
    b[len_at + 1] = static_cast<uint8_t>(b.size() - len_at - 2);
    CHECK(parse(b, "www.test") == dns::err::ok);
    STRCMP_EQUAL("host.test", ans.canonical);
    UNSIGNED_LONGS_EQUAL(1, ans.naddrs);
    MEMCMP_EQUAL("\x0a\x00\x03\x09", &ans.addrs[0], 4);
}

TEST(dns_msg, cname_loop_is_refused) {
    bytes b = response(0x1234, "a.test", 2);
    rr(b, "a.test", dns::TYPE_CNAME, 8);
    name(b, "b.test");
    rr(b, "b.test", dns::TYPE_CNAME, 8);
    name(b, "a.test");
    CHECK(parse(b, "a.test") == dns::err::long_chain);
}

TEST(dns_msg, rcodes_and_no_data) {
    CHECK(parse(response(0x1234, "board.test", 0, 3)) == dns::err::nxdomain);
    CHECK(parse(response(0x1234, "board.test", 0, 2)) == dns::err::server_failure);
    CHECK(parse(response(0x1234, "board.test", 0, 1)) == dns::err::format_error);
    CHECK(parse(response(0x1234, "board.test", 0, 5)) == dns::err::refused);
    CHECK(parse(response(0x1234, "board.test", 0)) == dns::err::no_data);
    bytes other = response(0x1234, "board.test", 1);
    a_rr(other, "elsewhere.test", 1);                 // not our name: ignored
    CHECK(parse(other) == dns::err::no_data);
}

TEST(dns_msg, wrong_id_question_or_not_a_response) {
    bytes b = response(0x1234, "board.test", 1);
    a_rr(b, nullptr, 1);
    CHECK(parse(b, "board.test", 0x1235) == dns::err::bad_id);
    CHECK(parse(b, "other.test") == dns::err::bad_question);
    CHECK(parse(b, "board.test", 0x1234, dns::TYPE_PTR) == dns::err::bad_question);
    bytes q = b;
    q[2] &= 0x7f;   // QR clear: a query
    CHECK(parse(q) == dns::err::not_response);
    bytes op = b;
    op[2] |= 0x10;  // opcode 2 (STATUS)
    CHECK(parse(op) == dns::err::not_response);
    bytes qd = b;
    qd[5] = 2;
    CHECK(parse(qd) == dns::err::bad_question);
}

TEST(dns_msg, short_and_truncated_messages) {
    bytes b = response(0x1234, "board.test", 1);
    a_rr(b, nullptr, 1);
    for (size_t cut = 0; cut < b.size(); ++cut) {
        dns::err e = dns::parse_answer(b.data(), cut, 0x1234, "board.test", dns::TYPE_A, &ans);
        CHECK(e != dns::err::ok);   // never an address from a cut record
    }
    CHECK(parse(b) == dns::err::ok);
}

TEST(dns_msg, tc_bit_is_reported_and_whole_records_kept) {
    bytes b = response(0x1234, "board.test", 3, 0, dns::TYPE_A, true);
    a_rr(b, nullptr, 1);
    a_rr(b, nullptr, 2);
    b.insert(b.end(), {0xc0, 12, 0, 1});   // the third record cut short
    CHECK(parse(b) == dns::err::ok);
    CHECK(ans.truncated);
    UNSIGNED_LONGS_EQUAL(2, ans.naddrs);
    bytes empty = response(0x1234, "board.test", 0, 0, dns::TYPE_A, true);
    CHECK(parse(empty) == dns::err::no_data);
    CHECK(ans.truncated);
}

TEST(dns_msg, rdlength_overrun_and_bad_a_length) {
    bytes over = response(0x1234, "board.test", 1);
    rr(over, nullptr, dns::TYPE_A, 40);
    over.insert(over.end(), {10, 0, 3, 1});
    CHECK(parse(over) == dns::err::bad_record);
    bytes a6 = response(0x1234, "board.test", 1);
    rr(a6, nullptr, dns::TYPE_A, 6);
    a6.insert(a6.end(), {10, 0, 3, 1, 0, 0});
    CHECK(parse(a6) == dns::err::bad_record);
    bytes count = response(0x1234, "board.test", 5);   // ANCOUNT says 5, one is there
    a_rr(count, nullptr, 1);
    CHECK(parse(count) == dns::err::short_msg);
}

TEST(dns_msg, compression_loops_and_bad_pointers) {
    // An answer owner that points at itself.
    bytes self = response(0x1234, "board.test", 1);
    size_t at = self.size();
    self.push_back(static_cast<uint8_t>(0xc0 | (at >> 8)));
    self.push_back(static_cast<uint8_t>(at));
    CHECK(parse(self) == dns::err::bad_name_ptr);
    // Two names pointing at each other: the second points forward.
    bytes pair = response(0x1234, "board.test", 1);
    at = pair.size();
    pair.insert(pair.end(), {1, 'x', 0xc0, static_cast<uint8_t>(at + 4), 1, 'y', 0xc0, static_cast<uint8_t>(at)});
    CHECK(parse(pair) == dns::err::bad_name_ptr);
    // A pointer past the end.
    bytes far = response(0x1234, "board.test", 1);
    far.insert(far.end(), {0xc3, 0xff});
    CHECK(parse(far) == dns::err::bad_name_ptr);
    // Reserved label types 0x40 and 0x80.
    bytes ext = response(0x1234, "board.test", 1);
    ext.insert(ext.end(), {0x41, 0});
    CHECK(parse(ext) == dns::err::bad_name_ptr);
    // A pointer cut in half at the end of the message.
    bytes half = response(0x1234, "board.test", 1);
    half.push_back(0xc0);
    CHECK(parse(half) == dns::err::short_msg);
}

TEST(dns_msg, name_longer_than_255_through_pointers_is_refused) {
    // Labels of 63 chained backwards: 5 of them make 320 octets.
    bytes b = response(0x1234, "board.test", 1);
    size_t prev = 0;
    for (int i = 0; i < 5; ++i) {
        size_t here = b.size();
        b.push_back(63);
        b.insert(b.end(), 63, 'a');
        if (prev) {
            b.push_back(static_cast<uint8_t>(0xc0 | (prev >> 8)));
            b.push_back(static_cast<uint8_t>(prev));
        } else {
            b.push_back(0);
        }
        prev = here;
    }
    char out[dns::MAX_NAME + 1];
    size_t next;
    CHECK(dns::read_name(b.data(), b.size(), prev, out, &next) == dns::err::bad_name_ptr);
}

TEST(dns_msg, ptr_answer) {
    bytes b = response(0x1234, "1.3.0.10.in-addr.arpa", 1, 0, dns::TYPE_PTR);
    rr(b, nullptr, dns::TYPE_PTR, 12);
    name(b, "board.test");
    CHECK(parse(b, "1.3.0.10.in-addr.arpa", 0x1234, dns::TYPE_PTR) == dns::err::ok);
    STRCMP_EQUAL("board.test", ans.ptr);
}

TEST(dns_msg, more_addresses_than_kept) {
    bytes b = response(0x1234, "board.test", 12);
    for (uint8_t i = 0; i < 12; ++i) {
        a_rr(b, nullptr, i);
    }
    CHECK(parse(b) == dns::err::ok);
    UNSIGNED_LONGS_EQUAL(dns::MAX_ADDRS, ans.naddrs);
}

TEST(dns_msg, name_equal) {
    CHECK(dns::name_equal("Board.TEST", "board.test."));
    CHECK(!dns::name_equal("board.test", "board.tes"));
    CHECK(!dns::name_equal("board", "boarc"));
}
