#include "apps/http/procstat.h"

namespace http {
namespace {

// Line by line over t.
struct line_walker {
    text rest;
    text line;
    explicit line_walker(text t) : rest(t) {}
    bool next() {
        if (rest.n == 0) {
            return false;
        }
        const char* nl = static_cast<const char*>(memchr(rest.p, '\n', rest.n));
        size_t len = nl ? static_cast<size_t>(nl - rest.p) : rest.n;
        line = {rest.p, len};
        rest = nl ? text{nl + 1, rest.n - len - 1} : text{rest.p + rest.n, 0};
        return true;
    }
};

// Whitespace-separated words of a line.
struct word_walker {
    text rest;
    text word;
    explicit word_walker(text t) : rest(t) {}
    bool next() {
        size_t i = 0;
        while (i < rest.n && (rest.p[i] == ' ' || rest.p[i] == '\t')) {
            ++i;
        }
        size_t b = i;
        while (i < rest.n && rest.p[i] != ' ' && rest.p[i] != '\t') {
            ++i;
        }
        word = {rest.p + b, i - b};
        rest = {rest.p + i, rest.n - i};
        return word.n > 0;
    }
};

uint64_t word_num(text w) {
    uint64_t v = 0;
    return parse_uint(w, UINT64_MAX, &v) ? v : 0;
}

// Linux's tcp_states.h order, TCP_ESTABLISHED = 1.
const char* const tcp_state_names[] = {"ESTABLISHED", "SYN_SENT", "SYN_RECV",   "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
                                       "CLOSE",       "CLOSE_WAIT", "LAST_ACK", "LISTEN",    "CLOSING",  "NEW_SYN_RECV"};

int hexdigit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

}  // namespace

void json_net_dev(text t, json_writer& j) {
    static const char* const cols[] = {"rx_bytes", "rx_packets", "rx_errs", "rx_drop", "rx_fifo", "rx_frame",
                                       "rx_compressed", "rx_multicast", "tx_bytes", "tx_packets", "tx_errs",
                                       "tx_drop", "tx_fifo", "tx_colls", "tx_carrier", "tx_compressed"};
    j.begin_array();
    line_walker lines(t);
    while (lines.next()) {
        const char* colon = static_cast<const char*>(memchr(lines.line.p, ':', lines.line.n));
        if (!colon || memchr(lines.line.p, '|', lines.line.n)) {
            continue;   // the two header lines
        }
        text name = text{lines.line.p, static_cast<size_t>(colon - lines.line.p)}.trim();
        j.begin_object();
        j.key("name");
        j.str(name);
        word_walker w({colon + 1, static_cast<size_t>(lines.line.p + lines.line.n - (colon + 1))});
        for (const char* col : cols) {
            if (!w.next()) {
                break;
            }
            j.key(col);
            j.num(word_num(w.word));
        }
        j.end_object();
    }
    j.end_array();
}

void json_tcp_states(text t, json_writer& j) {
    constexpr unsigned nstates = sizeof tcp_state_names / sizeof tcp_state_names[0];
    uint64_t count[nstates] = {};
    line_walker lines(t);
    while (lines.next()) {
        word_walker w(lines.line);
        // sl local_address rem_address st
        if (!w.next() || w.word.p[w.word.n - 1] != ':' || !w.next() || !w.next() || !w.next() || w.word.n != 2) {
            continue;
        }
        int hi = hexdigit(w.word.p[0]), lo = hexdigit(w.word.p[1]);
        unsigned st = hi < 0 || lo < 0 ? 0 : static_cast<unsigned>(hi * 16 + lo);
        if (st >= 1 && st <= nstates) {
            ++count[st - 1];
        }
    }
    j.begin_object();
    for (unsigned i = 0; i < nstates; ++i) {
        j.key(tcp_state_names[i]);
        j.num(count[i]);
    }
    j.end_object();
}

void json_softirqs(text t, json_writer& j) {
    j.begin_object();
    line_walker lines(t);
    while (lines.next()) {
        word_walker w(lines.line);
        text name, raised, run;
        if (!w.next()) {
            continue;
        }
        name = w.word;
        if (!w.next()) {
            continue;
        }
        raised = w.word;
        if (!w.next()) {
            continue;
        }
        run = w.word;
        if (w.next()) {
            continue;   // exactly NAME RAISED RUN; the ksoftirqd line is not
        }
        uint64_t r, n;
        if (!parse_uint(raised, UINT64_MAX, &r) || !parse_uint(run, UINT64_MAX, &n)) {
            continue;
        }
        char key[32];
        size_t len = name.n < sizeof key - 1 ? name.n : sizeof key - 1;
        memcpy(key, name.p, len);
        key[len] = '\0';
        j.key(key);
        j.begin_object();
        j.key("raised");
        j.num(r);
        j.key("run");
        j.num(n);
        j.end_object();
    }
    j.end_object();
}

void json_log_tail(text log, unsigned max_lines, json_writer& j) {
    size_t start = log.n;
    unsigned lines = 0;
    if (start && log.p[start - 1] == '\n') {
        --start;
    }
    while (start > 0 && lines < max_lines) {
        --start;
        if (log.p[start] == '\n') {
            ++lines;
            if (lines == max_lines) {
                ++start;
                break;
            }
        }
    }
    j.begin_array();
    line_walker w({log.p + start, log.n - start});
    while (w.next()) {
        if (w.line.n) {
            j.str(w.line);
        }
    }
    j.end_array();
}

bool snmp_value(text t, const char* proto, const char* name, uint64_t* out) {
    size_t plen = strlen(proto);
    line_walker lines(t);
    while (lines.next()) {
        text head = lines.line;
        if (head.n <= plen || memcmp(head.p, proto, plen) != 0 || head.p[plen] != ':' || !lines.next()) {
            continue;
        }
        text vals = lines.line;
        word_walker names({head.p + plen + 1, head.n - plen - 1});
        if (vals.n <= plen || memcmp(vals.p, proto, plen) != 0) {
            continue;
        }
        word_walker values({vals.p + plen + 1, vals.n - plen - 1});
        while (names.next() && values.next()) {
            if (names.word.eq(name)) {
                return parse_uint(values.word, UINT64_MAX, out);
            }
        }
    }
    return false;
}

bool meminfo_value(text t, const char* name, uint64_t* out) {
    size_t nlen = strlen(name);
    line_walker lines(t);
    while (lines.next()) {
        if (lines.line.n > nlen && memcmp(lines.line.p, name, nlen) == 0 && lines.line.p[nlen] == ':') {
            word_walker w({lines.line.p + nlen + 1, lines.line.n - nlen - 1});
            return w.next() && parse_uint(w.word, UINT64_MAX, out);
        }
    }
    return false;
}

}  // namespace http
