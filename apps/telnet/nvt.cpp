#include "apps/telnet/nvt.h"

namespace telnet {

namespace {

constexpr uint8_t CR = '\r', LF = '\n', NUL = 0;
constexpr uint8_t ETX = 0x03;   // ^C: what the shell takes for an interrupt
constexpr uint8_t NAK = 0x15;   // ^U: the shell's erase line
constexpr uint8_t DEL = 0x7f;   // the shell's erase character
constexpr const char ayt_answer[] = "\r\n[mipsnet: yes]\r\n";
static_assert(sizeof ayt_answer - 1 <= max_reply);

// Options we perform (RFC 857 section "DESCRIPTION": the server echoes;
// RFC 858: no go-aheads from us) and the one we let the client perform.
bool local_ok(uint8_t o) { return o == byte(option::echo) || o == byte(option::sga); }
bool remote_ok(uint8_t o) { return o == byte(option::sga); }

void put3(buffer& out, cmd verb, uint8_t opt) {
    out.put(byte(cmd::iac));
    out.put(byte(verb));
    out.put(opt);
}

}  // namespace

void nvt::start(buffer& reply) {
    constexpr option offered[] = {option::echo, option::sga};
    for (option o : offered) {
        us_[byte(o)] = q::want_yes;
        put3(reply, cmd::will_, byte(o));
    }
}

// RFC 1143 section 7, the "us" side: DO and DONT from the client.
void nvt::on_do(uint8_t opt, buffer& reply) {
    q& s = us_[opt];
    switch (s) {
    case q::no:
        if (local_ok(opt)) {
            s = q::yes;
            put3(reply, cmd::will_, opt);
        } else {
            ++stats_.refused;
            put3(reply, cmd::wont, opt);
        }
        break;
    case q::yes: break;                  // already on: no answer
    case q::want_no: s = q::no; break;   // our WONT answered by DO
    case q::want_yes: s = q::yes; break; // our WILL accepted
    }
}

void nvt::on_dont(uint8_t opt, buffer& reply) {
    q& s = us_[opt];
    if (s == q::yes) {
        put3(reply, cmd::wont, opt);
    }
    s = q::no;   // from want_yes: our WILL refused
}

// The "him" side: WILL and WONT from the client.
void nvt::on_will(uint8_t opt, buffer& reply) {
    q& s = him_[opt];
    switch (s) {
    case q::no:
        if (remote_ok(opt)) {
            s = q::yes;
            put3(reply, cmd::do_, opt);
        } else {
            ++stats_.refused;
            put3(reply, cmd::dont, opt);
        }
        break;
    case q::yes: break;
    case q::want_no: s = q::no; break;
    case q::want_yes: s = q::yes; break;
    }
}

void nvt::on_wont(uint8_t opt, buffer& reply) {
    q& s = him_[opt];
    if (s == q::yes) {
        put3(reply, cmd::dont, opt);
    }
    s = q::no;
}

void nvt::negotiate(st verb, uint8_t opt, buffer& reply) {
    switch (verb) {
    case st::will_: on_will(opt, reply); break;
    case st::wont: on_wont(opt, reply); break;
    case st::do_: on_do(opt, reply); break;
    case st::dont: on_dont(opt, reply); break;
    default: break;
    }
}

// RFC 854 "THE NVT PRINTER AND KEYBOARD": CR LF is the newline and CR NUL a
// bare carriage return; both end the shell's line, and so does a bare LF
// (clients that send one). The newline goes up at the CR, so a client that
// sends CR alone is not kept waiting; the LF or NUL after it is dropped.
void nvt::data_byte(uint8_t b, buffer& data) {
    bool after_cr = after_cr_;
    after_cr_ = false;
    if (after_cr && (b == LF || b == NUL)) {
        return;
    }
    if (b == CR) {
        after_cr_ = true;
        data.put(LF);
    } else if (b != NUL) {   // NUL is a no-operation for the NVT printer
        data.put(b);
    }
}

// The byte after an IAC.
void nvt::command(uint8_t c, buffer& data, buffer& reply) {
    state_ = st::data;
    if (c == byte(cmd::iac)) {
        data_byte(c, data);   // IAC IAC: a data byte 255
        return;
    }
    ++stats_.commands;
    switch (static_cast<cmd>(c)) {
    case cmd::will_: state_ = st::will_; break;
    case cmd::wont: state_ = st::wont; break;
    case cmd::do_: state_ = st::do_; break;
    case cmd::dont: state_ = st::dont; break;
    case cmd::sb: state_ = st::sb; break;
    // The NVT's standard functions as the shell's own editing keys.
    case cmd::ip: data.put(ETX); break;
    case cmd::ec: data.put(DEL); break;
    case cmd::el: data.put(NAK); break;
    case cmd::ayt:
        for (const char* p = ayt_answer; *p; ++p) {
            reply.put(static_cast<uint8_t>(*p));
        }
        break;
    case cmd::nop:
    case cmd::dm:
    case cmd::brk:
    case cmd::ao:
    case cmd::ga:
        break;
    case cmd::se:     // SE with no SB open
    default:          // 0-239: not a command
        --stats_.commands;
        ++stats_.bad;
        break;
    }
}

size_t nvt::receive(const uint8_t* in, size_t n, buffer& data, buffer& reply) {
    size_t i = 0;
    for (; i < n && data.room() > 0 && reply.room() >= max_reply; ++i) {
        uint8_t b = in[i];
        switch (state_) {
        case st::data:
            if (b == byte(cmd::iac)) {
                state_ = st::iac;
            } else {
                data_byte(b, data);
            }
            break;
        case st::iac: command(b, data, reply); break;
        case st::will_:
        case st::wont:
        case st::do_:
        case st::dont:
            negotiate(state_, b, reply);
            state_ = st::data;
            break;
        // RFC 855: a subnegotiation runs to IAC SE, IAC IAC inside it being
        // a data 255. None is asked for, so every one is skipped whole.
        case st::sb:
            if (b == byte(cmd::iac)) {
                state_ = st::sb_iac;
            } else {
                ++stats_.sb_bytes;
            }
            break;
        case st::sb_iac:
            if (b == byte(cmd::se)) {
                state_ = st::data;
            } else if (b == byte(cmd::iac)) {
                ++stats_.sb_bytes;
                state_ = st::sb;
            } else {
                // An unterminated subnegotiation: end it there and take
                // the byte as the command it names (as BSD telnetd does).
                ++stats_.bad;
                command(b, data, reply);
            }
            break;
        }
    }
    return i;
}

size_t nvt::send(const uint8_t* in, size_t n, buffer& out) {
    size_t i = 0;
    for (; i < n && out.room() >= 3; ++i) {
        uint8_t b = in[i];
        if (out_cr_) {
            out_cr_ = false;
            if (b == LF) {
                out.put(LF);   // the app's own CR LF goes out as it is
                continue;
            }
            out.put(NUL);      // CR NUL: a carriage return alone
        }
        if (b == LF) {
            out.put(CR);
            out.put(LF);
        } else if (b == CR) {
            out.put(CR);
            out_cr_ = true;
        } else if (b == byte(cmd::iac)) {
            out.put(byte(cmd::iac));
            out.put(byte(cmd::iac));
        } else {
            out.put(b);
        }
    }
    return i;
}

}  // namespace telnet
