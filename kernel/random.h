// Randomness for the network stack (Linux's include/linux/random.h, in
// small): a pool stirred by the cycle counter at every interrupt
// (add_interrupt_randomness, as Linux's drivers/char/random.c credits
// interrupt timing) and at every read, and SipHash-2-4 as the keyed hash
// RFC 6056 3.3.3 asks for. Not for cryptographic keys: a board with no
// hardware source has only its timing jitter to go on.
#pragma once
#include <stddef.h>
#include <stdint.h>

void add_interrupt_randomness(unsigned irq);
void get_random_bytes(void* buf, size_t len);
uint32_t get_random_u32();
// A value in [0, ceil) (0 when ceil is 0).
uint32_t get_random_u32_below(uint32_t ceil);

// SipHash-2-4 of len bytes under a 128-bit key (Aumasson and Bernstein;
// Linux's lib/siphash.c).
struct siphash_key_t {
    uint64_t key[2];
};
uint64_t siphash(const void* data, size_t len, const siphash_key_t* key);
