// netfault= : parsing, the table of configured interfaces, and attaching
// them to their devices as those register.
#include <stdlib.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/core/netfault.h"

namespace netfault_internal {
extern netfault_dev table[NETFAULT_MAX_DEVS];
extern bool used[NETFAULT_MAX_DEVS];
void path_init(netfault_path& p, netfault_dir dir, const netfault_config* cfg);
}  // namespace netfault_internal

using netfault_internal::table;
using netfault_internal::used;

namespace {

// "5%", "0.5%", "100%": parts per million, at most four decimals.
bool parse_percent(const char* v, uint32_t* ppm) {
    uint64_t whole = 0;
    const char* p = v;
    if (*p < '0' || *p > '9') {
        return false;
    }
    while (*p >= '0' && *p <= '9') {
        whole = whole * 10 + static_cast<unsigned>(*p++ - '0');
        if (whole > 100) {
            return false;
        }
    }
    uint64_t frac = 0;
    unsigned digits = 0;
    if (*p == '.') {
        ++p;
        while (*p >= '0' && *p <= '9') {
            if (++digits > 4) {
                return false;
            }
            frac = frac * 10 + static_cast<unsigned>(*p++ - '0');
        }
        if (digits == 0) {
            return false;
        }
    }
    if (p[0] != '%' || p[1] != '\0') {
        return false;
    }
    for (; digits < 4; ++digits) {
        frac *= 10;
    }
    uint64_t v_ppm = whole * 10000 + frac;
    if (v_ppm > NETFAULT_PPM) {
        return false;
    }
    *ppm = static_cast<uint32_t>(v_ppm);
    return true;
}

// "20ms", "1s", "500us" (rounded up to whole ms), at most 10 s.
bool parse_time(const char* v, unsigned* ms) {
    if (*v < '0' || *v > '9') {
        return false;
    }
    char* end = nullptr;
    unsigned long n = strtoul(v, &end, 10);
    uint64_t out;
    if (strcmp(end, "ms") == 0) {
        out = n;
    } else if (strcmp(end, "s") == 0) {
        out = uint64_t{n} * 1000;
    } else if (strcmp(end, "us") == 0) {
        out = (uint64_t{n} + 999) / 1000;
    } else {
        return false;
    }
    if (out > 10000) {
        return false;
    }
    *ms = static_cast<unsigned>(out);
    return true;
}

bool parse_uint32(const char* v, uint32_t* out) {
    if (*v < '0' || *v > '9') {
        return false;
    }
    char* end = nullptr;
    unsigned long long n = strtoull(v, &end, 0);
    if (*end || n > UINT32_MAX) {
        return false;
    }
    *out = static_cast<uint32_t>(n);
    return true;
}

bool parse_dir(const char* v, bool* dirs) {
    bool rx = strcmp(v, "rx") == 0, tx = strcmp(v, "tx") == 0, both = strcmp(v, "both") == 0;
    if (!rx && !tx && !both) {
        return false;
    }
    dirs[static_cast<unsigned>(netfault_dir::rx)] = rx || both;
    dirs[static_cast<unsigned>(netfault_dir::tx)] = tx || both;
    return true;
}

bool parse_item(char* item, netfault_config* cfg) {
    char* eq = strchr(item, '=');
    if (!eq) {
        return false;
    }
    *eq = '\0';
    const char* v = eq + 1;
    bool ok = false;
    if (strcmp(item, "drop") == 0) {
        ok = parse_percent(v, &cfg->drop);
    } else if (strcmp(item, "dup") == 0) {
        ok = parse_percent(v, &cfg->dup);
    } else if (strcmp(item, "reorder") == 0) {
        ok = parse_percent(v, &cfg->reorder);
    } else if (strcmp(item, "corrupt") == 0) {
        ok = parse_percent(v, &cfg->corrupt);
    } else if (strcmp(item, "delay") == 0) {
        ok = parse_time(v, &cfg->delay_ms);
    } else if (strcmp(item, "seed") == 0) {
        ok = parse_uint32(v, &cfg->seed);
    } else if (strcmp(item, "dir") == 0) {
        ok = parse_dir(v, cfg->dirs);
    }
    *eq = '=';
    return ok;
}

int find_slot(const char* ifname) {
    for (unsigned i = 0; i < NETFAULT_MAX_DEVS; ++i) {
        if (used[i] && strcmp(table[i].cfg.ifname, ifname) == 0) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

void attach(netfault_dev& nf, net_device* dev) {
    nf.dev = dev;
    for (netfault_path& p : nf.path) {
        p.dev = dev;
    }
    dev->netfault = &nf;
}

}  // namespace

int netfault_parse(const char* spec, netfault_config* cfg) {
    *cfg = netfault_config{};
    cfg->dirs[0] = cfg->dirs[1] = true;
    cfg->seed = 1;
    const char* colon = spec ? strchr(spec, ':') : nullptr;
    size_t name_len = colon ? static_cast<size_t>(colon - spec) : 0;
    if (!colon || name_len == 0 || name_len >= IFNAMSIZ) {
        pr_err("netfault: '%s' does not start with an interface name and ':'; ignored\n", spec ? spec : "");
        return -EINVAL;
    }
    memcpy(cfg->ifname, spec, name_len);
    cfg->ifname[name_len] = '\0';
    const char* p = colon + 1;
    while (*p) {
        size_t len = strcspn(p, ",");
        char item[64];
        size_t n = len < sizeof item ? len : sizeof item - 1;
        memcpy(item, p, n);
        item[n] = '\0';
        if (len >= sizeof item || !parse_item(item, cfg)) {
            pr_err("netfault: %s: bad token '%s'; ignored\n", cfg->ifname, item);
        }
        p += len;
        if (*p == ',') {
            ++p;
        }
    }
    return 0;
}

int netfault_setup(const char* spec) {
    netfault_config cfg;
    if (int err = netfault_parse(spec, &cfg)) {
        return err;
    }
    bh_guard bh;
    int slot = find_slot(cfg.ifname);
    for (unsigned i = 0; slot < 0 && i < NETFAULT_MAX_DEVS; ++i) {
        if (!used[i]) {
            slot = static_cast<int>(i);
        }
    }
    if (slot < 0) {
        pr_err("netfault: %s: no room (at most %u interfaces); ignored\n", cfg.ifname, NETFAULT_MAX_DEVS);
        return -ENOSPC;
    }
    netfault_dev& nf = table[slot];
    net_device* dev = used[slot] ? nf.dev : nullptr;
    if (dev) {
        netfault_flush(dev);
    }
    used[slot] = true;
    nf.cfg = cfg;
    nf.dev = nullptr;
    netfault_internal::path_init(nf.path[0], netfault_dir::rx, &nf.cfg);
    netfault_internal::path_init(nf.path[1], netfault_dir::tx, &nf.cfg);
    if (!dev) {
        dev = __dev_get_by_name(cfg.ifname);
    }
    if (dev) {
        attach(nf, dev);
    }
    pr_info("netfault: %s: drop %u dup %u reorder %u corrupt %u ppm, delay %u ms, %s%s\n", cfg.ifname, cfg.drop,
            cfg.dup, cfg.reorder, cfg.corrupt, cfg.delay_ms, cfg.dirs[0] ? "rx" : "", cfg.dirs[1] ? " tx" : "");
    return 0;
}

void netfault_init() {
    for (unsigned i = 0; i < NETFAULT_MAX_DEVS; ++i) {
        used[i] = false;
        table[i].dev = nullptr;
    }
    for (size_t n = 0; const char* spec = cmdline::get_nth("netfault", n); ++n) {
        netfault_setup(spec);
    }
}

void netfault_attach(net_device* dev) {
    dev->netfault = nullptr;
    int slot = find_slot(dev->name);
    if (slot >= 0) {
        attach(table[slot], dev);
    }
}

void netfault_detach(net_device* dev) {
    netfault_dev* nf = dev->netfault;
    if (!nf) {
        return;
    }
    netfault_flush(dev);
    nf->dev = nullptr;
    for (netfault_path& p : nf->path) {
        p.dev = nullptr;
    }
    dev->netfault = nullptr;
}

const netfault_dev* netfault_find(const char* ifname) {
    int slot = find_slot(ifname);
    return slot < 0 ? nullptr : &table[slot];
}
