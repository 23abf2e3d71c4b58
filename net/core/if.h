// Interface flags and name length (Linux's include/uapi/linux/if.h; the
// values are the ABI's, as SIOCGIFFLAGS returns them).
#pragma once

constexpr unsigned IFNAMSIZ = 16;

constexpr unsigned IFF_UP = 1u << 0;           // administratively up (dev_open)
constexpr unsigned IFF_BROADCAST = 1u << 1;    // broadcast address valid
constexpr unsigned IFF_DEBUG = 1u << 2;
constexpr unsigned IFF_LOOPBACK = 1u << 3;
constexpr unsigned IFF_POINTOPOINT = 1u << 4;
constexpr unsigned IFF_NOTRAILERS = 1u << 5;
constexpr unsigned IFF_RUNNING = 1u << 6;      // up and carrier: computed by dev_get_flags()
constexpr unsigned IFF_NOARP = 1u << 7;
constexpr unsigned IFF_PROMISC = 1u << 8;      // receives all frames (dev_set_promiscuity)
constexpr unsigned IFF_ALLMULTI = 1u << 9;     // receives all multicast (dev_set_allmulti)
constexpr unsigned IFF_MASTER = 1u << 10;
constexpr unsigned IFF_SLAVE = 1u << 11;
constexpr unsigned IFF_MULTICAST = 1u << 12;
constexpr unsigned IFF_PORTSEL = 1u << 13;
constexpr unsigned IFF_AUTOMEDIA = 1u << 14;
constexpr unsigned IFF_DYNAMIC = 1u << 15;
constexpr unsigned IFF_LOWER_UP = 1u << 16;    // carrier: computed by dev_get_flags()
constexpr unsigned IFF_DORMANT = 1u << 17;
