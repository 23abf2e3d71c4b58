// The console UART: ISA COM1, a 16550 at port 0x3F8 on IRQ 4 (Malta User's
// Manual; register layout from the PC16550D datasheet, table 2).
#include "board/malta/uart16550.h"

#include <stdint.h>

#include "board/malta/io.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/printk.h"

namespace malta {

namespace {

constexpr uint16_t base = 0x3f8;
constexpr unsigned irq = 4;

enum reg : uint16_t { rbr_thr = 0, ier = 1, iir_fcr = 2, lcr = 3, mcr = 4, lsr = 5, msr = 6 };
constexpr uint8_t lcr_dlab = 0x80, lcr_8n1 = 0x03;
constexpr uint8_t fcr_enable = 0x01, fcr_clear = 0x06;
constexpr uint8_t mcr_dtr = 0x01, mcr_rts = 0x02, mcr_out2 = 0x08;  // OUT2 gates the IRQ
constexpr uint8_t ier_rdi = 0x01;
constexpr uint8_t lsr_dr = 0x01, lsr_thre = 0x20;
constexpr unsigned clock_hz = 1843200;

uint8_t rd(reg r) { return inb(base + r); }
void wr(reg r, uint8_t v) { outb(base + r, v); }

irqreturn uart_interrupt(unsigned, void*) {
    bool any = false;
    while (rd(lsr) & lsr_dr) {
        console::receive(static_cast<char>(rd(rbr_thr)));
        any = true;
    }
    return any ? irqreturn::handled : irqreturn::none;
}

}  // namespace

void uart_init(unsigned baud) {
    unsigned divisor = clock_hz / (16 * baud);
    wr(ier, 0);
    wr(lcr, lcr_dlab);
    wr(rbr_thr, divisor & 0xff);
    wr(ier, divisor >> 8);
    wr(lcr, lcr_8n1);
    wr(iir_fcr, fcr_enable | fcr_clear);
    wr(mcr, mcr_dtr | mcr_rts | mcr_out2);
}

void uart_putc(char c) {
    while (!(rd(lsr) & lsr_thre)) {
    }
    wr(rbr_thr, static_cast<uint8_t>(c));
}

void uart_enable_rx_irq() {
    if (request_irq(irq, uart_interrupt, 0, "serial", nullptr) != 0) {
        pr_err("uart: IRQ %u busy, console input is polled only\n", irq);
        return;
    }
    wr(ier, ier_rdi);
}

}  // namespace malta
