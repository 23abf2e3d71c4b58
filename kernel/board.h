// What the kernel asks of the board. board/malta implements it for the Malta
// (and QEMU's model of it); tests/unit/host/board_host.cpp for host tests.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace board {

const char* name();
void early_init();                        // polled console usable after this
void init();                              // interrupt controllers, console IRQ
void early_putc(char c);                  // polled, safe in panic and with IRQs off
void console_write(const char* s, size_t n);
int console_getc();                       // next received byte, or -1
uint32_t calibrate_cycles_hz();           // CP0 Count rate measured against a board clock
uint64_t read_persistent_clock();         // wall clock, seconds since 1970, 0 if none
[[noreturn]] void reset();
[[noreturn]] void poweroff();
[[noreturn]] void halt();

// PCI host bridge, bus 0 (drivers/pci). Configuration space through the
// board's bridge; BAR windows as bus addresses; ports and memory reached
// through uncached CPU addresses.
struct pci_window {
    uint32_t start;   // first bus address a BAR may be given
    uint32_t end;     // one past the last
};
uint32_t pci_conf_read32(unsigned bus, unsigned dev, unsigned fn, unsigned reg);
void pci_conf_write32(unsigned bus, unsigned dev, unsigned fn, unsigned reg, uint32_t v);
pci_window pci_io_window();               // for I/O BARs, clear of ISA and board ports
pci_window pci_mem_window();              // for memory BARs
uintptr_t pci_io_base();                  // CPU address of I/O port 0 (uncached)
uintptr_t pci_mem_base();                 // CPU address of PCI memory address 0 (uncached)
// The interrupt line (ISA IRQ number) wired to INTA..INTD (pin 1..4) of a
// device on bus 0, or -1 when the board routes none there.
int pci_map_irq(unsigned dev, unsigned pin);

}  // namespace board
