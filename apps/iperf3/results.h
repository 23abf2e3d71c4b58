// The results both ends exchange after TEST_END (esnet/iperf
// src/iperf_api.c send_results and get_results, 3.12): CPU use, whether
// the sender counts retransmits, and per stream the bytes, retransmits,
// UDP jitter, losses and packets, and the seconds it ran.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace iperf3 {

struct stream_result {
    int id = 0;
    bool sender = false;     // this end sent on it
    uint64_t bytes = 0;
    int64_t retransmits = -1;   // -1: not known (receivers, UDP)
    double jitter = 0;       // seconds
    uint64_t errors = 0;     // UDP datagrams lost
    uint64_t packets = 0;
    double start_time = 0, end_time = 0;   // seconds from the test's start
};

struct test_result {
    double cpu_total = 0, cpu_user = 0, cpu_system = 0;   // percent
    // 1 when this end sent and counted retransmits, 0 when it sent and did
    // not, -1 when it only received (send_results' rule).
    int sender_has_retransmits = -1;
    const stream_result* streams = nullptr;
    int nstreams = 0;
};

// The results as compact JSON into out (NUL-terminated); its length, or 0
// when it does not fit or memory ran out.
size_t results_encode(const test_result& r, char* out, size_t size);

// The client's results: at most max streams into out (id, bytes and the
// UDP counters). The number of streams, or -1 when the JSON is not a
// results object (a member missing or of the wrong type).
int results_decode(const char* json, size_t len, stream_result* out, int max, test_result* totals);

}  // namespace iperf3
