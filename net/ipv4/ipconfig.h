// Kernel-level IP configuration from the command line, Linux's ip=
// parameter (Documentation/admin-guide/nfs/nfsroot.rst, net/ipv4/ipconfig.c):
//
//   ip=<client-ip>:<server-ip>:<gw-ip>:<netmask>:<hostname>:<device>:<autoconf>:<dns0-ip>:<dns1-ip>:<ntp0-ip>
//
// ip=off or ip=none does nothing. ip=dhcp, ip=on or ip=any (or that word
// in the autoconf field, ip=::::::dhcp) runs the DHCP client
// (ipconfig_dhcp.h) on the device; bootp, rarp and both (Linux: BOOTP
// without DHCP, RARP, the two) are refused with a message. A static
// configuration is applied to its device (or the first non-loopback
// device) as soon as it registers, or at once if it already has: the
// device is opened, the address and the default route added.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "net/core/if.h"
#include "net/ipv4/in.h"

struct net_device;

struct ic_config {
    bool off = false;          // ip=off/none, or no client address and autoconf off
    char autoconf[8] = {};     // "" for static, else the protocol asked for
    __be32 client = 0;
    __be32 server = 0;
    __be32 gateway = 0;
    __be32 netmask = 0;        // the classful mask if none was given
    char hostname[65] = {};
    char device[IFNAMSIZ] = {};
    __be32 dns[2] = {};
    __be32 ntp = 0;
};

// Parses the value of ip=. 0, or -EINVAL with *why saying what is wrong
// (strict: every address a dotted quad, a contiguous mask, a unicast
// client, a gateway on the client's subnet, at most ten fields).
int ip_config_parse(const char* value, ic_config* out, const char** why);
// Opens dev and configures it. 0 or -errno (said with pr_err).
int ip_config_apply(const ic_config& c, net_device* dev);
// At boot (ipv4_init): reads ip= from the command line and applies it now
// or when its device registers (a netdevice notifier).
void ip_auto_config();
// After the drivers have probed (start_kernel): says so if the device is
// still missing; it is still configured if it registers later.
void ip_auto_config_late();
void ip_auto_config_exit();   // forgets it (tests)
// What ip= asked for, nullptr if nothing (or it was invalid); whether it
// has been applied.
const ic_config* ip_config_current(bool* applied);
// /proc/net/pnp: "#PROTO: MANUAL" or "#PROTO: DHCP", the domain,
// nameservers, the boot server (Linux's format).
size_t pnp_seq_show(char* buf, size_t len);
// Whether c's autoconf field asks for DHCP ("dhcp", "on", "any").
bool ip_config_is_dhcp(const ic_config& c);
// From init before the apps (Linux's ip_auto_config waits in kernel_init):
// with ip=dhcp, waits for the first lease up to dhcp.timeout= seconds
// (20), then boots on either way.
void ip_auto_config_wait();
// The NTP servers learned (DHCP option 42, else ip='s ntp0): up to max
// into out, how many. For an SNTP client.
size_t ic_ntp_servers(__be32* out, size_t max);
// /proc/net/ipconfig/ntp_servers (Linux 5.x): one address a line.
size_t ntp_servers_seq_show(char* buf, size_t len);
