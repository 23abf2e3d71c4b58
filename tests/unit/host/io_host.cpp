// kernel/io.h for the host unit tests: an access inside a range a simulated
// device claimed (host_stub::io_claim) goes to it; any other is counted and
// reads all ones, as a PCI read nobody answers (master abort).
#include "kernel/io.h"
#include "tests/unit/host/host_stub.h"

namespace host_stub {
unsigned io_unclaimed;

namespace {
constexpr unsigned max_regions = 4;
io_region* regions[max_regions];

io_region* find(uintptr_t addr, unsigned width) {
    for (io_region* r : regions) {
        if (r && addr >= r->base && addr + width <= r->base + r->size) {
            return r;
        }
    }
    ++io_unclaimed;
    return nullptr;
}

uint32_t read(uintptr_t addr, unsigned width) {
    io_region* r = find(addr, width);
    uint32_t ones = width == 4 ? 0xffffffffu : (1u << (8 * width)) - 1;
    return r ? r->read(r->ctx, static_cast<unsigned>(addr - r->base), width) & ones : ones;
}

void write(uintptr_t addr, unsigned width, uint32_t v) {
    if (io_region* r = find(addr, width)) {
        r->write(r->ctx, static_cast<unsigned>(addr - r->base), width, v);
    }
}
}  // namespace

bool io_claim(io_region& region) {
    for (io_region*& slot : regions) {
        if (!slot) {
            slot = &region;
            return true;
        }
    }
    return false;
}

void io_release(io_region& region) {
    for (io_region*& slot : regions) {
        if (slot == &region) {
            slot = nullptr;
        }
    }
}
}  // namespace host_stub

uint8_t ioread8(uintptr_t addr) { return static_cast<uint8_t>(host_stub::read(addr, 1)); }
uint16_t ioread16(uintptr_t addr) { return static_cast<uint16_t>(host_stub::read(addr, 2)); }
uint32_t ioread32(uintptr_t addr) { return host_stub::read(addr, 4); }
void iowrite8(uint8_t v, uintptr_t addr) { host_stub::write(addr, 1, v); }
void iowrite16(uint16_t v, uintptr_t addr) { host_stub::write(addr, 2, v); }
void iowrite32(uint32_t v, uintptr_t addr) { host_stub::write(addr, 4, v); }
