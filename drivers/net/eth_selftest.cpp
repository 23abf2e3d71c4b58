#include "drivers/net/eth_selftest.h"

#include <stdio.h>
#include <string.h>

#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/uapi/errno.h"
#include "net/core/skbuff.h"

namespace {

constexpr size_t max_testers = 2;
constexpr const char* command_words[] = {"STATS", "PROMISC", "MCAST"};
constexpr size_t max_mcast = 16;

uint16_t ethertype(const uint8_t* frame) {
    return static_cast<uint16_t>(frame[12] << 8 | frame[13]);
}

void put_be32(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}

void reply_header(const uint8_t* frame, const uint8_t (&mac)[ETH_ALEN], uint8_t* out) {
    memcpy(out, frame + ETH_ALEN, ETH_ALEN);   // to the sender
    memcpy(out + ETH_ALEN, mac, ETH_ALEN);
    out[12] = ETH_P_SELFTEST >> 8;
    out[13] = ETH_P_SELFTEST & 0xff;
}

struct tester {
    eth_hw* hw;
    selftest_counters count;
    unsigned long last_report;
    bool report_now;
    eth_stats last;
};
tester testers[max_testers];

unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

void report(tester& t) {
    unsigned long now = jiffies;
    if (now - t.last_report < HZ && !t.report_now) {
        return;
    }
    t.report_now = false;
    eth_stats s;
    t.hw->ops->get_stats(*t.hw, s);
    pr_info("%s: selftest rx %llu tx %llu miss %llu rx_err %llu tx_err %llu tx_drop %llu "
            "(+%llu rx, +%llu miss in %lu ms), echoed %u busy %u other %u\n",
            t.hw->name, ull(s.rx_packets), ull(s.tx_packets), ull(s.rx_missed_errors),
            ull(s.rx_errors), ull(s.tx_errors), ull(s.tx_dropped),
            ull(s.rx_packets - t.last.rx_packets),
            ull(s.rx_missed_errors - t.last.rx_missed_errors), (now - t.last_report) * 1000 / HZ,
            t.count.echoed, t.count.busy, t.count.other);
    t.last = s;
    t.last_report = now;
}

// The reply goes out in an skb of its own; the driver frees it once sent.
void send(tester& t, sk_buff* skb, bool echo) {
    int err = t.hw->ops->xmit(*t.hw, skb);
    if (err == 0) {
        t.count.echoed += echo ? 1 : 0;
        return;
    }
    kfree_skb(skb);
    if (err == -EBUSY) {
        ++t.count.busy;
    } else {
        pr_warn("%s: selftest xmit failed: %d\n", t.hw->name, err);
    }
}

sk_buff* reply_skb() { return alloc_skb(ETH_FRAME_LEN, GFP_ATOMIC); }

void selftest_rx(void* ctx, sk_buff* rx) {
    tester& t = *static_cast<tester*>(ctx);
    const uint8_t* frame = rx->data;
    size_t len = rx->len;
    char line[320];
    if (selftest_command(frame, len, line, sizeof line)) {
        char answer[512];
        selftest_run_command(*t.hw, t.count, line, answer, sizeof answer);
        pr_info("%s: selftest %s\n", t.hw->name, answer);
        if (sk_buff* skb = reply_skb()) {
            skb_put(skb, static_cast<unsigned>(
                             selftest_text_reply(frame, t.hw->dev_addr, answer, skb->data)));
            send(t, skb, false);
        } else {
            ++t.count.busy;
        }
        t.report_now = true;   // and a counters line now
    } else if (sk_buff* skb = reply_skb()) {
        if (size_t n = selftest_echo_reply(frame, len, t.hw->dev_addr, t.count.echoed + 1,
                                           skb->data)) {
            skb_put(skb, static_cast<unsigned>(n));
            send(t, skb, true);
        } else {
            consume_skb(skb);
            ++t.count.other;
        }
    } else {
        ++t.count.busy;   // no memory for the reply: as good as a full ring
    }
    consume_skb(rx);
    report(t);
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = static_cast<char>(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// strtok_r, not strtok: this runs in interrupt context, perhaps in the
// middle of an app's strtok loop.
void run_mcast(eth_hw& hw, char* args, char* answer, size_t size) {
    uint8_t groups[max_mcast][ETH_ALEN];
    size_t n = 0;
    char* save = nullptr;
    for (char* tok = strtok_r(args, " ", &save); tok; tok = strtok_r(nullptr, " ", &save)) {
        if (n == max_mcast || !parse_mac(tok, groups[n])) {
            snprintf(answer, size, "ERR MCAST bad list");
            return;
        }
        ++n;
    }
    int err = hw.ops->set_multicast(hw, groups, n);
    if (err) {
        snprintf(answer, size, "ERR MCAST %d", err);
    } else {
        snprintf(answer, size, "OK MCAST %u", static_cast<unsigned>(n));
    }
}

}  // namespace

size_t selftest_echo_reply(const uint8_t* frame, size_t len, const uint8_t (&mac)[ETH_ALEN],
                           uint32_t seq, uint8_t* out) {
    if (len < ETH_HLEN + SELFTEST_HDR_LEN || len > ETH_FRAME_LEN ||
        ethertype(frame) != ETH_P_SELFTEST) {
        return 0;
    }
    reply_header(frame, mac, out);
    memcpy(out + ETH_HLEN, frame + ETH_HLEN, len - ETH_HLEN);
    put_be32(out + ETH_HLEN + 4, seq);
    return len;
}

bool parse_mac(const char* s, uint8_t (&mac)[ETH_ALEN]) {
    for (size_t i = 0; i < ETH_ALEN; ++i) {
        int hi = hex_digit(s[0]);
        int lo = hi < 0 ? -1 : hex_digit(s[1]);
        char sep = lo < 0 ? 'x' : s[2];
        if (lo < 0 || sep != (i + 1 < ETH_ALEN ? ':' : '\0')) {
            return false;
        }
        mac[i] = static_cast<uint8_t>(hi << 4 | lo);
        s += 3;
    }
    return true;
}

bool selftest_command(const uint8_t* frame, size_t len, char* line, size_t size) {
    if (len <= ETH_HLEN || ethertype(frame) != ETH_P_SELFTEST || size == 0) {
        return false;
    }
    size_t n = strnlen(reinterpret_cast<const char*>(frame + ETH_HLEN), len - ETH_HLEN);
    n = n < size - 1 ? n : size - 1;
    memcpy(line, frame + ETH_HLEN, n);
    line[n] = '\0';
    for (const char* word : command_words) {
        size_t w = strlen(word);
        if (strncmp(line, word, w) == 0 && (line[w] == '\0' || line[w] == ' ')) {
            return true;
        }
    }
    return false;
}

void selftest_run_command(eth_hw& hw, const selftest_counters& c, char* line, char* answer,
                          size_t size) {
    char* args = strchr(line, ' ');
    if (args) {
        *args++ = '\0';
    } else {
        args = line + strlen(line);
    }
    if (strcmp(line, "STATS") == 0) {
        eth_stats s;
        hw.ops->get_stats(hw, s);
        selftest_format_stats(s, c, answer, size);
    } else if (strcmp(line, "PROMISC") == 0 && (strcmp(args, "0") == 0 || strcmp(args, "1") == 0)) {
        hw.ops->set_promisc(hw, args[0] == '1');
        snprintf(answer, size, "OK PROMISC %c", args[0]);
    } else if (strcmp(line, "MCAST") == 0) {
        run_mcast(hw, args, answer, size);
    } else {
        snprintf(answer, size, "ERR %s: bad arguments", line);
    }
}

size_t selftest_format_stats(const eth_stats& s, const selftest_counters& c, char* buf,
                             size_t size) {
    int n = snprintf(buf, size,
                     "STATS rx=%llu tx=%llu miss=%llu rx_err=%llu tx_err=%llu rx_drop=%llu "
                     "tx_drop=%llu crc=%llu fram=%llu oflo=%llu buff=%llu lcar=%llu rtry=%llu "
                     "uflo=%llu lcol=%llu echoed=%u busy=%u other=%u",
                     ull(s.rx_packets), ull(s.tx_packets), ull(s.rx_missed_errors),
                     ull(s.rx_errors), ull(s.tx_errors), ull(s.rx_dropped), ull(s.tx_dropped),
                     ull(s.rx_crc_errors), ull(s.rx_frame_errors), ull(s.rx_over_errors),
                     ull(s.rx_fifo_errors), ull(s.tx_carrier_errors), ull(s.tx_aborted_errors),
                     ull(s.tx_fifo_errors), ull(s.tx_window_errors), c.echoed, c.busy, c.other);
    if (n < 0) {
        return 0;
    }
    return static_cast<size_t>(n) < size ? static_cast<size_t>(n) : size - 1;
}

size_t selftest_text_reply(const uint8_t* frame, const uint8_t (&mac)[ETH_ALEN],
                           const char* text, uint8_t* out) {
    reply_header(frame, mac, out);
    size_t room = ETH_FRAME_LEN - ETH_HLEN;
    size_t n = strnlen(text, room - 1);   // room for the NUL
    memcpy(out + ETH_HLEN, text, n);
    size_t len = ETH_HLEN + n + 1;
    if (len < ETH_ZLEN) {
        len = ETH_ZLEN;
    }
    if (len > ETH_FRAME_LEN) {
        len = ETH_FRAME_LEN;
    }
    memset(out + ETH_HLEN + n, 0, len - ETH_HLEN - n);
    return len;
}

int eth_selftest_start(eth_hw& hw) {
    tester* t = nullptr;
    for (tester& slot : testers) {
        if (!slot.hw) {
            t = &slot;
            break;
        }
    }
    if (!t) {
        return -ENOSPC;
    }
    *t = tester{};
    t->hw = &hw;
    t->last_report = jiffies;
    hw.hooks = {selftest_rx, nullptr, nullptr, nullptr, nullptr, t};
    int err = hw.ops->open(hw);
    if (err) {
        t->hw = nullptr;
        pr_err("%s: selftest: open failed: %d\n", hw.name, err);
        return err;
    }
    const uint8_t* m = hw.dev_addr;
    pr_info("%s: selftest: echoing EtherType 0x%04x to %02x:%02x:%02x:%02x:%02x:%02x, link %s\n",
            hw.name, ETH_P_SELFTEST, m[0], m[1], m[2], m[3], m[4], m[5],
            hw.ops->link_up(hw) ? "up" : "down");
    return 0;
}

void eth_selftest_stop(eth_hw& hw) {
    for (tester& t : testers) {
        if (t.hw == &hw) {
            hw.ops->stop(hw);
            t.hw = nullptr;
        }
    }
}
