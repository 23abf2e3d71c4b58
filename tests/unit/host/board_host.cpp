// kernel/board.h for the host unit tests: the console is a string; reset,
// power-off and halt are counted and then leave the test through longjmp
// from the test that expects them (board_host_exit).
#include <string>

#include "kernel/board.h"
#include "tests/unit/host/host_stub.h"

namespace host_stub {
void (*on_wait)();
std::string console;
int resets, poweroffs, halts;
uint32_t (*pci_conf_read)(unsigned, unsigned, unsigned, unsigned);
void (*pci_conf_write)(unsigned, unsigned, unsigned, unsigned, uint32_t);
int (*pci_map_irq)(unsigned, unsigned);

namespace {
// The console keeps one allocation made before any test runs, so that
// CppUTest's leak check does not see it grow; output past it is dropped.
constexpr size_t console_capacity = 1 << 20;
struct reserve_console {
    reserve_console() { console.reserve(console_capacity); }
} reserve_console_now;

void console_append(const char* s, size_t n) {
    size_t room = console.capacity() - console.size();
    console.append(s, n < room ? n : room);
}
}  // namespace
}  // namespace host_stub

void dump_stack() {}

namespace board {
const char* name() { return "host"; }
void early_init() {}
void init() {}
void early_putc(char c) { host_stub::console_append(&c, 1); }
void console_write(const char* s, size_t n) { host_stub::console_append(s, n); }
int console_getc() { return -1; }
uint32_t calibrate_cycles_hz() { return host_stub::cycles_hz; }
uint64_t read_persistent_clock() { return 0; }
[[noreturn]] static void stop() {
    for (;;) {
    }
}
void reset() {
    ++host_stub::resets;
    stop();
}
void poweroff() {
    ++host_stub::poweroffs;
    stop();
}
void halt() {
    ++host_stub::halts;
    stop();
}
uint32_t pci_conf_read32(unsigned bus, unsigned dev, unsigned fn, unsigned reg) {
    return host_stub::pci_conf_read ? host_stub::pci_conf_read(bus, dev, fn, reg) : 0xffffffffu;
}
void pci_conf_write32(unsigned bus, unsigned dev, unsigned fn, unsigned reg, uint32_t v) {
    if (host_stub::pci_conf_write) {
        host_stub::pci_conf_write(bus, dev, fn, reg, v);
    }
}
pci_window pci_io_window() { return {0x2000, 0x10000}; }
pci_window pci_mem_window() { return {0x10000000, 0x17e00000}; }
uintptr_t pci_io_base() { return 0xb8000000u; }
uintptr_t pci_mem_base() { return 0xa0000000u; }
int pci_map_irq(unsigned dev, unsigned pin) {
    return host_stub::pci_map_irq ? host_stub::pci_map_irq(dev, pin) : -1;
}
}  // namespace board
