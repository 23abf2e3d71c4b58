// The iperf3 control protocol, as iperf 3.12 speaks it (esnet/iperf
// src/iperf_api.h, iperf_server_api.c, iperf_api.c): a 37-byte cookie, one
// signed byte per state change, and JSON messages each after a 4-byte
// big-endian length. Pure byte work, so it is unit tested on the host.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace iperf3 {

constexpr uint16_t DEFAULT_PORT = 5201;
// 36 characters from "a-z2-7" and a NUL (iperf_util.c make_cookie).
constexpr size_t COOKIE_SIZE = 37;
// The largest JSON message taken: 3.12's parameters are some 300 bytes and
// a client's results with 128 streams some 20 KiB.
constexpr uint32_t MAX_JSON = 32 * 1024;
constexpr int MAX_STREAMS = 8;              // per direction (-P)
constexpr uint32_t MAX_TCP_BLKSIZE = 1024 * 1024;     // iperf.h MAX_BLOCKSIZE
constexpr uint32_t MAX_UDP_BLKSIZE = 65535 - 8 - 20;  // iperf.h MAX_UDP_BLOCKSIZE
constexpr uint32_t DEFAULT_TCP_BLKSIZE = 128 * 1024;
constexpr uint32_t DEFAULT_UDP_BLKSIZE = 1460;
constexpr uint32_t MIN_UDP_BLKSIZE = 16;    // the sec, usec and 64-bit count header

// The one-byte states (iperf_api.h), sent as a signed char.
enum class state : int8_t {
    test_start = 1,
    test_running = 2,
    test_end = 4,
    param_exchange = 9,
    create_streams = 10,
    server_terminate = 11,
    client_terminate = 12,
    exchange_results = 13,
    display_results = 14,
    iperf_start = 15,
    iperf_done = 16,
    access_denied = -1,
    server_error = -2,
};

// iperf's own error numbers (i_errno, iperf_api.h) that a SERVER_ERROR
// carries to the client, which prints their text.
enum class ierr : int32_t {
    num_streams = 6,      // IENUMSTREAMS
    block_size = 7,       // IEBLOCKSIZE
    unimplemented = 13,   // IEUNIMP
    udp_block_size = 20,  // IEUDPBLOCKSIZE
    recv_params = 114,    // IERECVPARAMS
    recv_results = 117,   // IERECVRESULTS
    set_buf = 124,        // IESETBUF
    stream_listen = 202,  // IESTREAMLISTEN
};

// A cookie as make_cookie() makes it; anything else is a client that does
// not speak iperf3.
bool cookie_valid(const uint8_t* c);

// A length-prefixed JSON message at the front of buf[0, len).
enum class frame_status { more, ok, too_big, empty };
struct frame {
    frame_status status;
    const char* body = nullptr;   // not NUL-terminated
    uint32_t body_len = 0;
    size_t consumed = 0;          // header and body
};
frame frame_parse(const uint8_t* buf, size_t len, uint32_t max_body = MAX_JSON);
// The 4-byte header for a body of n bytes into out.
void frame_header(uint32_t n, uint8_t out[4]);

// The errno a SERVER_ERROR carries: the client prints it with its own
// strerror(), so these are Linux's asm-generic numbers (include/uapi/
// asm-generic/errno-base.h, errno.h), not this system's MIPS ones.
enum class wire_errno : int32_t {
    none = 0,
    nomem = 12,      // ENOMEM
    inval = 22,      // EINVAL
    msgsize = 90,    // EMSGSIZE
    addrinuse = 98,  // EADDRINUSE
};

// SERVER_ERROR on the wire: the state byte, then i_errno and errno, each a
// 32-bit big-endian number (iperf_exchange_parameters). 9 bytes into out.
constexpr size_t SERVER_ERROR_SIZE = 9;
void server_error_encode(ierr e, wire_errno err, uint8_t out[SERVER_ERROR_SIZE]);

enum class protocol : uint8_t { tcp, udp };
enum class direction : uint8_t { client_sends, server_sends, bidir };

// The test the client asks for (send_parameters); what this server does
// not do is refused with an ierr.
struct params {
    protocol proto = protocol::tcp;
    direction dir = direction::client_sends;
    int duration = 10;           // seconds; 0 when -n or -k bound it
    int omit = 0;
    int parallel = 1;
    uint32_t blksize = 0;        // 0: the protocol's default
    int window = 0;              // SO_SNDBUF and SO_RCVBUF; 0: leave them
    // bits/s per stream; 0: unpaced. The client's UDP default (1 Mbit/s)
    // comes in "bandwidth"; -b 0 sends none and means unlimited.
    uint64_t rate = 0;
    uint64_t bytes = 0, blocks = 0;
    bool udp_counters_64bit = false;
    bool nodelay = false;
    int mss = 0;
    char client_version[16] = "";

    // Streams per direction, and in all.
    int receivers() const { return dir == direction::server_sends ? 0 : parallel; }
    int senders() const { return dir == direction::client_sends ? 0 : parallel; }
    int total() const { return receivers() + senders(); }
};

// The parameters from JSON text; false with *err when it is not JSON, not
// an object, or asks for what is refused.
bool params_parse(const char* json, size_t len, params* out, ierr* err);

// Stream ids as iperf_add_stream() numbers them: 1 for the first, then 3,
// 4, 5... (kept so for compatibility); the client and the server both count
// in the order the streams connect, so the ids match.
constexpr int stream_id(int index) { return index == 0 ? 1 : index + 2; }

}  // namespace iperf3
