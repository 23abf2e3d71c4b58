// The compiler's run-time helpers (what libgcc provides) for the routines
// GCC calls on MIPS32 o32 hard-float: 64-bit division and 64-bit <-> float
// conversions. Debian's cross libgcc.a is built PIC/abicalls: its routines
// set $gp from $t9, which a non-PIC jal never loads, and reach constants
// through a GOT this image does not have. So the image links these instead
// and no libgcc at all (cmake/target.cmake), and the linker would fail on
// any helper missing here rather than pull in a broken one.
#include <stdint.h>

namespace {

[[noreturn]] void divide_by_zero() {
    // What GCC's inline 32-bit division does: trap with code 7 (Linux:
    // BRK_DIVZERO), reported by the kernel's exception handler.
    asm volatile("break 7");
    __builtin_unreachable();
}

// Shift-and-subtract long division; n / d with the remainder in *rem.
uint64_t udivmod(uint64_t n, uint64_t d, uint64_t* rem) {
    if (d == 0) {
        divide_by_zero();
    }
    if (n < d) {
        if (rem) *rem = n;
        return 0;
    }
    if ((n >> 32) == 0) {  // both fit in 32 bits: one divu
        uint32_t q = static_cast<uint32_t>(n) / static_cast<uint32_t>(d);
        if (rem) *rem = static_cast<uint32_t>(n) - q * static_cast<uint32_t>(d);
        return q;
    }
    int shift = __builtin_clzll(d) - __builtin_clzll(n);
    d <<= shift;
    uint64_t q = 0;
    for (int i = 0; i <= shift; ++i) {
        q <<= 1;
        if (n >= d) {
            n -= d;
            q |= 1;
        }
        d >>= 1;
    }
    if (rem) *rem = n;
    return q;
}

uint64_t magnitude(int64_t v) { return v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v); }

constexpr double two32 = 4294967296.0;

}  // namespace

extern "C" {

uint64_t __udivdi3(uint64_t n, uint64_t d) { return udivmod(n, d, nullptr); }

uint64_t __umoddi3(uint64_t n, uint64_t d) {
    uint64_t r;
    udivmod(n, d, &r);
    return r;
}

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t* rem) { return udivmod(n, d, rem); }

int64_t __divdi3(int64_t n, int64_t d) {
    uint64_t q = udivmod(magnitude(n), magnitude(d), nullptr);
    return (n < 0) != (d < 0) ? -static_cast<int64_t>(q) : static_cast<int64_t>(q);
}

int64_t __moddi3(int64_t n, int64_t d) {
    uint64_t r;
    udivmod(magnitude(n), magnitude(d), &r);
    return n < 0 ? -static_cast<int64_t>(r) : static_cast<int64_t>(r);  // sign of the dividend
}

// Each part converts exactly; the one addition rounds once: correctly rounded.
double __floatundidf(uint64_t a) {
    return static_cast<double>(static_cast<uint32_t>(a >> 32)) * two32 +
           static_cast<double>(static_cast<uint32_t>(a));
}

double __floatdidf(int64_t a) {
    return static_cast<double>(static_cast<int32_t>(a >> 32)) * two32 +
           static_cast<double>(static_cast<uint32_t>(a));
}

// To float through double would round twice; keep a sticky bit so the
// double is exact and only the last conversion rounds.
float __floatundisf(uint64_t a) {
    if (a >> 53) {
        int sh = 64 - __builtin_clzll(a) - 53;
        uint64_t m = (a >> sh) | ((a & ((uint64_t{1} << sh) - 1)) != 0);
        double d = static_cast<double>(m);  // < 2^53: exact
        for (int i = 0; i < sh; ++i) {
            d *= 2.0;                        // exact
        }
        return static_cast<float>(d);
    }
    return static_cast<float>(__floatundidf(a));  // exact in double
}

float __floatdisf(int64_t a) {
    float f = __floatundisf(magnitude(a));
    return a < 0 ? -f : f;
}

// Truncation toward zero; out of range is undefined in C (we saturate).
uint64_t __fixunsdfdi(double a) {
    if (!(a > 0)) {
        return 0;
    }
    if (a >= 18446744073709551616.0) {
        return ~uint64_t{0};
    }
    uint32_t hi = static_cast<uint32_t>(a / two32);
    double rest = a - static_cast<double>(hi) * two32;
    return (static_cast<uint64_t>(hi) << 32) | static_cast<uint32_t>(rest);
}

int64_t __fixdfdi(double a) {
    if (a >= 9223372036854775808.0) {
        return INT64_MAX;
    }
    if (a <= -9223372036854775808.0) {
        return INT64_MIN;
    }
    return a < 0 ? -static_cast<int64_t>(__fixunsdfdi(-a)) : static_cast<int64_t>(__fixunsdfdi(a));
}

uint64_t __fixunssfdi(float a) { return __fixunsdfdi(a); }
int64_t __fixsfdi(float a) { return __fixdfdi(a); }

}  // extern "C"
