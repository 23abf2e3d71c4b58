// Interface names and indexes (<net/if.h>), through SIOCGIFINDEX and
// SIOCGIFNAME on a throwaway socket, as glibc does with an AF_INET
// SOCK_DGRAM socket. UDP is not built yet, so the next kinds are tried:
// a packet socket, then a raw one (both need the privilege of an
// APP_PRIVILEGED app); an unprivileged caller gets the socket's error.
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace {

int ctl_socket() {
    const int kinds[][3] = {{AF_INET, SOCK_DGRAM, 0}, {AF_PACKET, SOCK_DGRAM, 0}, {AF_INET, SOCK_RAW, IPPROTO_RAW}};
    int err = 0;
    for (const auto& k : kinds) {
        int fd = socket(k[0], k[1] | SOCK_CLOEXEC, k[2]);
        if (fd >= 0) {
            return fd;
        }
        if (!err) {
            err = errno;
        }
    }
    errno = err;
    return -1;
}

}  // namespace

extern "C" {

unsigned int if_nametoindex(const char* ifname) {
    struct ifreq ifr;
    if (strlen(ifname) >= IFNAMSIZ) {
        errno = ENODEV;
        return 0;
    }
    int fd = ctl_socket();
    if (fd < 0) {
        return 0;
    }
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    int r = ioctl(fd, SIOCGIFINDEX, &ifr);
    int saved = errno;
    close(fd);
    errno = saved;
    return r < 0 ? 0 : static_cast<unsigned>(ifr.ifr_ifindex);
}

char* if_indextoname(unsigned int ifindex, char* ifname) {
    struct ifreq ifr;
    int fd = ctl_socket();
    if (fd < 0) {
        return nullptr;
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_ifindex = static_cast<int>(ifindex);
    int r = ioctl(fd, SIOCGIFNAME, &ifr);
    int saved = errno;
    close(fd);
    if (r < 0) {
        errno = saved == ENODEV ? ENXIO : saved;   // POSIX: ENXIO for no such index
        return nullptr;
    }
    strncpy(ifname, ifr.ifr_name, IF_NAMESIZE);
    ifname[IF_NAMESIZE - 1] = '\0';
    return ifname;
}

// Every interface: indexes are handed out from 1 in registration order,
// so asking for each name up to the first gaps after the last is enough.
struct if_nameindex* if_nameindex(void) {
    int fd = ctl_socket();
    if (fd < 0) {
        return nullptr;
    }
    size_t n = 0, cap = 8;
    auto* list = static_cast<struct if_nameindex*>(calloc(cap + 1, sizeof(struct if_nameindex)));
    unsigned misses = 0;
    for (unsigned idx = 1; list && misses < 16; ++idx) {
        struct ifreq ifr;
        memset(&ifr, 0, sizeof ifr);
        ifr.ifr_ifindex = static_cast<int>(idx);
        if (ioctl(fd, SIOCGIFNAME, &ifr) < 0) {
            ++misses;
            continue;
        }
        misses = 0;
        if (n == cap) {
            cap *= 2;
            auto* bigger = static_cast<struct if_nameindex*>(realloc(list, (cap + 1) * sizeof(struct if_nameindex)));
            if (!bigger) {
                if_freenameindex(list);
                list = nullptr;
                break;
            }
            list = bigger;
        }
        list[n].if_index = idx;
        list[n].if_name = strdup(ifr.ifr_name);
        ++n;
        list[n] = {0, nullptr};
    }
    close(fd);
    if (!list) {
        errno = ENOBUFS;
    }
    return list;
}

void if_freenameindex(struct if_nameindex* ptr) {
    if (!ptr) {
        return;
    }
    for (struct if_nameindex* p = ptr; p->if_name; ++p) {
        free(p->if_name);
    }
    free(ptr);
}

}  // extern "C"
