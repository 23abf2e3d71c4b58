// Interrupt lines and their handlers, Linux's request_irq() interface.
// Numbering: 0-15 are the i8259 pair's ISA lines, 16 + n is CPU line IP n
// (so the CP0 timer on IP7 is 23).
#pragma once
#include <stdint.h>

enum class irqreturn { none, handled };
using irq_handler_t = irqreturn (*)(unsigned irq, void* dev_id);

constexpr unsigned NR_IRQS = 24;
constexpr unsigned MIPS_CPU_IRQ_BASE = 16;

// How a controller masks and acknowledges a line (the board provides them).
struct irq_chip {
    const char* name;
    void (*mask)(unsigned irq);
    void (*unmask)(unsigned irq);
    void (*eoi)(unsigned irq);
};

void irq_set_chip(unsigned irq, const irq_chip* chip);
// 0, or -EINVAL (bad line, no handler), -EBUSY (line taken: no sharing yet).
int request_irq(unsigned irq, irq_handler_t handler, const char* name, void* dev_id);
void free_irq(unsigned irq, void* dev_id);
void generic_handle_irq(unsigned irq);   // from the arch/board dispatch

struct irq_stat {
    const char* name;      // handler's name, or nullptr when free
    const char* chip;
    uint32_t count;
};
irq_stat irq_get_stat(unsigned irq);
uint32_t irq_spurious_count();
