// The Telnet network virtual terminal (RFC 854) for a server: the bytes a
// client sends decoded into what the shell reads (commands taken out, the
// options answered: RFC 857 ECHO and RFC 858 SUPPRESS-GO-AHEAD on our side,
// SUPPRESS-GO-AHEAD on the client's, every other option refused), and the
// shell's output encoded for the wire. Option states follow RFC 1143's Q
// method (no answer to a request that changes nothing, so no loops). Pure
// byte work: no I/O, no allocation.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace telnet {

// RFC 854, "TELNET COMMAND STRUCTURE".
enum class cmd : uint8_t {
    se = 240,     // end of subnegotiation
    nop = 241,
    dm = 242,     // data mark (the Synch)
    brk = 243,
    ip = 244,     // interrupt process
    ao = 245,     // abort output
    ayt = 246,    // are you there
    ec = 247,     // erase character
    el = 248,     // erase line
    ga = 249,     // go ahead
    sb = 250,     // subnegotiation begins
    will_ = 251,
    wont = 252,
    do_ = 253,
    dont = 254,
    iac = 255,
};

enum class option : uint8_t {
    binary = 0,          // RFC 856
    echo = 1,            // RFC 857
    sga = 3,             // RFC 858
    status = 5,          // RFC 859
    timing_mark = 6,     // RFC 860
    ttype = 24,          // RFC 1091
    naws = 31,           // RFC 1073
    linemode = 34,       // RFC 1184
    new_environ = 39,    // RFC 1572
};

constexpr uint8_t byte(cmd c) { return static_cast<uint8_t>(c); }
constexpr uint8_t byte(option o) { return static_cast<uint8_t>(o); }

// A byte buffer filled by the codec: p[0, len) used of cap.
struct buffer {
    uint8_t* p;
    size_t cap;
    size_t len = 0;
    size_t room() const { return cap - len; }
    void put(uint8_t b) { p[len++] = b; }
};

// The most one input byte can add to the reply buffer (the AYT answer).
constexpr size_t max_reply = 24;

// What the codec saw that it did not take: counted, never fatal.
struct nvt_stats {
    unsigned long commands = 0;      // IAC commands other than IAC IAC
    unsigned long refused = 0;       // options we answered WONT or DONT
    unsigned long sb_bytes = 0;      // subnegotiation bytes skipped
    unsigned long bad = 0;           // IAC then an undefined code, SE outside SB
};

// One option's state on one side, RFC 1143 section 7 ("us" or "him").
enum class q : uint8_t { no, yes, want_no, want_yes };

class nvt {
public:
    // The server's opening: IAC WILL ECHO, IAC WILL SGA (the client goes to
    // character at a time, leaving the echo to us). reply needs 6 bytes.
    void start(buffer& reply);

    // Decodes in[0, n): data for the shell into data, answers for the
    // client into reply. Stops early when data is full or reply has less
    // than max_reply left; returns the bytes it took. State carries over,
    // so a command may be split between calls anywhere.
    size_t receive(const uint8_t* in, size_t n, buffer& data, buffer& reply);

    // Encodes in[0, n) for the wire into out: LF as CR LF, a CR not before
    // LF as CR NUL, IAC doubled. Stops when out has less than 3 bytes
    // left; returns the bytes it took.
    size_t send(const uint8_t* in, size_t n, buffer& out);

    bool local(option o) const { return us_[byte(o)] == q::yes; }    // we do o
    bool remote(option o) const { return him_[byte(o)] == q::yes; }  // the client does o
    q local_state(uint8_t o) const { return us_[o]; }    // RFC 1143's "us"
    q remote_state(uint8_t o) const { return him_[o]; }  // and "him"
    const nvt_stats& stats() const { return stats_; }

private:
    enum class st : uint8_t { data, iac, will_, wont, do_, dont, sb, sb_iac };

    void command(uint8_t c, buffer& data, buffer& reply);
    void negotiate(st verb, uint8_t opt, buffer& reply);
    void on_do(uint8_t opt, buffer& reply);
    void on_dont(uint8_t opt, buffer& reply);
    void on_will(uint8_t opt, buffer& reply);
    void on_wont(uint8_t opt, buffer& reply);
    void data_byte(uint8_t b, buffer& data);

    st state_ = st::data;
    bool after_cr_ = false;       // input: a CR was taken as the newline
    bool out_cr_ = false;         // output: a CR went out, its partner not yet
    q us_[256] = {};
    q him_[256] = {};
    nvt_stats stats_;
};

}  // namespace telnet
