// Sequence numbers a blind attacker cannot guess: initial sequence numbers
// from a keyed hash of the 4-tuple plus a clock (RFC 6528 3, Linux's
// net/core/secure_seq.c), and SYN cookies, the ISN that carries a
// connection's state when the SYN queue is full (RFC 4987 3.6, Linux's
// net/ipv4/syncookies.c). Addresses and ports in network order.
#pragma once
#include <stdint.h>

// Keys come from get_random_bytes on first use; tests set their own.
void secure_seq_set_key_for_test(const uint8_t key[16]);

// RFC 6528 3: F(4-tuple, secret) + M, M now_ns in 64 ns ticks (Linux's
// seq_scale: the 32 bits wrap every 274 s, more than an MSL).
uint32_t secure_tcp_seq(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport, uint64_t now_ns);
// Timestamp offset for a connection (Linux's secure_tcp_ts_off, RFC 7323 5.4).
uint32_t secure_tcp_ts_off(uint32_t saddr, uint32_t daddr);
// An ephemeral port offset for connect (RFC 6056 3.3.4, Linux's secure_ipv4_port_ephemeral).
uint32_t secure_ipv4_port_ephemeral(uint32_t saddr, uint32_t daddr, uint16_t dport);

// The ISN of a SYN cookie answering this SYN (saddr/sport: the peer's),
// mss the peer's; *mss_out the MSS the cookie encodes (the largest of
// Linux's msstab 536, 1300, 1440, 1460 at most mss; 536 below that, as
// Linux). count: the minute counter (Linux's tcp_cookie_time()).
uint32_t cookie_v4_init_sequence(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
                                 uint32_t peer_isn, uint16_t mss, uint32_t count, uint16_t* mss_out);
// The MSS a returning ACK's cookie encodes (cookie = ack_seq - 1, peer_isn =
// seq - 1), or 0 when it is not one of ours or older than 2 minutes.
uint16_t cookie_v4_check(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport, uint32_t peer_isn,
                         uint32_t cookie, uint32_t count);
// The minute counter: ktime / 60 s (Linux's tcp_cookie_time()).
uint32_t tcp_cookie_time(uint64_t now_ns);
