// A check of the net core on the machine it runs on (kernel parameter
// `net_selftest`, run in a thread once the scheduler is up): frames of every
// length from 1 to 1500 bytes and a few up to 64 KiB go through "lo"
// (dev_queue_xmit, a tap, netif_rx, the backlog softirq, a protocol
// handler); each payload carries an Internet checksum the receiver verifies,
// and every sk_buff must be freed at the end. Also times a round trip and
// csum_partial() in cpu::cycles().
#pragma once

// True when every check held; prints "net: selftest passed ..." or the
// first failure.
bool net_selftest();
// Starts net_selftest() in a thread of its own (from net_dev_init).
void net_selftest_start();
