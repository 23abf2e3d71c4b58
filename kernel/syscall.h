// The syscall table: Linux o32 numbers (kernel/uapi/unistd.h) to handlers,
// as arch/mips/kernel/scall32-o32.S's sys_call_table. Handlers take their
// real parameter types; syscall_entry<> adapts them to the table's uniform
// signature. They return the result or -errno.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <type_traits>
#include <utility>

struct syscall_args {
    long a[6];
    // The second result register (o32 v1), in and out: the trap handler loads
    // it from the saved v1 and stores it back. Only pipe() changes it, as
    // Linux's sysm_pipe returns its second descriptor there.
    long v1 = 0;
};
using syscall_fn = long (*)(syscall_args&);

// Dispatch number nr (4000 + n); unknown numbers give -ENOSYS.
long do_syscall(long nr, syscall_args& args);
const char* syscall_name(long nr);   // for tracing; nullptr when unknown

template <typename T>
T syscall_arg(long v) {
    if constexpr (std::is_pointer_v<T>) {
        return reinterpret_cast<T>(static_cast<uintptr_t>(static_cast<unsigned long>(v)));
    } else {
        return static_cast<T>(v);
    }
}

template <typename R, typename... A, size_t... I>
long syscall_invoke(R (*f)(A...), const syscall_args& args, std::index_sequence<I...>) {
    return static_cast<long>(f(syscall_arg<A>(args.a[I])...));
}

template <typename F>
struct syscall_arity;
template <typename R, typename... A>
struct syscall_arity<R (*)(A...)> {
    static constexpr size_t value = sizeof...(A);
    static_assert(sizeof...(A) <= 6, "o32 syscalls take at most six arguments");
};

template <auto F>
long syscall_entry(syscall_args& args) {
    return syscall_invoke(F, args, std::make_index_sequence<syscall_arity<decltype(F)>::value>{});
}
