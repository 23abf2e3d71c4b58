// Allocation flags, as Linux's include/linux/gfp.h, reduced to what this
// kernel can honour. There is no sleeping allocator (no reclaim, no swap, no
// scheduler to wait in): GFP_KERNEL never blocks either. The one difference
// between the two is the reserve: GFP_ATOMIC (interrupt handlers, the packet
// receive path) may take the zone's last min_free pages, GFP_KERNEL may not,
// so that process-context bursts leave room for the receive path.
#pragma once

enum gfp_t : unsigned {
    __GFP_HIGH = 1u << 0,     // may dip into the atomic reserve
    __GFP_ZERO = 1u << 1,     // return zeroed memory
    __GFP_NOWARN = 1u << 2,   // no "allocation failure" message
    GFP_KERNEL = 0,
    GFP_ATOMIC = __GFP_HIGH,
    GFP_NOWAIT = 0,
};

constexpr gfp_t operator|(gfp_t a, gfp_t b) {
    return static_cast<gfp_t>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr gfp_t operator&(gfp_t a, gfp_t b) {
    return static_cast<gfp_t>(static_cast<unsigned>(a) & static_cast<unsigned>(b));
}
constexpr gfp_t operator~(gfp_t a) { return static_cast<gfp_t>(~static_cast<unsigned>(a)); }
