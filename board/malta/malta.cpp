// kernel/board.h for the MIPS Malta (and QEMU's -M malta).
#include "kernel/board.h"

#include "board/malta/clock.h"
#include "board/malta/gt64120.h"
#include "board/malta/i8259.h"
#include "board/malta/io.h"
#include "board/malta/pci.h"
#include "board/malta/uart16550.h"
#include "kernel/cpu.h"
#include "kernel/fw_env.h"

namespace {

// PIIX4 function 3 (power management), PIIX4 datasheet 3.4 / 7.2: PMBA at
// config 0x40, PMIOSE at config 0x80 bit 0; PMCNTRL at PMBA + 4 with
// SUS_TYP (bits 12:10, 0 = soft off) and SUS_EN (bit 13).
constexpr unsigned piix4_dev = 10, piix4_pm_fn = 3;
constexpr uint16_t pm_io_base = 0x1000;   // below the range PCI BARs are given
constexpr uint16_t pmcntrl_sus_en = 1u << 13;

void piix4_soft_off() {
    using namespace malta;
    pci_conf_write32(0, piix4_dev, piix4_pm_fn, 0x40, pm_io_base | 1u);
    uint32_t misc = pci_conf_read32(0, piix4_dev, piix4_pm_fn, 0x80);
    pci_conf_write32(0, piix4_dev, piix4_pm_fn, 0x80, misc | 1u);
    outw(pm_io_base + 4, pmcntrl_sus_en);
}

[[noreturn]] void stop_forever() {
    cpu::local_irq_save();
    for (;;) {
        cpu::wait_for_interrupt();
    }
}

}  // namespace

namespace board {

const char* name() { return "MIPS Malta"; }

// The console at the rate YAMON's modetty0 says (38400 when it says none,
// as QEMU's loader and YAMON's default do).
void early_init() { malta::uart_init(fw_console_baud(38400)); }

void init() {
    malta::gt64120_init();
    malta::i8259_init();
    malta::pci_route_irqs();
    malta::uart_enable_rx_irq();
}

void early_putc(char c) { malta::uart_putc(c); }

void console_write(const char* s, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        if (s[i] == '\n') {
            malta::uart_putc('\r');
        }
        malta::uart_putc(s[i]);
    }
}

uint32_t calibrate_cycles_hz() { return malta::pit_measure_counter_hz(); }

uint64_t read_persistent_clock() { return malta::rtc_read_unix_seconds(); }

// SOFTRES is an FPGA register, native-endian (board/malta/io.h).
void reset() {
    cpu::local_irq_save();
    malta::mmio_write<uint32_t>(malta::softres_phys, malta::softres_goreset);
    stop_forever();
}

void poweroff() {
    cpu::local_irq_save();
    piix4_soft_off();
    // A Malta without the PIIX4's power control cannot switch itself off.
    stop_forever();
}

void halt() { stop_forever(); }

}  // namespace board
