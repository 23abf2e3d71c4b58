// CP0 access. Register numbers and bit layouts: MIPS32 Architecture for
// Programmers Vol. III (MD00090), chapter 9.
#pragma once
#include <stdint.h>

namespace mips {

enum class cp0 : unsigned { badvaddr = 8, count = 9, compare = 11, status = 12, cause = 13,
                            epc = 14, prid = 15, config = 16 };

template <cp0 reg, unsigned sel = 0>
inline uint32_t read_c0() {
    uint32_t v;
    asm volatile("mfc0 %0, $%1, %2" : "=r"(v) : "i"(static_cast<unsigned>(reg)), "i"(sel));
    return v;
}

template <cp0 reg, unsigned sel = 0>
inline void write_c0(uint32_t v) {
    asm volatile("mtc0 %0, $%1, %2\n\tehb" : : "r"(v), "i"(static_cast<unsigned>(reg)), "i"(sel)
                 : "memory");
}

// Status register (9.36)
namespace st0 {
constexpr uint32_t ie = 1u << 0, exl = 1u << 1, erl = 1u << 2, ksu = 3u << 3;
constexpr uint32_t im_shift = 8, bev = 1u << 22, fr = 1u << 26, cu0 = 1u << 28, cu1 = 1u << 29;
constexpr uint32_t im(unsigned ip) { return 1u << (im_shift + ip); }
}

// Cause register (9.37)
namespace cause {
constexpr uint32_t bd = 1u << 31, iv = 1u << 23, ip_shift = 8;
constexpr unsigned exccode(uint32_t c) { return (c >> 2) & 0x1f; }
constexpr unsigned ce(uint32_t c) { return (c >> 28) & 3; }
}

// ExcCode values (table 9.31)
enum class exc : unsigned {
    interrupt = 0, mod = 1, tlbl = 2, tlbs = 3, adel = 4, ades = 5, ibe = 6, dbe = 7,
    sys = 8, bp = 9, ri = 10, cpu = 11, ov = 12, tr = 13, fpe = 15, watch = 23, mcheck = 24,
};

inline uint32_t irq_disable() {
    uint32_t flags;
    asm volatile("di %0\n\tehb" : "=r"(flags) : : "memory");
    return flags;
}
inline void irq_enable() { asm volatile("ei\n\tehb" : : : "memory"); }

}  // namespace mips
