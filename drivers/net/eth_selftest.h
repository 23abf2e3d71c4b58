// Driver self-test on the wire, for the integration test until sockets
// exist: started by the driver when the command line says so
// (pcnet.selftest=1), it opens the controller and answers frames of
// EtherType 0x88B5 (IEEE 802 local experimental) from interrupt context.
//
// Request: any frame of that type with at least 8 bytes of payload.
//   payload[0..3]  the sender's tag, echoed unchanged
//   payload[4..7]  ignored
//   payload[8..]   data, echoed unchanged
// Reply: to the request's source MAC from ours, same type and length, the
// payload echoed except bytes 4..7: our reply sequence number (big-endian,
// 1 for the first reply, +1 for each reply sent), so the sender sees both
// the order and any reply we failed to send.
//
// A request whose payload is text starting with a command word (up to the
// first NUL) is a command, answered with text (NUL padded):
//   STATS                 "STATS " and the counters, "key=value" separated by
//                         spaces: rx tx miss rx_err tx_err rx_drop tx_drop crc
//                         fram oflo buff lcar rtry uflo lcol echoed busy other
//   PROMISC 0|1           "OK PROMISC 1": promiscuous mode off/on
//   MCAST [MAC...]        "OK MCAST n": exactly these multicast groups (at most
//                         16, xx:xx:xx:xx:xx:xx); "ERR MCAST -22" if one is not
//                         a multicast address
// Filter changes take effect once the reply is on its way.
//
// Counters also go to the kernel log, at most once a second, while frames
// arrive (with no timers yet, the receive path is the only clock).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "drivers/net/eth_hw.h"

constexpr uint16_t ETH_P_SELFTEST = 0x88b5;
constexpr size_t SELFTEST_HDR_LEN = 8;

struct selftest_counters {
    uint32_t echoed;    // replies sent
    uint32_t busy;      // replies dropped: transmit ring full
    uint32_t other;     // frames of other types, ignored
};

// Builds the echo reply to frame into out (at least len bytes); returns its
// length, or 0 if frame is not a self-test request.
size_t selftest_echo_reply(const uint8_t* frame, size_t len, const uint8_t (&mac)[ETH_ALEN],
                           uint32_t seq, uint8_t* out);
// If frame is a command, copies its text (NUL-terminated) into line.
bool selftest_command(const uint8_t* frame, size_t len, char* line, size_t size);
// Runs a command line on hw and writes the answer into answer.
void selftest_run_command(eth_hw& hw, const selftest_counters& c, char* line, char* answer,
                          size_t size);
// Formats the STATS text; returns its length (without the NUL).
size_t selftest_format_stats(const eth_stats& s, const selftest_counters& c, char* buf,
                             size_t size);
// Builds a text reply (ETH_ZLEN..ETH_FRAME_LEN bytes) into out.
size_t selftest_text_reply(const uint8_t* frame, const uint8_t (&mac)[ETH_ALEN],
                           const char* text, uint8_t* out);
bool parse_mac(const char* s, uint8_t (&mac)[ETH_ALEN]);

// Opens hw with the responder as its receive function; 0 or -errno.
int eth_selftest_start(eth_hw& hw);
void eth_selftest_stop(eth_hw& hw);   // and closes it
