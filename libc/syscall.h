// The syscall instruction, as uClibc's _syscallN (include/asm-mips/unistd.h): number in v0,
// arguments in a0-a3 (the fifth and sixth at 16($sp) and 20($sp)), result in
// v0 with a3 set on error (v0 then holds a positive Linux errno).
#pragma once
#include "kernel/uapi/unistd.h"

namespace libc {

struct sysret {
    long v0;
    long error;  // a3
};

inline sysret raw_syscall(long nr, long a = 0, long b = 0, long c = 0, long d = 0) {
    register long v0 asm("$2") = nr;
    register long a0 asm("$4") = a;
    register long a1 asm("$5") = b;
    register long a2 asm("$6") = c;
    register long a3 asm("$7") = d;
    asm volatile("syscall"
                 : "+r"(v0), "+r"(a3)
                 : "r"(a0), "r"(a1), "r"(a2)
                 : "$1", "$3", "$8", "$9", "$10", "$11", "$12", "$13", "$14", "$15", "$24",
                   "$25", "hi", "lo", "memory");
    return {v0, a3};
}

inline sysret raw_syscall6(long nr, long a, long b, long c, long d, long e, long f) {
    register long v0 asm("$2") = nr;
    register long a0 asm("$4") = a;
    register long a1 asm("$5") = b;
    register long a2 asm("$6") = c;
    register long a3 asm("$7") = d;
    asm volatile(".set push\n\t.set noreorder\n\t"
                 "addiu $sp, $sp, -32\n\t"
                 "sw %5, 16($sp)\n\t"
                 "sw %6, 20($sp)\n\t"
                 "syscall\n\t"
                 "addiu $sp, $sp, 32\n\t"
                 ".set pop"
                 : "+r"(v0), "+r"(a3)
                 : "r"(a0), "r"(a1), "r"(a2), "r"(e), "r"(f)
                 : "$1", "$3", "$8", "$9", "$10", "$11", "$12", "$13", "$14", "$15", "$24",
                   "$25", "hi", "lo", "memory");
    return {v0, a3};
}

// The libc side of the convention: -1 with errno set, or the result.
long syscall_return(sysret r);

template <typename... Args>
long do_syscall(long nr, Args... args) {
    static_assert(sizeof...(Args) <= 6, "o32 syscalls take at most six arguments");
    long v[6] = {(long)(args)...};
    if constexpr (sizeof...(Args) <= 4) {
        return syscall_return(raw_syscall(nr, v[0], v[1], v[2], v[3]));
    } else {
        return syscall_return(raw_syscall6(nr, v[0], v[1], v[2], v[3], v[4], v[5]));
    }
}

}  // namespace libc
