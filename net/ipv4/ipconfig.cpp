// ip= on the kernel command line (Linux's net/ipv4/ipconfig.c): a static
// configuration, or DHCP (ipconfig_dhcp.cpp).
#include "net/ipv4/ipconfig.h"

#include <stdio.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/notifier.h"
#include "kernel/printk.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/ipconfig_dhcp.h"
#include "net/ipv4/route.h"

namespace {

ic_config ic;
bool ic_valid;
bool ic_applied;
notifier_block ic_notifier;

bool is_proto_name(const char* s) {
    static const char* const names[] = {"on", "any", "dhcp", "bootp", "rarp", "both"};
    for (const char* n : names) {
        if (strcmp(s, n) == 0) {
            return true;
        }
    }
    return false;
}

bool is_off_name(const char* s) { return strcmp(s, "off") == 0 || strcmp(s, "none") == 0 || strcmp(s, "static") == 0; }

bool parse_addr(const char* s, size_t len, __be32* out) { return len == 0 || in4_pton_strict(s, len, out); }

int invalid(const char** why, const char* msg) {
    *why = msg;
    return -EINVAL;
}

// One field by number (nfsroot.rst order).
int parse_field(unsigned num, const char* s, size_t len, ic_config* c, const char** why) {
    switch (num) {
    case 0: return parse_addr(s, len, &c->client) ? 0 : invalid(why, "bad client address");
    case 1: return parse_addr(s, len, &c->server) ? 0 : invalid(why, "bad server address");
    case 2: return parse_addr(s, len, &c->gateway) ? 0 : invalid(why, "bad gateway address");
    case 3: return parse_addr(s, len, &c->netmask) ? 0 : invalid(why, "bad netmask");
    case 4:
        if (len >= sizeof c->hostname) {
            return invalid(why, "hostname longer than 64 characters");
        }
        memcpy(c->hostname, s, len);
        return 0;
    case 5:
        if (len >= sizeof c->device) {
            return invalid(why, "device name too long");
        }
        memcpy(c->device, s, len);
        return 0;
    case 6: {
        char word[8] = {};
        if (len >= sizeof word) {
            return invalid(why, "unknown autoconf method");
        }
        memcpy(word, s, len);
        if (len == 0 || is_off_name(word)) {
            return 0;
        }
        if (!is_proto_name(word)) {
            return invalid(why, "unknown autoconf method");
        }
        memcpy(c->autoconf, word, sizeof c->autoconf);
        return 0;
    }
    case 7: return parse_addr(s, len, &c->dns[0]) ? 0 : invalid(why, "bad dns0 address");
    case 8: return parse_addr(s, len, &c->dns[1]) ? 0 : invalid(why, "bad dns1 address");
    case 9: return parse_addr(s, len, &c->ntp) ? 0 : invalid(why, "bad ntp0 address");
    default: return invalid(why, "more than ten fields");
    }
}

int check_static(ic_config* c, const char** why) {
    if (!ipv4_is_unicast(c->client) || ipv4_is_loopback(c->client)) {
        return invalid(why, "client address is not a unicast address");
    }
    if (c->netmask == 0) {
        c->netmask = inet_classful_mask(c->client);
    } else if (inet_mask_len(c->netmask) < 0) {
        return invalid(why, "netmask is not contiguous");
    }
    if (c->gateway) {
        if (!ipv4_is_unicast(c->gateway) || c->gateway == c->client) {
            return invalid(why, "gateway is not a unicast address");
        }
        if ((c->gateway ^ c->client) & c->netmask) {
            return invalid(why, "gateway not on directly connected network");
        }
    }
    return 0;
}

net_device* ic_pick_device(const ic_config& c, net_device* candidate) {
    if (c.device[0]) {
        return strncmp(candidate->name, c.device, IFNAMSIZ) == 0 ? candidate : nullptr;
    }
    return (candidate->flags & IFF_LOOPBACK) ? nullptr : candidate;
}

int ic_event(notifier_block*, unsigned long event, void* ptr) {
    if (event != NETDEV_REGISTER || ic_applied || !ic_valid) {
        return NOTIFY_DONE;
    }
    net_device* dev = ic_pick_device(ic, netdev_notifier_info_to_dev(ptr));
    if (dev && ip_config_apply(ic, dev) == 0) {
        ic_applied = true;
    }
    return NOTIFY_DONE;
}

void say_config(const ic_config& c, const char* devname, const char* state) {
    IP4 a(c.client), m(c.netmask), g(c.gateway ? c.gateway : htonl(INADDR_NONE));
    pr_info("IP-Config: %s: device=%s, ipaddr=%s, mask=%s, gw=%s\n", state, devname, a.s, m.s, g.s);
    if (c.hostname[0] || c.dns[0]) {
        IP4 d0(c.dns[0]), d1(c.dns[1]);
        pr_info("IP-Config:      host=%s, nameserver0=%s, nameserver1=%s\n", c.hostname[0] ? c.hostname : "(none)",
                d0.s, d1.s);
    }
}

}  // namespace

int ip_config_parse(const char* value, ic_config* out, const char** why) {
    *out = ic_config{};
    *why = "";
    if (!value || !*value) {
        return invalid(why, "empty");
    }
    if (is_off_name(value)) {
        out->off = true;
        return 0;
    }
    if (is_proto_name(value)) {
        strncpy(out->autoconf, value, sizeof out->autoconf - 1);
        return 0;
    }
    const char* p = value;
    for (unsigned num = 0;; ++num) {
        const char* colon = strchr(p, ':');
        size_t len = colon ? static_cast<size_t>(colon - p) : strlen(p);
        if (int err = parse_field(num, p, len, out, why)) {
            return err;
        }
        if (!colon) {
            break;
        }
        p = colon + 1;
    }
    if (out->autoconf[0]) {
        return 0;
    }
    if (out->client == 0) {
        out->off = true;  // Linux: no address and no autoconf protocol means off
        return 0;
    }
    return check_static(out, why);
}

int ip_config_apply(const ic_config& c, net_device* dev) {
    if (c.off) {
        return 0;
    }
    if (c.autoconf[0] && !ip_config_is_dhcp(c)) {
        // Linux: "bootp" is BOOTP without DHCP, "rarp" RARP, "both" the two.
        pr_err("IP-Config: %s is not supported (no BOOTP or RARP client); use ip=dhcp or a static ip=\n",
               c.autoconf);
        return -EOPNOTSUPP;
    }
    // From the netdevice notifier: register_netdevice()'s caller or
    // register_netdevice_notifier() holds the RTNL.
    if (c.autoconf[0]) {
        int err = ic_dhcp_start(dev);
        if (err) {
            pr_err("IP-Config: cannot start DHCP on %s: error %d\n", dev->name, err);
        }
        return err;
    }
    int err = dev_open(dev);
    if (err) {
        pr_err("IP-Config: cannot open %s: error %d\n", dev->name, err);
        return err;
    }
    err = inet_ifa_add(dev, c.client, static_cast<unsigned>(inet_mask_len(c.netmask)), 0, nullptr);
    if (err && err != -EEXIST) {
        pr_err("IP-Config: cannot set %s's address: error %d\n", dev->name, err);
        return err;
    }
    if (c.gateway) {
        fib_config r;
        r.gw = c.gateway;
        r.dev = dev;
        r.protocol = RTPROT_BOOT;
        err = fib_add_route(r);
        if (err && err != -EEXIST) {
            pr_err("IP-Config: cannot add the default route: error %d\n", err);
            return err;
        }
    }
    say_config(c, dev->name, "Complete");
    return 0;
}

void ip_auto_config() {
    ic_valid = ic_applied = false;
    const char* value = cmdline::get("ip");
    if (!value) {
        return;
    }
    const char* why;
    if (ip_config_parse(value, &ic, &why) != 0) {
        pr_err("IP-Config: ip=%s: %s; nothing configured\n", value, why);
        return;
    }
    if (ic.off) {
        pr_info("IP-Config: off\n");
        return;
    }
    if (ic.autoconf[0] && !ip_config_is_dhcp(ic)) {
        ip_config_apply(ic, nullptr);
        return;
    }
    ic_valid = true;
    ic_notifier = {ic_event, nullptr, -10};  // after devinet has set the device up for IPv4
    register_netdevice_notifier(&ic_notifier);  // applies now if the device is there
}

void ip_auto_config_late() {
    if (!ic_valid || ic_applied) {
        return;
    }
    const char* name = ic.device[0] ? ic.device : "(any Ethernet)";
    if (ip_config_is_dhcp(ic)) {
        pr_warn("IP-Config: DHCP pending: device %s not found; the client starts when it registers\n", name);
        return;
    }
    say_config(ic, name, "Pending");
    pr_warn("IP-Config: device %s not found; it is configured when it registers\n", name);
}

void ip_auto_config_exit() {
    if (ic_valid) {
        unregister_netdevice_notifier(&ic_notifier);
    }
    ic_valid = ic_applied = false;
}

const ic_config* ip_config_current(bool* applied) {
    if (applied) {
        *applied = ic_applied;
    }
    return ic_valid ? &ic : nullptr;
}

bool ip_config_is_dhcp(const ic_config& c) {
    return strcmp(c.autoconf, "dhcp") == 0 || strcmp(c.autoconf, "on") == 0 || strcmp(c.autoconf, "any") == 0;
}

void ip_auto_config_wait() {
    if (!ic_valid || !ip_config_is_dhcp(ic) || !ic_dhcp_running()) {
        return;
    }
    unsigned timeout_s = static_cast<unsigned>(cmdline::get_int("dhcp.timeout", 20));
    if (!ic_dhcp_wait(timeout_s * 1000u)) {
        pr_warn("IP-Config: No DHCP answer within %u s; booting on, the client keeps trying\n", timeout_s);
    }
}

size_t ic_ntp_servers(__be32* out, size_t max) {
    size_t n = 0;
    dhcp_lease l;
    if (ic_valid && ic_dhcp_lease(&l)) {
        for (__be32 a : l.ntp) {
            if (a && n < max) {
                out[n++] = a;
            }
        }
    }
    if (n == 0 && ic_valid && ic.ntp && max) {
        out[n++] = ic.ntp;   // ip='s ntp0 field: the fallback, as Linux's
    }
    return n;
}

size_t ntp_servers_seq_show(char* buf, size_t len) {
    __be32 s[3];
    size_t n = ic_ntp_servers(s, 3);
    size_t used = 0;
    if (len) {
        buf[0] = '\0';
    }
    for (size_t i = 0; i < n; ++i) {
        int k = snprintf(buf ? buf + (used < len ? used : len) : nullptr, used < len ? len - used : 0, "%s\n",
                         IP4(s[i]).s);
        used += k > 0 ? static_cast<size_t>(k) : 0;
    }
    return used;
}

namespace {

// Linux's pnp_seq_show for a DHCP lease: domain, nameservers (ip='s dns0
// and dns1 when the server named none), the server as bootserver.
size_t pnp_dhcp_show(char* buf, size_t len) {
    dhcp_lease l;
    bool bound = ic_dhcp_lease(&l);
    const __be32* dns = bound && l.dns[0] ? l.dns : ic.dns;
    unsigned ndns = bound && l.dns[0] ? 3 : 2;
    size_t used = 0;
    auto put = [&](const char* key, const char* value) {
        int k = snprintf(buf ? buf + (used < len ? used : len) : nullptr, used < len ? len - used : 0, "%s%s%s\n",
                         key, *value ? " " : "", value);
        used += k > 0 ? static_cast<size_t>(k) : 0;
    };
    if (len) {
        buf[0] = '\0';
    }
    put("#PROTO: DHCP", "");
    if (bound && l.domain[0]) {
        put("domain", l.domain);
    }
    for (unsigned i = 0; i < ndns; ++i) {
        if (dns[i]) {
            put("nameserver", IP4(dns[i]).s);
        }
    }
    if (bound && l.server) {
        put("bootserver", IP4(l.server).s);
    }
    return used;
}

}  // namespace

size_t pnp_seq_show(char* buf, size_t len) {
    int n = 0;
    if (ic_valid && ip_config_is_dhcp(ic)) {
        return pnp_dhcp_show(buf, len);
    }
    if (ic_valid) {
        IP4 d0(ic.dns[0]), d1(ic.dns[1]), srv(ic.server);
        n = snprintf(buf, len, "#PROTO: MANUAL\n%s%s%s%s%s%s%s%s%s", ic.dns[0] ? "nameserver " : "", ic.dns[0] ? d0.s : "",
                     ic.dns[0] ? "\n" : "", ic.dns[1] ? "nameserver " : "", ic.dns[1] ? d1.s : "", ic.dns[1] ? "\n" : "",
                     ic.server ? "bootserver " : "", ic.server ? srv.s : "", ic.server ? "\n" : "");
    } else if (len) {
        buf[0] = '\0';
    }
    return n > 0 ? static_cast<size_t>(n) : 0;
}
