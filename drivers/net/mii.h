// IEEE 802.3 clause 22 PHY registers as Linux's include/uapi/linux/mii.h
// names them, and the link a PHY's autonegotiation settled on (Linux's
// mii_nway_result in drivers/net/mii.c: the best mode both ends advertise).
#pragma once
#include <stdint.h>

namespace mii {

constexpr unsigned MII_BMCR = 0, MII_BMSR = 1, MII_PHYSID1 = 2, MII_PHYSID2 = 3, MII_ADVERTISE = 4, MII_LPA = 5;
constexpr unsigned PHY_MAX_ADDR = 32;

constexpr uint16_t BMCR_ANRESTART = 0x0200, BMCR_ANENABLE = 0x1000;
constexpr uint16_t BMSR_LSTATUS = 0x0004, BMSR_ANEGCOMPLETE = 0x0020;
constexpr uint16_t ADVERTISE_10HALF = 0x0020, ADVERTISE_10FULL = 0x0040, ADVERTISE_100HALF = 0x0080,
                   ADVERTISE_100FULL = 0x0100;

struct link {
    bool up = false;
    unsigned speed = 0;   // Mbit/s
    bool full_duplex = false;
};

// The link from BMSR (link status is latched low: read it twice, as the
// caller does), and what both ends advertised.
constexpr link resolve(uint16_t bmsr, uint16_t advertise, uint16_t lpa) {
    if (!(bmsr & BMSR_LSTATUS)) {
        return {};
    }
    uint16_t common = advertise & lpa;
    if (common & ADVERTISE_100FULL) return {true, 100, true};
    if (common & ADVERTISE_100HALF) return {true, 100, false};
    if (common & ADVERTISE_10FULL) return {true, 10, true};
    return {true, 10, false};
}

// A PHY answers at an address when its ID reads as neither all zeros nor
// all ones (no device drives the management data line).
constexpr bool phy_present(uint16_t id1, uint16_t id2) {
    return !((id1 == 0xffff && id2 == 0xffff) || (id1 == 0 && id2 == 0));
}

}  // namespace mii
