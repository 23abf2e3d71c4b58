// ipv4_init: the order of Linux's inet_init (seed 000) for what exists.
#include "net/ipv4/af_inet.h"

#include "kernel/printk.h"
#include "net/ipv4/arp.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/ipconfig.h"
#include "net/ipv4/proc.h"
#include "net/ipv4/protocol.h"
#include "net/ipv4/route.h"
#include "net/ipv4/snmp.h"

void ipv4_init() {
    ipv4_mib::reset();
    inet_protos_reset();
    arp_init();
    ip_init();
    icmp_init();
    ipfrag_init();
    ipv4_proc_init();
    pr_info("IPv4: ARP, ICMP, reassembly (%lu KiB, %lu s), routing ready\n", sysctl_ipfrag.high_thresh / 1024,
            sysctl_ipfrag.time / HZ);
    ip_auto_config();
}

void ipv4_exit() {
    ip_auto_config_exit();
    ipfrag_exit();
    icmp_exit();
    ip_exit();
    arp_exit();
    inet_protos_reset();
}
