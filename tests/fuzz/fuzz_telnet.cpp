// Bytes -> telnetd's NVT codec (apps/telnet/nvt.cpp) as a session meets
// them. The input is records: a kind byte, a size byte, a length byte and
// that many bytes.
//   kind % 4 = 0, 1: bytes from the peer, decoded in pieces of 1 + kind / 4
//     bytes into a data buffer of 1 + size % 64 bytes and a reply buffer of
//     max_reply + size / 64 * 8 (at size / 64 = 3, first one too small to
//     take anything);
//   kind % 4 = 2: the shell's output, encoded in pieces of 1 + kind / 4
//     into an out buffer of 3 + size % 64 bytes, or (size / 64 = 3) of the
//     size telnetd gives it, which must take the piece whole;
//   kind % 4 = 3: requests of an honest client (RFC 1143's Q method) to a
//     codec of its own, as (action, option) pairs; the client takes the
//     server's offers if the input's first byte is odd.
// A second codec takes the bytes of kinds 0-2 whole: the split must not
// change a byte of what comes out. Checked besides: each call takes
// something and stays in its buffers; the data for the shell is never
// more than the bytes taken and holds no CR or NUL; the replies are whole
// commands or the AYT answer, no more than the commands that asked for
// them, WILL only for ECHO and SGA, DO only for SGA; a call that took one
// byte answered exactly the state change it made (RFC 1143: no answer to
// what changes nothing, so no loops); every option in the RFC 1143
// states the server can reach; the encoded output, decoded,
// is the shell's output (IAC doubled, CR LF / CR NUL), no IAC undoubled;
// with the honest client every exchange ends, RFC 1143's error cases never
// come, and then both sides see each option the same.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <string>

#include "apps/telnet/nvt.h"

namespace {

using telnet::byte;
using telnet::cmd;
using telnet::option;
using telnet::q;

constexpr uint8_t IAC = byte(cmd::iac), CR = '\r', LF = '\n';
constexpr char ayt_answer[] = "\r\n[mipsnet: yes]\r\n";

void check(bool ok) {
    if (!ok) {
        abort();
    }
}

// A buffer of exactly cap bytes on the heap, so ASan sees a write past it.
struct heap_buffer {
    uint8_t* mem;
    telnet::buffer b;
    explicit heap_buffer(size_t cap) : mem(static_cast<uint8_t*>(malloc(cap ? cap : 1))), b{mem, cap} {}
    ~heap_buffer() { free(mem); }
    void append_to(std::string& s) const { s.append(reinterpret_cast<const char*>(mem), b.len); }
};

void check_options(const telnet::nvt& v) {
    for (int o = 0; o < 256; ++o) {
        auto opt = static_cast<uint8_t>(o);
        bool ours = opt == byte(option::echo) || opt == byte(option::sga);
        q us = v.local_state(opt), him = v.remote_state(opt);
        // The server offers ECHO and SGA (want_yes until answered), never
        // withdraws one (want_no), never asks the client for anything.
        check(us == q::no || (ours && (us == q::yes || us == q::want_yes)));
        check(him == q::no || (opt == byte(option::sga) && him == q::yes));
    }
}

// Every option's state on both sides, at one moment.
struct states {
    q us[256], him[256];
    explicit states(const telnet::nvt& v) {
        for (int o = 0; o < 256; ++o) {
            us[o] = v.local_state(static_cast<uint8_t>(o));
            him[o] = v.remote_state(static_cast<uint8_t>(o));
        }
    }
};

// One byte taken completes at most one command, so what it answered can be
// held against what it changed (RFC 1143 section 7): WILL only for NO to
// YES, WONT only for YES to NO or a refusal that leaves NO (DO and DONT
// the same for the client's side), and those two changes never silent.
void check_answer(const states& before, const states& after, const uint8_t* r, size_t n) {
    bool triple = n == 3 && r[0] == IAC;
    auto verb = triple ? static_cast<cmd>(r[1]) : cmd::nop;
    uint8_t opt = triple ? r[2] : 0;
    for (int o = 0; o < 256; ++o) {
        for (bool ours : {true, false}) {
            q was = ours ? before.us[o] : before.him[o], is = ours ? after.us[o] : after.him[o];
            cmd on = ours ? cmd::will_ : cmd::do_, off = ours ? cmd::wont : cmd::dont;
            bool answered_on = verb == on && opt == o, answered_off = verb == off && opt == o;
            check(answered_on == (was == q::no && is == q::yes));
            check(!answered_off || (is == q::no && (was == q::yes || was == q::no)));
            check(answered_off || !(was == q::yes && is == q::no));
        }
    }
}

// Replies: IAC verb option triples and AYT answers only. Returns how many
// triples.
unsigned long check_replies(const std::string& r) {
    unsigned long triples = 0;
    for (size_t i = 0; i < r.size();) {
        if (static_cast<uint8_t>(r[i]) == IAC) {
            check(i + 3 <= r.size());
            auto verb = static_cast<cmd>(static_cast<uint8_t>(r[i + 1]));
            auto opt = static_cast<uint8_t>(r[i + 2]);
            check(verb == cmd::will_ || verb == cmd::wont || verb == cmd::do_ || verb == cmd::dont);
            check(verb != cmd::will_ || opt == byte(option::echo) || opt == byte(option::sga));
            check(verb != cmd::do_ || opt == byte(option::sga));
            ++triples;
            i += 3;
        } else {
            check(r.compare(i, sizeof ayt_answer - 1, ayt_answer) == 0);
            i += sizeof ayt_answer - 1;
        }
    }
    return triples;
}

// The wire decoded as a client does; every IAC must be doubled, every CR
// followed by LF or NUL (or be the last byte, its partner still to come),
// no LF bare.
std::string decode_wire(const std::string& w) {
    std::string out;
    for (size_t i = 0; i < w.size(); ++i) {
        auto b = static_cast<uint8_t>(w[i]);
        if (b == IAC) {
            check(i + 1 < w.size() && static_cast<uint8_t>(w[i + 1]) == IAC);
            ++i;
        } else if (b == CR && i + 1 < w.size()) {
            char next = w[++i];
            check(next == LF || next == '\0');
            b = next == LF ? LF : CR;
        } else {
            check(b != LF);
        }
        out += static_cast<char>(b);
    }
    return out;
}

// The shell's output as the client sees it: its own CR LF is a newline.
std::string normalized(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
            continue;
        }
        out += s[i];
    }
    return out;
}

struct session {
    telnet::nvt split, whole;
    std::string data_s, data_w, reply_s, reply_w, wire_s, wire_w, shell_out;

    session() {
        for (telnet::nvt* v : {&split, &whole}) {
            heap_buffer r(6);
            v->start(r.b);
            check(r.b.len == 6);
            r.append_to(v == &split ? reply_s : reply_w);
        }
    }

    void receive(const uint8_t* in, size_t n, size_t piece, size_t dcap, size_t rcap, bool short_first) {
        for (size_t pos = 0; pos < n;) {
            size_t len = n - pos < piece ? n - pos : piece;
            if (short_first) {
                heap_buffer d(dcap), r(telnet::max_reply - 1);
                check(split.receive(in + pos, len, d.b, r.b) == 0 && d.b.len == 0 && r.b.len == 0);
            }
            heap_buffer d(dcap), r(rcap);
            states before(split);
            size_t took = split.receive(in + pos, len, d.b, r.b);
            check(took >= 1 && took <= len && d.b.len <= took && d.b.len <= dcap && r.b.len <= rcap);
            check(!memchr(d.mem, CR, d.b.len) && !memchr(d.mem, '\0', d.b.len));
            if (took == 1) {
                check_answer(before, states(split), r.mem, r.b.len);
            }
            d.append_to(data_s);
            r.append_to(reply_s);
            check_options(split);
            pos += took;
        }
        heap_buffer d(n + 1), r((n + 1) * telnet::max_reply);
        check(whole.receive(in, n, d.b, r.b) == n);
        d.append_to(data_w);
        r.append_to(reply_w);
    }

    void send(const uint8_t* in, size_t n, size_t piece, size_t ocap, bool as_telnetd) {
        shell_out.append(reinterpret_cast<const char*>(in), n);
        for (size_t pos = 0; pos < n;) {
            size_t len = n - pos < piece ? n - pos : piece;
            // telnetd reads (room - 2) / 2 bytes of the shell's output for
            // room bytes of out, and counts on all of them going in.
            size_t cap = as_telnetd ? 2 * len + 2 : ocap;
            heap_buffer o(cap);
            size_t took = split.send(in + pos, len, o.b);
            check(took >= 1 && took <= len && o.b.len <= cap && (!as_telnetd || took == len));
            o.append_to(wire_s);
            pos += took;
        }
        heap_buffer o(2 * n + 2);
        check(whole.send(in, n, o.b) == n);
        o.append_to(wire_w);
    }

    void same() const {
        check(data_s == data_w && reply_s == reply_w && wire_s == wire_w);
        check(check_replies(reply_s) <= split.stats().commands + 2);   // + the opening's two
    }
};

// An honest client: RFC 1143 section 7 in full (queue bits too), asking
// for options on either side as the record's bytes say, and agreeing to
// the server's WILL as its policy says. With it the exchange must end, and
// then both sides must hold the same view of every option.
class client {
public:
    explicit client(bool agree) : agree_(agree) {}

    // Pairs (action, option): action % 4 = 0 enable ours (WILL), 1 disable
    // ours, 2 enable the server's (DO), 3 disable the server's.
    void ask(const uint8_t* in, size_t n) {
        for (size_t i = 0; i + 1 < n; i += 2) {
            uint8_t o = in[i + 1];
            switch (in[i] % 4) {
            case 0: request_on(us_[o], usq_[o], cmd::will_, o); break;
            case 1: request_off(us_[o], usq_[o], cmd::wont, o); break;
            case 2: request_on(him_[o], himq_[o], cmd::do_, o); break;
            case 3: request_off(him_[o], himq_[o], cmd::dont, o); break;
            }
        }
    }

    // The server's replies: whole commands, AYT text, nothing else here.
    void receive(const std::string& r) {
        for (size_t i = 0; i + 3 <= r.size(); i += 3) {
            check(static_cast<uint8_t>(r[i]) == IAC);
            auto verb = static_cast<cmd>(static_cast<uint8_t>(r[i + 1]));
            auto o = static_cast<uint8_t>(r[i + 2]);
            switch (verb) {
            case cmd::will_: on_yes(him_[o], himq_[o], cmd::do_, cmd::dont, o, agree_); break;
            case cmd::wont: on_no(him_[o], himq_[o], cmd::do_, cmd::dont, o); break;
            case cmd::do_: on_yes(us_[o], usq_[o], cmd::will_, cmd::wont, o, false); break;
            case cmd::dont: on_no(us_[o], usq_[o], cmd::will_, cmd::wont, o); break;
            default: check(false);
            }
        }
        check(r.size() % 3 == 0);
    }

    std::string take() {
        std::string out;
        out.swap(out_);
        return out;
    }

    // Quiet: nothing pending, and the server's view the same as ours.
    void agrees_with(const telnet::nvt& v) const {
        for (int i = 0; i < 256; ++i) {
            auto o = static_cast<uint8_t>(i);
            check(us_[o] == q::no || us_[o] == q::yes);
            check(him_[o] == q::no || him_[o] == q::yes);
            check(!usq_[o] && !himq_[o]);
            check(v.remote_state(o) == us_[o] && v.local_state(o) == him_[o]);
        }
    }

private:
    void put(cmd verb, uint8_t o) { out_ += std::string{static_cast<char>(IAC), static_cast<char>(byte(verb)), static_cast<char>(o)}; }

    void request_on(q& s, bool& opposite, cmd verb, uint8_t o) {
        switch (s) {
        case q::no: s = q::want_yes; put(verb, o); break;
        case q::yes: break;                                   // already on
        case q::want_no: opposite = true; break;              // after the answer
        case q::want_yes: opposite = false; break;
        }
    }

    void request_off(q& s, bool& opposite, cmd verb, uint8_t o) {
        switch (s) {
        case q::no: break;
        case q::yes: s = q::want_no; put(verb, o); break;
        case q::want_no: opposite = false; break;
        case q::want_yes: opposite = true; break;
        }
    }

    // WILL (for him) or DO (for us). An honest server never answers our
    // "no" with a "yes": that is RFC 1143's error case, checked.
    void on_yes(q& s, bool& opposite, cmd yes, cmd no, uint8_t o, bool agree) {
        switch (s) {
        case q::no:
            if (agree) {
                s = q::yes;
                put(yes, o);
            } else {
                put(no, o);
            }
            break;
        case q::yes: break;
        case q::want_no: check(false); break;
        case q::want_yes:
            if (opposite) {
                s = q::want_no;
                opposite = false;
                put(no, o);
            } else {
                s = q::yes;
            }
            break;
        }
    }

    void on_no(q& s, bool& opposite, cmd yes, cmd no, uint8_t o) {
        switch (s) {
        case q::no: break;
        case q::yes: s = q::no; put(no, o); break;
        case q::want_no:
            if (opposite) {
                s = q::want_yes;
                opposite = false;
                put(yes, o);
            } else {
                s = q::no;
            }
            break;
        case q::want_yes:
            s = q::no;
            opposite = false;
            break;
        }
    }

    bool agree_;
    q us_[256] = {}, him_[256] = {};
    bool usq_[256] = {}, himq_[256] = {};
    std::string out_;
};

// A second session for the honest client: its opening, then the client's
// requests, each exchange run until both are quiet.
struct negotiation {
    telnet::nvt server;
    client peer;
    bool opened = false;

    explicit negotiation(bool agree) : peer(agree) {}

    void run(const uint8_t* asks, size_t n) {
        std::string to_client;
        if (!opened) {
            heap_buffer r(6);
            server.start(r.b);
            r.append_to(to_client);
            opened = true;
        }
        peer.ask(asks, n);
        for (int round = 0;; ++round) {
            check(round < 8);   // RFC 1143: no loops
            peer.receive(to_client);
            std::string to_server = peer.take();
            if (to_server.empty()) {
                break;
            }
            heap_buffer d(to_server.size()), r((to_server.size() + 1) * telnet::max_reply);
            check(server.receive(reinterpret_cast<const uint8_t*>(to_server.data()), to_server.size(), d.b, r.b) ==
                  to_server.size());
            check(d.b.len == 0);
            to_client.clear();
            r.append_to(to_client);
            check_options(server);
        }
        peer.agrees_with(server);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    session s;
    negotiation honest(size > 0 && data[0] & 1);
    size_t off = 0;
    while (off + 3 <= size) {
        uint8_t kind = data[off], sz = data[off + 1];
        size_t len = data[off + 2];
        off += 3;
        if (len > size - off) {
            len = size - off;
        }
        const uint8_t* bytes = data + off;
        off += len;
        size_t piece = 1 + kind / 4u;
        switch (kind % 4) {
        case 0:
        case 1:
            s.receive(bytes, len, piece, 1 + sz % 64u, telnet::max_reply + sz / 64u * 8, sz / 64 == 3);
            break;
        case 2: s.send(bytes, len, piece, 3 + sz % 64u, sz / 64 == 3); break;
        case 3: honest.run(bytes, len); break;
        }
        s.same();
    }
    check(decode_wire(s.wire_s) == normalized(s.shell_out));
    return 0;
}
