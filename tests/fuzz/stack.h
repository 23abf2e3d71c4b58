// What the fuzz targets share: the whole stack brought up once per process
// on the host (memory, net core, IPv4 on a fake eth0 10.0.2.15/24 whose
// output is kept and freed, the socket layer with PF_INET and PF_PACKET),
// and a reader that cuts a fuzzer's bytes into fields.
#pragma once
#include <stddef.h>
#include <stdint.h>

struct net_device;

namespace fuzz {

// Once: the stack as the socket tests have it, the test body as an app.
void init_stack();
net_device* eth();
// A frame as the driver hands it up: netif_rx from an interrupt handler
// (the receive softirq runs at its end), or netif_receive_skb as a NAPI
// poll calls it.
void receive_irq(const uint8_t* frame, size_t len);
void receive_napi(const uint8_t* frame, size_t len);
// The clock moves by ms (timers run), one tick at a time.
void advance_ms(unsigned ms);
// Frees what the stack sent; returns how many frames it was.
unsigned drain_sent();

class reader;
// The nomem operation: u8 space, u8 times from the input; after `space`
// (< 8) more sk_buffs, `times` (< 4) allocations fail
// (skb_fail_allocations). A target calls allocations_back() after each
// input so that the next one starts with memory.
void fail_allocations(reader& in);
void allocations_back();

// How many inputs go between a target's leak checks: MIPSNET_FUZZ_CHECK_EVERY
// if set, else fallback. A failed check names only the input it came after,
// which may not be the one that left something behind; with 1 (as the
// regressions run) the artifact is the cause.
unsigned check_every(unsigned fallback);

// The fuzzer's bytes as a stream of fields; past the end it reads zeros.
class reader {
public:
    reader(const uint8_t* data, size_t size) : p_(data), n_(size) {}
    bool empty() const { return n_ == 0; }
    size_t left() const { return n_; }
    uint8_t u8();
    uint16_t u16();
    uint32_t u32();
    // Up to len bytes (fewer at the end), their start in *out.
    size_t take(size_t len, const uint8_t** out);

private:
    const uint8_t* p_;
    size_t n_;
};

}  // namespace fuzz
