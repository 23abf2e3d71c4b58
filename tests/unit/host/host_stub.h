// Knobs of the host stand-ins for the CPU and the board.
#pragma once
#include <stdint.h>

#include <string>

namespace host_stub {
extern uint32_t cycles;
extern uint32_t cycles_hz;
extern bool irqs_on;
extern unsigned waits;
extern void (*on_wait)();      // what "an interrupt" does while a caller waits
extern std::string console;    // everything written to the console
extern int resets, poweroffs, halts;
// PCI configuration space and interrupt wiring (kernel/board.h); without a
// hook no device answers and no pin is wired.
extern uint32_t (*pci_conf_read)(unsigned bus, unsigned dev, unsigned fn, unsigned reg);
extern void (*pci_conf_write)(unsigned bus, unsigned dev, unsigned fn, unsigned reg, uint32_t v);
extern int (*pci_map_irq)(unsigned dev, unsigned pin);
// Port I/O and MMIO (kernel/io.h): a simulated device claims [base,
// base+size); offsets are from base, width 1, 2 or 4 bytes.
struct io_region {
    uintptr_t base;
    uintptr_t size;
    uint32_t (*read)(void* ctx, unsigned offset, unsigned width);
    void (*write)(void* ctx, unsigned offset, unsigned width, uint32_t value);
    void* ctx;
};
bool io_claim(io_region& region);   // false: too many devices
void io_release(io_region& region);
extern unsigned io_unclaimed;       // accesses no device claimed
// kallsyms_lookup's table: [start, end) is name's code.
struct symbol {
    uintptr_t start, end;
    const char* name;
};
extern const symbol* symbols;
extern size_t nr_symbols;
}  // namespace host_stub
