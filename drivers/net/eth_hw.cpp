#include "drivers/net/eth_hw.h"

#include <stdio.h>
#include <string.h>

#include "kernel/cpu.h"

namespace {
eth_hw* head;
unsigned count;
}  // namespace

void eth_hw_register(eth_hw& hw) {
    cpu::irq_guard guard;
    snprintf(hw.name, sizeof hw.name, "eth%u", count++);
    hw.next = nullptr;
    eth_hw** tail = &head;
    while (*tail) {
        tail = &(*tail)->next;
    }
    *tail = &hw;
}

void eth_hw_unregister(eth_hw& hw) {
    cpu::irq_guard guard;
    for (eth_hw** p = &head; *p; p = &(*p)->next) {
        if (*p == &hw) {
            *p = hw.next;
            hw.next = nullptr;
            return;
        }
    }
}

eth_hw* eth_hw_first() { return head; }

eth_hw* eth_hw_find(const char* name) {
    for (eth_hw* hw = head; hw; hw = hw->next) {
        if (strcmp(hw->name, name) == 0) {
            return hw;
        }
    }
    return nullptr;
}
