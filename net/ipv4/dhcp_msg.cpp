// DHCP message codec (RFC 2131 2 and 4.1, RFC 2132, RFC 3396).
#include "net/ipv4/dhcp_msg.h"

#include <string.h>

namespace {

uint32_t get32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

__be32 get_addr(const uint8_t* p) {
    __be32 a;
    memcpy(&a, p, 4);
    return a;
}

// One option occurrence, before concatenation.
struct segment {
    const uint8_t* p;
    uint8_t code;
    uint8_t len;
};

struct segment_list {
    static constexpr unsigned MAX = 400;   // a 1472-octet message holds at most ~700
    segment s[MAX];
    unsigned n = 0;
};

// Walks one area (RFC 2132 2): pad is one octet, end stops, anything else
// is code, length, value, and must fit. Option 52 is only legal in the
// main area (RFC 2131 4.1); there it is taken, elsewhere it is an error,
// which also rules out an overload loop.
dhcp_parse_err walk(const uint8_t* p, size_t n, bool main_area, bool end_required, segment_list* out,
                    uint8_t* overload) {
    size_t i = 0;
    while (i < n) {
        uint8_t code = p[i];
        if (code == static_cast<uint8_t>(dhcp_opt::pad)) {
            ++i;
            continue;
        }
        if (code == static_cast<uint8_t>(dhcp_opt::end)) {
            return dhcp_parse_err::ok;
        }
        if (i + 2 > n || i + 2 + p[i + 1] > n) {
            return dhcp_parse_err::truncated;
        }
        uint8_t len = p[i + 1];
        if (code == static_cast<uint8_t>(dhcp_opt::overload)) {
            if (!main_area || len != 1 || p[i + 2] < 1 || p[i + 2] > 3 || *overload) {
                return dhcp_parse_err::bad_overload;
            }
            *overload = p[i + 2];
        } else {
            if (out->n == segment_list::MAX) {
                return dhcp_parse_err::too_many;
            }
            out->s[out->n++] = {p + i + 2, code, len};
        }
        i += 2u + len;
    }
    // sname and file may simply be full; the main area needs its end.
    return end_required ? dhcp_parse_err::no_end : dhcp_parse_err::ok;
}

// RFC 3396 3: every occurrence of a code, in order, becomes one value.
dhcp_parse_err concatenate(const segment_list& segs, dhcp_options* o) {
    unsigned used = 0;
    for (unsigned i = 0; i < segs.n; ++i) {
        uint8_t c = segs.s[i].code;
        if (o->have[c]) {
            continue;  // gathered with its first occurrence
        }
        o->have[c] = true;
        o->off[c] = static_cast<uint16_t>(used);
        for (unsigned j = i; j < segs.n; ++j) {
            if (segs.s[j].code != c) {
                continue;
            }
            if (used + segs.s[j].len > dhcp_options::STORE) {
                return dhcp_parse_err::too_many;
            }
            memcpy(o->data + used, segs.s[j].p, segs.s[j].len);
            used += segs.s[j].len;
        }
        o->len[c] = static_cast<uint16_t>(used - o->off[c]);
    }
    return dhcp_parse_err::ok;
}

bool addr_list(const uint8_t* p, unsigned n, __be32* out, unsigned max) {
    if (n == 0 || n % 4) {
        return false;
    }
    for (unsigned i = 0; i < max && i * 4 < n; ++i) {
        out[i] = get_addr(p + 4 * i);
    }
    return true;
}

// Text options (RFC 2132 3.14, 3.17): NUL-free after trimming trailing
// NULs, which some servers append; cut to the buffer.
bool text(const uint8_t* p, unsigned n, char* out, size_t cap) {
    while (n && p[n - 1] == 0) {
        --n;
    }
    if (n == 0 || memchr(p, 0, n)) {
        return false;
    }
    size_t k = n < cap - 1 ? n : cap - 1;
    memcpy(out, p, k);
    out[k] = '\0';
    return true;
}

bool contiguous_mask(__be32 m) {
    uint32_t h = ntohl(m);
    return h != 0 && (~h & (~h + 1)) == 0;
}

}  // namespace

const char* dhcp_type_name(dhcp_type t) {
    static const char* const names[] = {"NONE", "DISCOVER", "OFFER", "REQUEST", "DECLINE",
                                        "ACK",  "NAK",      "RELEASE", "INFORM"};
    unsigned i = static_cast<unsigned>(t);
    return i < sizeof names / sizeof names[0] ? names[i] : "?";
}

const char* dhcp_parse_err_name(dhcp_parse_err e) {
    static const char* const names[] = {"ok",       "short",        "bad header", "bad cookie",  "truncated option",
                                        "no end option", "bad overload", "too many options", "bad option length",
                                        "no message type"};
    return names[static_cast<unsigned>(e)];
}

dhcp_parse_err dhcp_parse(const uint8_t* buf, size_t len, dhcp_header* h, dhcp_options* o) {
    memset(o->have, 0, sizeof o->have);
    memset(o->len, 0, sizeof o->len);
    o->overload = 0;
    if (len < DHCP_MIN_LEN) {
        return dhcp_parse_err::short_msg;
    }
    h->op = buf[0];
    h->htype = buf[1];
    h->hlen = buf[2];
    h->hops = buf[3];
    h->xid = get32(buf + 4);
    h->secs = static_cast<uint16_t>((buf[8] << 8) | buf[9]);
    h->flags = static_cast<uint16_t>((buf[10] << 8) | buf[11]);
    h->ciaddr = get_addr(buf + 12);
    h->yiaddr = get_addr(buf + 16);
    h->siaddr = get_addr(buf + 20);
    h->giaddr = get_addr(buf + 24);
    memcpy(h->chaddr, buf + 28, 16);
    if (h->op != BOOTREPLY || h->htype != DHCP_HTYPE_ETHER || h->hlen != 6) {
        return dhcp_parse_err::bad_header;
    }
    if (get32(buf + DHCP_FIXED_LEN) != DHCP_MAGIC_COOKIE) {
        return dhcp_parse_err::bad_cookie;
    }
    static segment_list segs;   // one parse at a time: the DHCP thread's, or a test's
    segs.n = 0;
    dhcp_parse_err e = walk(buf + DHCP_OPTIONS_OFFSET, len - DHCP_OPTIONS_OFFSET, true, true, &segs, &o->overload);
    if (e == dhcp_parse_err::ok && (o->overload & 1)) {
        e = walk(buf + DHCP_FILE_OFFSET, DHCP_FILE_LEN, false, false, &segs, &o->overload);
    }
    if (e == dhcp_parse_err::ok && (o->overload & 2)) {
        e = walk(buf + DHCP_SNAME_OFFSET, DHCP_SNAME_LEN, false, false, &segs, &o->overload);
    }
    if (e != dhcp_parse_err::ok) {
        return e;
    }
    return concatenate(segs, o);
}

dhcp_parse_err dhcp_decode(const dhcp_options& o, dhcp_info* info) {
    *info = dhcp_info{};
    unsigned n;
    const uint8_t* p = o.get(dhcp_opt::msg_type, &n);
    if (!p || n != 1 || p[0] < 1 || p[0] > 8) {
        return dhcp_parse_err::no_type;
    }
    info->type = static_cast<dhcp_type>(p[0]);
    auto addr = [&](dhcp_opt code, __be32* out) {
        const uint8_t* v = o.get(code, &n);
        if (!v) {
            return true;
        }
        if (n != 4) {
            return false;
        }
        *out = get_addr(v);
        return true;
    };
    auto secs = [&](dhcp_opt code, uint32_t* out) {
        const uint8_t* v = o.get(code, &n);
        if (!v) {
            return true;
        }
        if (n != 4) {
            return false;
        }
        *out = get32(v);
        return true;
    };
    auto list = [&](dhcp_opt code, __be32* out, unsigned max) {
        const uint8_t* v = o.get(code, &n);
        return !v || addr_list(v, n, out, max);
    };
    auto str = [&](dhcp_opt code, char* out, size_t cap) {
        const uint8_t* v = o.get(code, &n);
        return !v || text(v, n, out, cap);
    };
    bool ok = addr(dhcp_opt::server_id, &info->server_id) && addr(dhcp_opt::subnet_mask, &info->netmask) &&
              addr(dhcp_opt::broadcast, &info->broadcast) && list(dhcp_opt::router, &info->router, 1) &&
              list(dhcp_opt::dns, info->dns, 3) && list(dhcp_opt::ntp, info->ntp, 3) &&
              secs(dhcp_opt::lease_time, &info->lease) && secs(dhcp_opt::t1, &info->t1) &&
              secs(dhcp_opt::t2, &info->t2) && str(dhcp_opt::hostname, info->hostname, sizeof info->hostname) &&
              str(dhcp_opt::domain, info->domain, sizeof info->domain) &&
              str(dhcp_opt::message, info->message, sizeof info->message);
    if (!ok || (info->netmask && !contiguous_mask(info->netmask))) {
        return dhcp_parse_err::bad_length;
    }
    info->have_lease = o.has(dhcp_opt::lease_time);
    return dhcp_parse_err::ok;
}

dhcp_builder::dhcp_builder(uint8_t* buf, size_t cap) : buf_(buf), cap_(cap), pos_(0) {}

void dhcp_builder::header(uint32_t xid, uint16_t secs, __be32 ciaddr, const uint8_t* mac, bool broadcast) {
    if (cap_ < DHCP_OPTIONS_OFFSET) {
        overflow_ = true;
        return;
    }
    memset(buf_, 0, DHCP_OPTIONS_OFFSET);
    buf_[0] = BOOTREQUEST;
    buf_[1] = DHCP_HTYPE_ETHER;
    buf_[2] = 6;
    for (unsigned i = 0; i < 4; ++i) {
        buf_[4 + i] = static_cast<uint8_t>(xid >> (24 - 8 * i));
        buf_[DHCP_FIXED_LEN + i] = static_cast<uint8_t>(DHCP_MAGIC_COOKIE >> (24 - 8 * i));
    }
    buf_[8] = static_cast<uint8_t>(secs >> 8);
    buf_[9] = static_cast<uint8_t>(secs);
    buf_[10] = broadcast ? static_cast<uint8_t>(DHCP_BROADCAST_FLAG >> 8) : 0;
    memcpy(buf_ + 12, &ciaddr, 4);
    memcpy(buf_ + 28, mac, 6);
    pos_ = DHCP_OPTIONS_OFFSET;
}

void dhcp_builder::option(dhcp_opt code, const void* data, size_t n) {
    if (overflow_ || n > 255 || pos_ + 2 + n + 1 > cap_) {  // +1: room for the end option
        overflow_ = true;
        return;
    }
    buf_[pos_] = static_cast<uint8_t>(code);
    buf_[pos_ + 1] = static_cast<uint8_t>(n);
    memcpy(buf_ + pos_ + 2, data, n);
    pos_ += 2 + n;
}

void dhcp_builder::option16(dhcp_opt code, uint16_t v) {
    uint8_t b[2] = {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
    option(code, b, 2);
}

size_t dhcp_builder::finish() {
    if (overflow_ || pos_ < DHCP_OPTIONS_OFFSET || pos_ + 1 > cap_) {
        return 0;
    }
    buf_[pos_++] = static_cast<uint8_t>(dhcp_opt::end);
    constexpr size_t bootp_min = 300;
    if (pos_ < bootp_min && cap_ >= bootp_min) {
        memset(buf_ + pos_, 0, bootp_min - pos_);
        pos_ = bootp_min;
    }
    return pos_;
}
