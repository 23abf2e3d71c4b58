#include "kernel/trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/time.h"

namespace trace {

namespace {

constexpr const char* names[] = {"syscall", "socket", "rx", "tx", "sched", "irq", "tcp"};
static_assert(sizeof names / sizeof names[0] == static_cast<size_t>(cat::count));

constexpr size_t ring_size = 512;   // a power of two
record ring[ring_size];
size_t head;
uint32_t mask;
uint8_t depth;

record& push(cat c, const char* fn, char kind) {
    record& r = ring[head++ & (ring_size - 1)];
    r.ns = ktime_get_ns();
    r.fn = fn;
    r.c = c;
    r.depth = depth;
    r.kind = kind;
    r.note[0] = '\0';
    return r;
}

void print(const record& r) {
    printk("trace: %*s%s%s%s\n", 2 * r.depth, "", r.fn, r.note[0] ? " " : "", r.note);
}

}  // namespace

const char* cat_name(cat c) { return names[static_cast<size_t>(c)]; }
bool enabled(cat c) { return mask & (1u << static_cast<unsigned>(c)); }

void set(cat c, bool on) {
    cpu::irq_guard guard;
    if (on) {
        mask |= 1u << static_cast<unsigned>(c);
    } else {
        mask &= ~(1u << static_cast<unsigned>(c));
    }
}

int set_from_list(const char* list) {
    uint32_t m = 0;
    int n = 0;
    char buf[96];
    strncpy(buf, list, sizeof buf - 1);
    buf[sizeof buf - 1] = '\0';
    for (char* save = nullptr, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(nullptr, ",", &save)) {
        if (strcmp(tok, "all") == 0) {
            m = (1u << static_cast<unsigned>(cat::count)) - 1;
        } else if (strcmp(tok, "none") != 0) {
            size_t i = 0;
            while (i < static_cast<size_t>(cat::count) && strcmp(tok, names[i]) != 0) {
                ++i;
            }
            if (i == static_cast<size_t>(cat::count)) {
                return -1;
            }
            m |= 1u << i;
        }
        ++n;
    }
    cpu::irq_guard guard;
    mask = m;
    return n;
}

void init_from_cmdline() {
    if (const char* v = cmdline::get("trace")) {
        if (set_from_list(v) < 0) {
            pr_warn("trace: unknown category in trace=%s\n", v);
        }
    }
}

void enter(cat c, const char* fn) {
    cpu::irq_guard guard;
    const record& r = push(c, fn, '>');
    ++depth;
    print(r);
}

void exit(cat c, const char* fn) {
    cpu::irq_guard guard;
    if (depth) {
        --depth;
    }
    push(c, fn, '<');
}

void event(cat c, const char* fn, const char* fmt, ...) {
    if (!enabled(c)) {
        return;
    }
    cpu::irq_guard guard;
    record& r = push(c, fn, '*');
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r.note, sizeof r.note, fmt, ap);
    va_end(ap);
    print(r);
}

size_t snapshot(record* out, size_t max) {
    cpu::irq_guard guard;
    size_t n = head < ring_size ? head : ring_size;
    if (n > max) {
        n = max;
    }
    for (size_t i = 0; i < n; ++i) {
        out[i] = ring[(head - n + i) & (ring_size - 1)];
    }
    return n;
}

void clear() {
    cpu::irq_guard guard;
    head = 0;
    depth = 0;
}

}  // namespace trace
