// /proc/net/{snmp,netstat,arp,route,pnp} (Linux's ipv4_proc_init and the
// files of route.c, arp.c, ipconfig.c), over the producers of proc.h.
#include "kernel/fs/proc.h"
#include "kernel/printk.h"
#include "net/core/net_procfs.h"
#include "net/ipv4/ipconfig.h"
#include "net/ipv4/ipconfig_dhcp.h"
#include "net/ipv4/proc.h"

namespace {

proc_dir_entry* proc_net;

// A producer's text into the seq_file's page, cut (and said so) past it.
template <size_t (*show)(char*, size_t)>
int show_entry(seq_file* m, void*) {
    size_t room = m->size - m->count;
    size_t need = show(m->buf + m->count, room);
    if (need >= room) {
        m->overflow = true;
        m->count = m->size;
    } else {
        m->count += need;
    }
    return 0;
}

}  // namespace

proc_dir_entry* ipv4_proc_net() { return proc_net; }

void ipv4_proc_init() {
    if (proc_net) {
        return;  // the entries outlive a host test's ipv4_exit()
    }
    proc_net = proc_net_dir();   // the net core's /proc/net (net_procfs.h)
    if (!proc_net) {
        pr_warn("IPv4: /proc is full; no /proc/net/snmp etc.\n");
        return;
    }
    proc_create_single("snmp", 0444, proc_net, show_entry<snmp_seq_show>);
    proc_create_single("netstat", 0444, proc_net, show_entry<netstat_seq_show>);
    proc_create_single("arp", 0444, proc_net, show_entry<arp_seq_show>);
    proc_create_single("route", 0444, proc_net, show_entry<rt_proc_show>);
    proc_create_single("pnp", 0444, proc_net, show_entry<pnp_seq_show>);
    proc_create_single("dhcp", 0444, proc_net, show_entry<dhcp_seq_show>);
    if (proc_dir_entry* ipconfig = proc_mkdir("ipconfig", proc_net)) {
        proc_create_single("ntp_servers", 0444, ipconfig, show_entry<ntp_servers_seq_show>);
    }
}
