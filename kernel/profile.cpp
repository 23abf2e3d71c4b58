#include "kernel/profile.h"

#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/fs/proc.h"
#include "kernel/kallsyms.h"
#include "kernel/mm/slab.h"
#include "kernel/printk.h"

namespace {

constexpr long min_shift = 2, max_shift = 12, default_shift = 4;
constexpr size_t shown = 40;   // functions in /proc/profile

uint32_t* buckets;
size_t nr_buckets;
unsigned shift;
uintptr_t text_start;
unsigned long samples, outside;
// kallsyms' names of the functions that turn interrupts back on.
const char* irq_on_names[2];

int profile_show(seq_file* m, void*) {
    profile_entry top[shown];
    size_t n = profile_top(top, shown);
    unsigned long total = profile_samples();
    seq_printf(m, "samples %lu, bucket %u bytes, outside the text %lu\n", total, 1u << shift, outside);
    for (size_t i = 0; i < n; ++i) {
        unsigned long permille = total ? top[i].hits * 1000 / total : 0;
        seq_printf(m, "%8lu %3lu.%lu%% %s\n", top[i].hits, permille / 10, permille % 10, top[i].name);
    }
    return 0;
}

int profile_write(const char*, void*) {
    profile_reset();
    return 0;
}

// Keeps out[0..n) sorted by hits, most first, at most cap entries.
void top_insert(profile_entry* out, size_t& n, size_t cap, profile_entry e) {
    size_t at = n;
    while (at > 0 && out[at - 1].hits < e.hits) {
        --at;
    }
    if (at >= cap) {
        return;
    }
    size_t last = n < cap ? n : cap - 1;
    memmove(out + at + 1, out + at, (last - at) * sizeof *out);
    out[at] = e;
    n = n < cap ? n + 1 : cap;
}

}  // namespace

void profile_init(uintptr_t text, uintptr_t text_end) {
    const char* v = cmdline::get("profile");
    if (!v) {
        return;
    }
    long s = *v ? cmdline::get_int("profile", -1) : default_shift;
    if (s < min_shift || s > max_shift) {
        pr_warn("profile: profile=%s is not a shift of %ld..%ld; using %ld\n", v, min_shift, max_shift,
                default_shift);
        s = default_shift;
    }
    shift = static_cast<unsigned>(s);
    size_t n = ((text_end - text) >> shift) + 1;
    buckets = static_cast<uint32_t*>(kcalloc(n, sizeof *buckets, GFP_KERNEL));
    if (!buckets) {
        pr_err("profile: no memory for %zu buckets: profiling off\n", n);
        return;
    }
    nr_buckets = n;
    text_start = text;
    uintptr_t off;
    irq_on_names[0] = kallsyms_lookup(reinterpret_cast<uintptr_t>(&cpu::local_irq_restore), &off);
    irq_on_names[1] = kallsyms_lookup(reinterpret_cast<uintptr_t>(&cpu::local_irq_enable), &off);
    proc_create_rw("profile", nullptr, profile_show, profile_write);
    pr_info("profile: %zu buckets of %u bytes (%zu KiB) over the code\n", n, 1u << shift,
            n * sizeof *buckets / 1024);
}

// A held-off tick goes to the caller of the function that let it in.
static uintptr_t charged_pc(uintptr_t pc, uintptr_t ra) {
    uintptr_t off;
    const char* name = ra ? kallsyms_lookup(pc, &off) : nullptr;
    if (name && (name == irq_on_names[0] || name == irq_on_names[1])) {
        return ra - 8;   // the jal, not the instruction after its delay slot
    }
    return pc;
}

void profile_tick(uintptr_t pc, uintptr_t ra) {
    if (!buckets) {
        return;
    }
    ++samples;
    pc = charged_pc(pc, ra);
    if (pc < text_start || ((pc - text_start) >> shift) >= nr_buckets) {
        ++outside;
        return;
    }
    ++buckets[(pc - text_start) >> shift];
}

void profile_exit() {
    if (!buckets) {
        return;
    }
    remove_proc_entry("profile", nullptr);
    {
        cpu::irq_guard guard;
        kfree(buckets);
        buckets = nullptr;
        nr_buckets = 0;
    }
    samples = outside = 0;
}

bool profile_enabled() { return buckets != nullptr; }
unsigned long profile_samples() { return samples; }

void profile_reset() {
    cpu::irq_guard guard;
    if (buckets) {
        memset(buckets, 0, nr_buckets * sizeof *buckets);
    }
    samples = outside = 0;
}

// Adjacent buckets in one function add up; a bucket is named by its first
// byte (a bucket wider than an instruction may straddle two functions).
size_t profile_top(profile_entry* out, size_t cap) {
    size_t n = 0;
    profile_entry cur{nullptr, 0};
    unsigned long unknown = 0;
    for (size_t i = 0; i < nr_buckets; ++i) {
        uint32_t hits = buckets[i];
        if (!hits) {
            continue;
        }
        uintptr_t off;
        const char* name = kallsyms_lookup(text_start + (i << shift), &off);
        if (!name) {
            unknown += hits;
            continue;
        }
        if (name != cur.name) {
            if (cur.name) {
                top_insert(out, n, cap, cur);
            }
            cur = {name, 0};
        }
        cur.hits += hits;
    }
    if (cur.name) {
        top_insert(out, n, cap, cur);
    }
    if (unknown) {
        top_insert(out, n, cap, {"?", unknown});
    }
    return n;
}
