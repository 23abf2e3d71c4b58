// /proc/net's IPv4 files (Linux's net/ipv4/proc.c, route.c, arp.c,
// ipconfig.c): IPv4's text listings (net/ipv4/proc.h) behind seq_files.
#include "net/core/net_procfs.h"
#include "net/ipv4/af_inet.h"
#include "net/ipv4/ipconfig.h"
#include "net/ipv4/proc.h"

namespace {

using text_fn = size_t (*)(char* buf, size_t len);

// A listing into what is left of the seq_file's page; cut (and said so
// by the proc layer) when it does not fit.
int show_text(seq_file* m, text_fn fn) {
    size_t room = m->size - m->count;
    size_t need = fn(m->buf + m->count, room);
    if (need >= room) {
        m->count = m->size;
        m->overflow = true;
    } else {
        m->count += need;
    }
    return 0;
}

template <text_fn Fn>
int show(seq_file* m, void*) {
    return show_text(m, Fn);
}

struct entry {
    const char* name;
    proc_show_fn show;
};
constexpr entry entries[] = {
    {"route", show<rt_proc_show>},
    {"arp", show<arp_seq_show>},
    {"snmp", show<snmp_seq_show>},
    {"netstat", show<netstat_seq_show>},
    {"pnp", show<pnp_seq_show>},
};

}  // namespace

void ipv4_proc_init() {
    proc_dir_entry* net = proc_net_dir();
    if (!net) {
        return;
    }
    for (const entry& e : entries) {
        remove_proc_entry(e.name, net);   // host tests start over
        proc_create_single(e.name, 0444, net, e.show);
    }
}
