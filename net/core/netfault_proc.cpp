// /proc/net/netfault: what the injected faults did, one line per
// configured interface, laid out as /proc/net/dev (net/core/net-procfs.c).
#include "kernel/fs/proc.h"
#include "net/core/net_procfs.h"
#include "net/core/netfault.h"

namespace netfault_internal {
extern netfault_dev table[NETFAULT_MAX_DEVS];
extern bool used[NETFAULT_MAX_DEVS];
}  // namespace netfault_internal

namespace {

void show_path(seq_file* m, const netfault_counters& s) {
    seq_printf(m, " %7lu %6lu %6lu %8lu %8lu %7lu", s.frames, s.drops, s.dups, s.reorders, s.corrupts, s.delayed);
}

int netfault_seq_show(seq_file* m, void*) {
    seq_puts(m, "Inter-|   Receive                                         |  Transmit\n"
                " face |  frames  drops   dups reorders corrupts delayed |  frames  drops   dups reorders corrupts delayed\n");
    for (unsigned i = 0; i < NETFAULT_MAX_DEVS; ++i) {
        if (!netfault_internal::used[i]) {
            continue;
        }
        const netfault_dev& nf = netfault_internal::table[i];
        seq_printf(m, "%6s:", nf.cfg.ifname);
        show_path(m, nf.path[0].stats);
        seq_puts(m, " |");
        show_path(m, nf.path[1].stats);
        seq_puts(m, "\n");
    }
    return 0;
}

}  // namespace

void netfault_proc_init() {
    proc_dir_entry* net = proc_net_dir();
    if (!net) {
        return;
    }
    remove_proc_entry("netfault", net);  // host tests start over
    proc_create_single("netfault", 0444, net, netfault_seq_show);
}
