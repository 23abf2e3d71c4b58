// /proc files of subsystems that know nothing of files themselves: softirq
// counters, the slab caches, the buddy allocator, and the tracer (which can
// also be switched here: echo socket,rx > /proc/trace).
#include <string.h>

#include "kernel/fs/proc.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/mm/slab.h"
#include "kernel/softirq.h"
#include "kernel/trace.h"
#include "kernel/uapi/errno.h"

namespace {

// Lets a "write into a buffer" producer fill the seq_file.
template <typename F>
void seq_fill(seq_file* m, F produce) {
    size_t room = m->size - m->count;
    size_t n = produce(m->buf + m->count, room);
    if (n >= room) {
        m->overflow = true;
        n = room ? room - 1 : 0;
    }
    m->count += n;
}

int softirqs_show(seq_file* m, void*) {
    seq_printf(m, "%-10s %12s %12s\n", "", "RAISED", "RUN");
    for (unsigned nr = 0; nr < NR_SOFTIRQS; ++nr) {
        softirq_stat s = get_softirq_stat(nr);
        seq_printf(m, "%-10s %12lu %12lu\n", s.name, static_cast<unsigned long>(s.raised),
                   static_cast<unsigned long>(s.run));
    }
    seq_printf(m, "deferred to ksoftirqd: %lu\n", static_cast<unsigned long>(softirq_deferred_count()));
    return 0;
}

int slabinfo_show_proc(seq_file* m, void*) {
    seq_fill(m, [](char* buf, size_t len) { return slabinfo_show(buf, len); });
    return 0;
}

int buddyinfo_show_proc(seq_file* m, void*) {
    seq_fill(m, [](char* buf, size_t len) { return mm::normal_zone().buddyinfo_show(buf, len); });
    return 0;
}

int trace_show(seq_file* m, void*) {
    seq_puts(m, "categories:");
    for (unsigned c = 0; c < static_cast<unsigned>(trace::cat::count); ++c) {
        auto cat = static_cast<trace::cat>(c);
        seq_printf(m, " %s%s", trace::enabled(cat) ? "+" : "-", trace::cat_name(cat));
    }
    seq_putc(m, '\n');
    static trace::record recs[64];
    size_t n = trace::snapshot(recs, 64);
    for (size_t i = 0; i < n; ++i) {
        const trace::record& r = recs[i];
        if (r.kind == '<') {
            continue;
        }
        seq_printf(m, "%5lu.%06lu %*s%s%s%s\n", static_cast<unsigned long>(r.ns / 1000000000u),
                   static_cast<unsigned long>(r.ns / 1000u % 1000000u), 2 * r.depth, "", r.fn,
                   r.note[0] ? " " : "", r.note);
    }
    return 0;
}

int trace_write(const char* text, void*) {
    return trace::set_from_list(text) < 0 ? -EINVAL : 0;
}

}  // namespace

void proc_kernel_init() {
    proc_create("softirqs", softirqs_show);
    proc_create("slabinfo", slabinfo_show_proc);
    proc_create("buddyinfo", buddyinfo_show_proc);
    proc_create_rw("trace", nullptr, trace_show, trace_write);
}
