// httpd's parts (apps/httpd.cpp the epoll loop and connections,
// httpd_serve.cpp what a request is answered with, httpd_status.cpp
// /status.json). The protocol itself is in apps/http/.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "apps/http/request.h"

namespace httpd {

constexpr int max_conns_limit = 4096;  // -c; RLIMIT_NOFILE is raised to fit a socket and a file each
constexpr int reject_slots = 4;       // extra connections that only get a 503
constexpr size_t out_cap = 8192;      // a head plus one piece of a file
constexpr size_t file_piece = 4096;   // bytes read (or sent) from a file at a time
constexpr int status_codes = 600;

struct options {
    const char* docroot = "/www";
    int port = 80;
    bool verbose = false;
    int max_conns = 64;
    unsigned header_timeout_s = 10;   // a request must be all in by then (408)
    unsigned keepalive_s = 15;        // an idle persistent connection is closed after
    http::limits lim;
};

struct counters {
    uint64_t accepted = 0, rejected = 0, requests = 0, bytes_out = 0, timeouts = 0;
    uint32_t status[status_codes] = {};
};

// What the rest of a response comes from once its head (and any small
// body in out) has gone.
enum class body_kind : uint8_t { none, memory, file, file_chunked, file_to_eof };

struct conn {
    int fd = -1;
    bool reject_only = false;   // a 503 answer, then close
    char peer[24] = {};
    char* in = nullptr;         // the bytes received, requests not yet answered
    size_t in_len = 0, in_cap = 0;
    char* out = nullptr;        // head and small bodies
    size_t out_len = 0, out_off = 0;
    body_kind body = body_kind::none;
    const char* mem = nullptr;  // body_kind::memory
    char* owned = nullptr;      // mem when it is to be freed once sent
    size_t mem_len = 0, mem_off = 0;
    int file_fd = -1;
    uint64_t file_off = 0, file_left = 0;
    bool file_eof = false;
    bool use_sendfile = true;
    bool close_after = false;   // Connection: close on the answer being sent
    bool draining = false;      // answered and shut down: reading until the peer's FIN
    bool continue_sent = false; // 100 Continue for the request being received
    uint32_t events = 0;        // what epoll waits for on fd
    uint64_t last_ns = 0;       // last progress either way
    uint64_t req_start_ns = 0;  // the first byte of the request being received
};

struct server {
    options opt;
    counters cnt;
    int lfd = -1, epfd = -1;
    bool listener_paused = false;
    conn* conns = nullptr;       // max_conns, then reject_slots that only answer 503
    int nslots = 0;
    int active = 0;
    int64_t started_wall = -1;   // seconds since 1970 when httpd started, if the clock knows
    uint64_t started_ns = 0;
    char* body_buf = nullptr;    // a chunked request body, decoded
    char* scratch = nullptr;     // /status.json and /proc reads
    size_t scratch_cap = 0;
    char index_etag[24] = {};
};

// The answer to one whole request, queued on c (out, body). Returns the status.
int serve_request(server& s, conn& c, const http::request& req);
// An error answer (no request to go with it, or one refused) with Connection: close.
void queue_error(server& s, conn& c, int status);
// /status.json into buf: its length, or 0 if it did not fit.
size_t status_json(server& s, char* buf, size_t cap);
// Seconds since 1970 if the real-time clock has been set, else -1.
int64_t wall_now();

// rootfs/www/index.html, built in (cmake/embed.cmake).
extern "C" const unsigned char httpd_index_html[];
extern "C" const size_t httpd_index_html_len;

}  // namespace httpd
