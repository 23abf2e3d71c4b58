// host-only: builds its inputs with the host's C++ library (std::string).
// telnetd's NVT codec (apps/telnet/nvt.cpp): the opening, option answers
// by RFC 1143's rules, IAC IAC both ways, commands split across reads at
// every byte, subnegotiations skipped, CR NUL / CR LF / LF as the newline,
// and garbage taken without a crash and counted.
#include <CppUTest/TestHarness.h>

#include <string>

#include "apps/telnet/nvt.h"

using telnet::cmd;
using telnet::option;

namespace {

constexpr char IAC = '\xff', WILL = '\xfb', WONT = '\xfc', DO = '\xfd', DONT = '\xfe', SB = '\xfa',
               SE = '\xf0';

struct decoded {
    std::string data, reply;
};

// Feeds input in pieces of at most `piece` bytes, as reads would bring it.
decoded feed(telnet::nvt& v, const std::string& input, size_t piece = 4096) {
    decoded out;
    size_t pos = 0;
    while (pos < input.size()) {
        uint8_t d[64], r[64];
        telnet::buffer data{d, sizeof d}, reply{r, sizeof r};
        size_t n = std::min(piece, input.size() - pos);
        size_t took = v.receive(reinterpret_cast<const uint8_t*>(input.data()) + pos, n, data, reply);
        CHECK(took > 0);
        pos += took;
        out.data.append(reinterpret_cast<char*>(d), data.len);
        out.reply.append(reinterpret_cast<char*>(r), reply.len);
    }
    return out;
}

std::string encode(telnet::nvt& v, const std::string& in) {
    std::string out;
    size_t pos = 0;
    while (pos < in.size()) {
        uint8_t o[8];   // small: the encoder must stop and resume cleanly
        telnet::buffer b{o, sizeof o};
        size_t took = v.send(reinterpret_cast<const uint8_t*>(in.data()) + pos, in.size() - pos, b);
        CHECK(took > 0);
        pos += took;
        out.append(reinterpret_cast<char*>(o), b.len);
    }
    return out;
}

std::string opened(telnet::nvt& v) {
    uint8_t r[16];
    telnet::buffer reply{r, sizeof r};
    v.start(reply);
    return std::string(reinterpret_cast<char*>(r), reply.len);
}

std::string three(char verb, option o) { return std::string{IAC, verb, static_cast<char>(telnet::byte(o))}; }

}  // namespace

TEST_GROUP(telnet_nvt) {
    telnet::nvt v;
};

TEST(telnet_nvt, opening_offers_echo_and_sga) {
    STRCMP_EQUAL((three(WILL, option::echo) + three(WILL, option::sga)).c_str(), opened(v).c_str());
    CHECK_FALSE(v.local(option::echo));   // offered, not yet agreed
}

TEST(telnet_nvt, agreement_to_our_offer_is_not_answered) {
    opened(v);
    decoded d = feed(v, three(DO, option::echo) + three(DO, option::sga));
    CHECK(d.reply.empty());   // RFC 1143: an answer to an answer would loop
    CHECK(d.data.empty());
    CHECK(v.local(option::echo));
    CHECK(v.local(option::sga));
    // Said again: still nothing to answer.
    CHECK(feed(v, three(DO, option::echo)).reply.empty());
}

TEST(telnet_nvt, refused_offer_and_switching_off) {
    opened(v);
    CHECK(feed(v, three(DONT, option::echo)).reply.empty());   // our WILL refused
    CHECK_FALSE(v.local(option::echo));
    feed(v, three(DO, option::sga));
    STRCMP_EQUAL(three(WONT, option::sga).c_str(), feed(v, three(DONT, option::sga)).reply.c_str());
    CHECK_FALSE(v.local(option::sga));
    // Asked for again later: agreed again.
    STRCMP_EQUAL(three(WILL, option::sga).c_str(), feed(v, three(DO, option::sga)).reply.c_str());
}

TEST(telnet_nvt, client_options) {
    // SGA from the client is welcome; the terminal type, window size,
    // linemode and the rest are refused, once each.
    STRCMP_EQUAL(three(DO, option::sga).c_str(), feed(v, three(WILL, option::sga)).reply.c_str());
    CHECK(v.remote(option::sga));
    std::string asks = three(WILL, option::ttype) + three(WILL, option::naws) + three(WILL, option::linemode);
    std::string refusals = three(DONT, option::ttype) + three(DONT, option::naws) + three(DONT, option::linemode);
    STRCMP_EQUAL(refusals.c_str(), feed(v, asks).reply.c_str());
    CHECK(feed(v, three(WONT, option::ttype)).reply.empty());   // already off
    STRCMP_EQUAL(three(DONT, option::sga).c_str(), feed(v, three(WONT, option::sga)).reply.c_str());
    CHECK_FALSE(v.remote(option::sga));
    STRCMP_EQUAL(three(WONT, option::binary).c_str(), feed(v, three(DO, option::binary)).reply.c_str());
    LONGS_EQUAL(4, v.stats().refused);
}

TEST(telnet_nvt, iac_iac_is_a_data_byte) {
    decoded d = feed(v, std::string{'a', IAC, IAC, 'b'});
    STRCMP_EQUAL((std::string{'a', IAC, 'b'}).c_str(), d.data.c_str());
    LONGS_EQUAL(0, v.stats().commands);
}

TEST(telnet_nvt, commands_split_at_every_byte) {
    std::string input = std::string("ls") + three(DO, option::echo) + IAC + IAC + three(WILL, option::naws) +
                        IAC + SB + '\x18' + '\x00' + "xterm" + IAC + SE + "\r\n" + "ok" + IAC +
                        static_cast<char>(telnet::byte(cmd::nop)) + "\r";
    telnet::nvt whole;
    decoded all = feed(whole, input);
    std::string want_data = std::string("ls") + IAC + "\nok\n";
    STRCMP_EQUAL(want_data.c_str(), all.data.c_str());
    STRCMP_EQUAL((three(WILL, option::echo) + three(DONT, option::naws)).c_str(), all.reply.c_str());
    decoded one = feed(v, input, 1);
    STRCMP_EQUAL(all.data.c_str(), one.data.c_str());
    STRCMP_EQUAL(all.reply.c_str(), one.reply.c_str());
}

TEST(telnet_nvt, subnegotiation_skipped_whole) {
    // IAC IAC inside is an escaped 255, not the end; SE alone is data there.
    std::string input = std::string("a") + IAC + SB + '\x1f' + IAC + IAC + SE + '\x50' + IAC + SE + "b";
    decoded d = feed(v, input);
    STRCMP_EQUAL("ab", d.data.c_str());
    LONGS_EQUAL(4, v.stats().sb_bytes);
    CHECK(d.reply.empty());
}

TEST(telnet_nvt, unterminated_subnegotiation_ends_at_the_next_command) {
    std::string input = std::string(IAC + std::string(1, SB)) + "junk" + IAC + DO + '\x01' + "x";
    decoded d = feed(v, input);
    STRCMP_EQUAL("x", d.data.c_str());
    STRCMP_EQUAL(three(WILL, option::echo).c_str(), d.reply.c_str());
    LONGS_EQUAL(1, v.stats().bad);
}

TEST(telnet_nvt, newlines) {
    // CR NUL, CR LF and LF each end one line; CR alone ends it at once.
    decoded d = feed(v, std::string("a\r\0b\r\nc\nd\r", 10));
    STRCMP_EQUAL("a\nb\nc\nd\n", d.data.c_str());
    // The LF or NUL after a CR is dropped even in the next read.
    STRCMP_EQUAL("e", feed(v, std::string("\0e", 2)).data.c_str());
    // CR CR: two lines; NUL alone is nothing.
    STRCMP_EQUAL("\n\nf", feed(v, std::string("\r\r\0\0f", 5)).data.c_str());
}

TEST(telnet_nvt, editing_commands_become_the_shell_keys) {
    std::string input = std::string("ab") + IAC + static_cast<char>(telnet::byte(cmd::ec)) + IAC +
                        static_cast<char>(telnet::byte(cmd::el)) + IAC + static_cast<char>(telnet::byte(cmd::ip));
    STRCMP_EQUAL("ab\x7f\x15\x03", feed(v, input).data.c_str());
    decoded ayt = feed(v, std::string{IAC, static_cast<char>(telnet::byte(cmd::ayt))});
    STRCMP_EQUAL("\r\n[mipsnet: yes]\r\n", ayt.reply.c_str());
}

TEST(telnet_nvt, garbage_is_counted_not_fatal) {
    std::string junk;
    for (int i = 0; i < 4096; ++i) {
        junk += static_cast<char>((i * 7919 + 13) & 0xff);
    }
    decoded d = feed(v, junk, 3);
    CHECK(v.stats().bad > 0);
    // Whatever state the junk left, SE closes a subnegotiation, a NOP ends
    // a pending command, and the next line comes through.
    decoded after = feed(v, std::string{IAC, SE, IAC, static_cast<char>(telnet::byte(cmd::nop))} + "\nls\n");
    CHECK(after.data.find("ls\n") != std::string::npos);
}

TEST(telnet_nvt, stops_when_buffers_are_full) {
    uint8_t d[4], r[telnet::max_reply];
    telnet::buffer data{d, sizeof d}, reply{r, sizeof r};
    std::string input = "abcdefgh";
    LONGS_EQUAL(4, v.receive(reinterpret_cast<const uint8_t*>(input.data()), input.size(), data, reply));
    telnet::buffer small{r, telnet::max_reply - 1};
    data.len = 0;
    LONGS_EQUAL(0, v.receive(reinterpret_cast<const uint8_t*>(input.data()), input.size(), data, small));
}

TEST(telnet_nvt, output_encoding) {
    STRCMP_EQUAL("a\r\nb", encode(v, "a\nb").c_str());
    STRCMP_EQUAL("c\r\nd", encode(v, "c\r\nd").c_str());   // already CR LF: unchanged
    std::string bare = encode(v, "e\rf");
    LONGS_EQUAL(4, bare.size());
    CHECK(bare == std::string("e\r\0f", 4));
    std::string iac = encode(v, std::string{'x', IAC, 'y'});
    CHECK(iac == (std::string{'x', IAC, IAC, 'y'}));
    // A CR at the end of one write, its LF in the next.
    encode(v, "g\r");
    STRCMP_EQUAL("\n", encode(v, "\n").c_str());
}
