// DNS message codec (RFC 1035 4.1: header, question, resource records;
// 4.1.4 compression).
#include "libc/resolv/dns_msg.h"

#include <string.h>

namespace dns {

namespace {

constexpr uint8_t FLAG_QR = 0x80;
constexpr uint8_t FLAG_TC = 0x02;
constexpr uint8_t FLAG_RD = 0x01;

uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t get32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
void put16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Name in wire form into buf; its length, 0 when invalid.
size_t encode_name(const char* name, uint8_t* buf, size_t cap) {
    size_t n = strlen(name);
    if (n && name[n - 1] == '.') {
        --n;   // an absolute name
    }
    if (n == 0 || n > MAX_NAME - 2 || n + 2 > cap) {
        return 0;
    }
    size_t pos = 0;
    size_t start = 0;
    for (size_t i = 0; i <= n; ++i) {
        if (i == n || name[i] == '.') {
            size_t label = i - start;
            if (label == 0 || label > MAX_LABEL) {
                return 0;
            }
            buf[pos++] = static_cast<uint8_t>(label);
            memcpy(buf + pos, name + start, label);
            pos += label;
            start = i + 1;
        }
    }
    buf[pos++] = 0;
    return pos;
}

err rcode_error(uint8_t rcode) {
    switch (rcode) {
    case 0: return err::ok;
    case 1: return err::format_error;
    case 2: return err::server_failure;
    case 3: return err::nxdomain;
    default: return err::refused;
    }
}

struct record {
    char owner[MAX_NAME + 1];
    uint16_t type, klass;
    uint32_t ttl;
    size_t rdata, rdlen;
};

err read_record(const uint8_t* msg, size_t len, size_t* off, record* r) {
    err e = read_name(msg, len, *off, r->owner, off);
    if (e != err::ok) {
        return e;
    }
    if (*off + 10 > len) {
        return err::short_msg;
    }
    r->type = get16(msg + *off);
    r->klass = get16(msg + *off + 2);
    r->ttl = get32(msg + *off + 4);
    r->rdlen = get16(msg + *off + 8);
    r->rdata = *off + 10;
    if (r->rdata + r->rdlen > len) {
        return err::bad_record;
    }
    *off = r->rdata + r->rdlen;
    return err::ok;
}

}  // namespace

const char* err_name(err e) {
    static const char* const names[] = {"ok",           "bad name",     "no room",       "short message",
                                        "wrong id",     "not a response", "wrong question", "bad compression pointer",
                                        "bad record",   "FORMERR",      "SERVFAIL",      "NXDOMAIN",
                                        "REFUSED",      "no data",      "CNAME chain too long"};
    return names[static_cast<unsigned>(e)];
}

bool name_equal(const char* a, const char* b) {
    size_t la = strlen(a), lb = strlen(b);
    la -= la && a[la - 1] == '.';
    lb -= lb && b[lb - 1] == '.';
    if (la != lb) {
        return false;
    }
    for (size_t i = 0; i < la; ++i) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

err read_name(const uint8_t* msg, size_t len, size_t off, char* out, size_t* next) {
    size_t pos = off;
    size_t produced = 0;   // octets of the name in wire form so far
    size_t limit = off;    // a pointer must go below every place already read
    bool jumped = false;
    out[0] = '\0';
    size_t o = 0;
    for (;;) {
        if (pos >= len) {
            return err::short_msg;
        }
        uint8_t c = msg[pos];
        if ((c & 0xc0) == 0xc0) {
            if (pos + 1 >= len) {
                return err::short_msg;
            }
            size_t target = static_cast<size_t>(((c & 0x3f) << 8) | msg[pos + 1]);
            if (target >= limit) {
                return err::bad_name_ptr;   // forward or self: the only way to loop
            }
            if (!jumped) {
                *next = pos + 2;
                jumped = true;
            }
            limit = target;
            pos = target;
            continue;
        }
        if (c & 0xc0) {
            return err::bad_name_ptr;   // 0x40/0x80: extended label types (RFC 6891) unsupported
        }
        if (c == 0) {
            if (!jumped) {
                *next = pos + 1;
            }
            out[o] = '\0';
            return err::ok;
        }
        if (pos + 1 + c > len) {
            return err::short_msg;
        }
        produced += 1u + c;
        if (produced + 1 > MAX_NAME) {
            return err::bad_name_ptr;
        }
        if (o) {
            out[o++] = '.';
        }
        memcpy(out + o, msg + pos + 1, c);
        o += c;
        pos += 1u + c;
    }
}

size_t build_query(uint8_t* buf, size_t cap, uint16_t id, const char* name, uint16_t type, err* e) {
    if (cap < HEADER_LEN + 4) {
        *e = err::no_room;
        return 0;
    }
    memset(buf, 0, HEADER_LEN);
    put16(buf, id);
    buf[2] = FLAG_RD;
    put16(buf + 4, 1);   // QDCOUNT
    size_t n = encode_name(name, buf + HEADER_LEN, cap - HEADER_LEN - 4);
    if (n == 0) {
        *e = strlen(name) + 2 + HEADER_LEN + 4 > cap && strlen(name) <= MAX_NAME - 2 ? err::no_room : err::bad_name;
        return 0;
    }
    uint8_t* q = buf + HEADER_LEN + n;
    put16(q, type);
    put16(q + 2, CLASS_IN);
    *e = err::ok;
    return HEADER_LEN + n + 4;
}

namespace {

// The question must be ours (RFC 5452 9.1 against spoofed answers).
err check_question(const uint8_t* msg, size_t len, const char* name, uint16_t type, size_t* off) {
    if (get16(msg + 4) != 1) {
        return err::bad_question;
    }
    char qname[MAX_NAME + 1];
    err e = read_name(msg, len, HEADER_LEN, qname, off);
    if (e != err::ok) {
        return e;
    }
    if (*off + 4 > len) {
        return err::short_msg;
    }
    if (!name_equal(qname, name) || get16(msg + *off) != type || get16(msg + *off + 2) != CLASS_IN) {
        return err::bad_question;
    }
    *off += 4;
    return err::ok;
}

// Follows CNAMEs from name through the answer section (any order), then
// takes the records of type for the final name.
err collect(const uint8_t* msg, size_t len, size_t start, unsigned ancount, const char* name, uint16_t type,
            answer* out) {
    strncpy(out->canonical, name, MAX_NAME);
    out->canonical[MAX_NAME] = '\0';
    out->ttl = 0xffffffff;
    for (unsigned chain = 0;; ++chain) {
        bool moved = false;
        size_t off = start;
        for (unsigned i = 0; i < ancount; ++i) {
            record r;
            err e = read_record(msg, len, &off, &r);
            if (e != err::ok) {
                return e;
            }
            if (r.klass != CLASS_IN || !name_equal(r.owner, out->canonical)) {
                continue;
            }
            if (r.type == TYPE_CNAME && type != TYPE_CNAME) {
                size_t dummy;
                char target[MAX_NAME + 1];
                e = read_name(msg, len, r.rdata, target, &dummy);
                if (e != err::ok) {
                    return e;
                }
                memcpy(out->canonical, target, sizeof target);
                out->ttl = r.ttl < out->ttl ? r.ttl : out->ttl;
                moved = true;
                break;
            }
            if (r.type == TYPE_A && type == TYPE_A) {
                if (r.rdlen != 4) {
                    return err::bad_record;
                }
                if (out->naddrs < MAX_ADDRS) {
                    memcpy(&out->addrs[out->naddrs++], msg + r.rdata, 4);
                }
                out->ttl = r.ttl < out->ttl ? r.ttl : out->ttl;
            } else if (r.type == TYPE_PTR && type == TYPE_PTR && !out->ptr[0]) {
                size_t dummy;
                e = read_name(msg, len, r.rdata, out->ptr, &dummy);
                if (e != err::ok) {
                    return e;
                }
            }
        }
        if (!moved) {
            return err::ok;
        }
        if (chain + 1 >= MAX_CNAMES) {
            return err::long_chain;
        }
        out->naddrs = 0;   // addresses of an alias's owner do not count
    }
}

}  // namespace

err parse_answer(const uint8_t* msg, size_t len, uint16_t id, const char* name, uint16_t type, answer* out) {
    memset(out, 0, sizeof *out);
    if (!msg || len < HEADER_LEN) {
        return err::short_msg;
    }
    if (get16(msg) != id) {
        return err::bad_id;
    }
    if (!(msg[2] & FLAG_QR) || ((msg[2] >> 3) & 0x0f) != 0) {
        return err::not_response;
    }
    out->truncated = (msg[2] & FLAG_TC) != 0;
    size_t off;
    err e = check_question(msg, len, name, type, &off);
    if (e != err::ok) {
        return out->truncated && e == err::short_msg ? err::no_data : e;
    }
    if (err r = rcode_error(msg[3] & 0x0f); r != err::ok) {
        return r;
    }
    unsigned ancount = get16(msg + 6);
    e = collect(msg, len, off, ancount, name, type, out);
    if (e == err::short_msg && out->truncated) {
        e = err::ok;   // TC: records cut at the end; keep what came whole
    }
    if (e != err::ok) {
        return e;
    }
    return (out->naddrs || out->ptr[0]) ? err::ok : err::no_data;
}

}  // namespace dns
