// /proc/net/dev and /proc/net/protocols (Linux's net/core/net-procfs.c,
// net/core/sock.c); /proc/net/sockstat is TCP's (net/ipv4/tcp_proc.cpp).
#include "net/core/net_procfs.h"

#include "kernel/fs/namei.h"
#include "net/core/netdevice.h"
#include "net/core/netfault.h"
#include <initializer_list>

#include "net/core/sock.h"
#include "net/socket.h"

namespace {

proc_dir_entry* proc_net;

// Linux's dev_seq_printf_stats columns: what ifconfig and netstat -i parse.
int dev_seq_show(seq_file* m, void*) {
    seq_puts(m, "Inter-|   Receive                                                |  Transmit\n"
                " face |bytes    packets errs drop fifo frame compressed multicast|"
                "bytes    packets errs drop fifo colls carrier compressed\n");
    for (net_device& dev : for_each_netdev()) {
        const net_device_stats* s = dev_get_stats(&dev);
        seq_printf(m,
                   "%6s: %7lu %7lu %4lu %4lu %4lu %5lu %10lu %9lu "
                   "%8lu %7lu %4lu %4lu %4lu %5lu %7lu %10lu\n",
                   dev.name, s->rx_bytes, s->rx_packets, s->rx_errors,
                   s->rx_dropped + s->rx_missed_errors, s->rx_fifo_errors,
                   s->rx_length_errors + s->rx_over_errors + s->rx_crc_errors + s->rx_frame_errors,
                   s->rx_compressed, s->multicast, s->tx_bytes, s->tx_packets, s->tx_errors,
                   s->tx_dropped, s->tx_fifo_errors, s->collisions,
                   s->tx_carrier_errors + s->tx_aborted_errors + s->tx_window_errors +
                       s->tx_heartbeat_errors,
                   s->tx_compressed);
    }
    return 0;
}

void proto_line(const proto& p, void* arg) {
    auto* m = static_cast<seq_file*>(arg);
    seq_printf(m, "%-9s %4u %6d\n", p.name, static_cast<unsigned>(p.obj_size), p.inuse);
}

int proto_seq_show(seq_file* m, void*) {
    seq_puts(m, "protocol  size sockets\n");
    proto_for_each(proto_line, m);
    return 0;
}

}  // namespace

proc_dir_entry* proc_net_dir() {
    if (!proc_net) {
        proc_net = proc_mkdir("net", nullptr);
    }
    if (!proc_net) {
        // Someone else made it first.
        if (inode* i = proc_lookup("net")) {
            proc_net = i->i_pde;
            iput(i);
        }
    }
    return proc_net;
}

void dev_proc_init() {
    proc_dir_entry* net = proc_net_dir();
    if (!net) {
        return;
    }
    for (const char* name : {"dev", "protocols"}) {
        remove_proc_entry(name, net);   // host tests start over
    }
    proc_create_single("dev", 0444, net, dev_seq_show);
    proc_create_single("protocols", 0444, net, proto_seq_show);
    netfault_proc_init();
}
