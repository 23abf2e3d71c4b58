// IPv4 option parsing and the copy-flag rewrite for fragments.
#include "net/ipv4/ip_options.h"

#include <string.h>

#include "kernel/uapi/errno.h"

namespace {

constexpr unsigned IP_HDR_LEN = 20;

// Route options: code, length, pointer (>= 4), then addresses (RFC 791).
bool check_route(const uint8_t* p, unsigned len, unsigned at, unsigned* bad) {
    if (len < 3) {
        *bad = at + 1;
        return false;
    }
    if (p[2] < 4) {
        *bad = at + 2;
        return false;
    }
    return true;
}

bool check_timestamp(const uint8_t* p, unsigned len, unsigned at, unsigned* bad) {
    if (len < 4) {
        *bad = at + 1;
        return false;
    }
    if (p[2] < 5) {
        *bad = at + 2;
        return false;
    }
    unsigned flag = p[3] & 0x0f;
    if (flag != IPOPT_TS_TSONLY && flag != IPOPT_TS_TSANDADDR && flag != IPOPT_TS_PRESPEC) {
        *bad = at + 3;
        return false;
    }
    unsigned entry = flag == IPOPT_TS_TSONLY ? 4 : 8;
    if (p[2] <= len && p[2] + entry - 1 > len) {
        *bad = at + 2;  // pointer inside the option but no room for an entry
        return false;
    }
    return true;
}

}  // namespace

int ip_options_compile(const uint8_t* opt, unsigned optlen, ip_options_info* info, unsigned* pp_ptr) {
    *info = {};
    unsigned i = 0;
    while (i < optlen) {
        uint8_t kind = opt[i];
        unsigned at = IP_HDR_LEN + i;
        if (kind == IPOPT_END) {
            return 0;
        }
        if (kind == IPOPT_NOOP) {
            ++i;
            continue;
        }
        unsigned left = optlen - i;
        if (left < 2 || opt[i + 1] < 2 || opt[i + 1] > left) {
            *pp_ptr = left < 2 ? at : at + 1;
            return -EINVAL;
        }
        const uint8_t* p = opt + i;
        unsigned len = p[1];
        unsigned bad = at;
        bool ok = true;
        switch (kind) {
        case IPOPT_LSRR:
        case IPOPT_SSRR:
            ok = !info->srr && check_route(p, len, at, &bad);
            info->srr = static_cast<uint8_t>(at);
            info->is_strictroute = kind == IPOPT_SSRR;
            break;
        case IPOPT_RR:
            ok = !info->rr && check_route(p, len, at, &bad);
            info->rr = static_cast<uint8_t>(at);
            break;
        case IPOPT_TIMESTAMP:
            ok = !info->ts && check_timestamp(p, len, at, &bad);
            info->ts = static_cast<uint8_t>(at);
            break;
        case IPOPT_RA:
            if (len < 4) {
                ok = false;
                bad = at + 1;
            } else if (p[2] == 0 && p[3] == 0) {
                info->router_alert = static_cast<uint8_t>(at);
            }
            break;
        default:
            break;
        }
        if (!ok) {
            *pp_ptr = bad;
            return -EINVAL;
        }
        i += len;
    }
    return 0;
}

void ip_options_fragment(uint8_t* opt, unsigned optlen) {
    unsigned i = 0;
    while (i < optlen) {
        uint8_t kind = opt[i];
        if (kind == IPOPT_END) {
            return;
        }
        if (kind == IPOPT_NOOP) {
            ++i;
            continue;
        }
        unsigned left = optlen - i;
        if (left < 2 || opt[i + 1] < 2 || opt[i + 1] > left) {
            return;
        }
        unsigned len = opt[i + 1];
        if (!(kind & IPOPT_COPY)) {
            memset(opt + i, IPOPT_NOOP, len);
        }
        i += len;
    }
}
