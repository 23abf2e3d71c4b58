// The interrupt descriptor shared by kernel/irq.cpp and the spurious
// interrupt detector (Linux's kernel/irq/internals.h).
#pragma once
#include "kernel/irq.h"

struct irqaction {
    irq_handler_t handler;     // nullptr: the pool slot is free
    void* dev_id;
    unsigned long flags;
    const char* name;
    irqaction* next;
};

struct irq_desc {
    const irq_chip* chip;
    irqaction* action;         // handlers, in the order they were requested
    uint32_t count;
    // note_interrupt()'s window (kernel/irq/spurious.c)
    uint32_t irq_count;
    uint32_t irqs_unhandled;
    unsigned long last_unhandled;   // jiffies
    bool spurious_disabled;
};

// Called after the handlers ran, interrupts masked. Disables a line whose
// interrupts nobody claims; returns true when it just did.
bool note_interrupt(unsigned irq, irq_desc& desc, irqreturn ret);
