// Interrupt lines and their handlers, Linux's request_irq() interface
// (include/linux/interrupt.h, kernel/irq/manage.c).
// Numbering: 0-15 are the i8259 pair's ISA lines, 16 + n is CPU line IP n
// (so the CP0 timer on IP7 is 23).
#pragma once
#include <stddef.h>
#include <stdint.h>

enum class irqreturn { none, handled };
using irq_handler_t = irqreturn (*)(unsigned irq, void* dev_id);

// request_irq() flags, Linux's values.
constexpr unsigned long IRQF_SHARED = 0x00000080;   // the line may have other handlers

constexpr unsigned NR_IRQS = 24;
constexpr unsigned MIPS_CPU_IRQ_BASE = 16;
// Every handler on every line comes from one fixed pool: nothing is
// allocated when a line fires, and request_irq() runs before the heap.
constexpr unsigned NR_IRQ_ACTIONS = 32;

// How a controller masks and acknowledges a line (the board provides them).
struct irq_chip {
    const char* name;
    void (*mask)(unsigned irq);
    void (*unmask)(unsigned irq);
    void (*eoi)(unsigned irq);
};

void irq_set_chip(unsigned irq, const irq_chip* chip);
// Adds a handler to the line. 0, or -EINVAL (bad line, no handler, shared
// without a dev_id), -EBUSY (the line has handlers and not every one, this
// one included, asked for IRQF_SHARED), -ENOMEM (the pool is used up).
// A line that note_interrupt() disabled gets another chance: it is unmasked.
int request_irq(unsigned irq, irq_handler_t handler, unsigned long flags, const char* name,
                void* dev_id);
// Removes the handler registered with dev_id; the last one masks the line.
void free_irq(unsigned irq, void* dev_id);
void generic_handle_irq(unsigned irq);   // from the arch/board dispatch

struct irq_stat {
    const char* name;      // first handler's name, or nullptr when free
    const char* chip;
    uint32_t count;            // interrupts taken on the line
    uint32_t unhandled;        // of the current 100,000, those no handler claimed
    bool spurious_disabled;    // cut off by note_interrupt()
};
irq_stat irq_get_stat(unsigned irq);
// Name of the line's n-th handler (from 0), nullptr past the last.
const char* irq_action_name(unsigned irq, unsigned n);
uint32_t irq_spurious_count();            // interrupts nobody claimed, all lines
uint32_t irq_spurious_disabled_count();   // lines note_interrupt() has cut off
