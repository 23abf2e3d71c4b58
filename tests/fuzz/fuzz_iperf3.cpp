// Bytes -> iperf3d's protocol parsers as the server meets a client's
// bytes: the cookie, length-prefixed JSON messages one after another
// (parameters, then results), and UDP stream datagrams with the connect
// handshake and the datagram header. The first byte picks the UDP counter
// width and the JSON size limit. What params_parse accepts must be a test
// the server can run; a frame must stay inside the input.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apps/iperf3/proto.h"
#include "apps/iperf3/results.h"
#include "apps/iperf3/udp.h"

namespace {

void check(bool ok) {
    if (!ok) {
        abort();
    }
}

void check_params(const iperf3::params& p) {
    check(p.parallel >= 1 && p.parallel <= iperf3::MAX_STREAMS);
    check(p.total() >= 1 && p.total() <= 2 * iperf3::MAX_STREAMS);
    if (p.proto == iperf3::protocol::tcp) {
        check(p.blksize <= iperf3::MAX_TCP_BLKSIZE);
    } else {
        check(p.blksize >= iperf3::MIN_UDP_BLKSIZE && p.blksize <= iperf3::MAX_UDP_BLKSIZE);
    }
    check(memchr(p.client_version, '\0', sizeof p.client_version) != nullptr);
}

void messages(const uint8_t* buf, size_t len, uint32_t max_body) {
    size_t off = 0;
    while (off < len) {
        iperf3::frame f = iperf3::frame_parse(buf + off, len - off, max_body);
        if (f.status != iperf3::frame_status::ok) {
            return;
        }
        check(f.consumed > 4 && f.consumed <= len - off && f.body_len <= max_body);
        check(reinterpret_cast<const uint8_t*>(f.body) >= buf + off &&
              reinterpret_cast<const uint8_t*>(f.body) + f.body_len <= buf + len);
        iperf3::params p;
        iperf3::ierr err;
        if (iperf3::params_parse(f.body, f.body_len, &p, &err)) {
            check_params(p);
        }
        iperf3::stream_result streams[iperf3::MAX_STREAMS];
        iperf3::test_result totals;
        int n = iperf3::results_decode(f.body, f.body_len, streams, iperf3::MAX_STREAMS, &totals);
        check(n >= -1);
        off += f.consumed;
    }
}

void datagrams(const uint8_t* buf, size_t len, bool wide) {
    iperf3::udp_connect_valid(buf, len);
    iperf3::udp_rx_stats stats;
    double arrival = 0;
    // Datagrams of 1 + buf[i] bytes, cut from the input one after another.
    for (size_t off = 0; off < len;) {
        size_t n = 1 + buf[off] % 64;
        if (n > len - off) {
            n = len - off;
        }
        iperf3::udp_header h;
        if (iperf3::udp_header_decode(buf + off, n, wide, &h)) {
            check(n >= iperf3::udp_header_size(wide));
            stats.receive(h, n, arrival);
            check(stats.lost <= stats.packets);
        }
        arrival += 0.001;
        off += n;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) {
        return 0;
    }
    // A copy of just the right size: ASan then sees any read past the end.
    uint8_t* buf = static_cast<uint8_t*>(malloc(size - 1 ? size - 1 : 1));
    memcpy(buf, data + 1, size - 1);
    size_t len = size - 1;
    bool wide = data[0] & 1;
    uint32_t max_body = (data[0] & 2) ? 64 : iperf3::MAX_JSON;
    if (len >= iperf3::COOKIE_SIZE && iperf3::cookie_valid(buf)) {
        check(buf[iperf3::COOKIE_SIZE - 1] == '\0');
        messages(buf + iperf3::COOKIE_SIZE, len - iperf3::COOKIE_SIZE, max_body);
    } else {
        messages(buf, len, max_body);
    }
    datagrams(buf, len, wide);
    free(buf);
    return 0;
}
