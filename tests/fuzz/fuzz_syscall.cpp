// Random syscall numbers and arguments through the syscall table
// (do_syscall, as the trap handler calls it): bad pointers, huge lengths,
// negative and stale fds, structures full of noise. The answer must be a
// result or a Linux errno; a crash, a sanitizer report or a hang is a bug.
//
// "User" memory is a 64 KiB arena the input fills; a pointer argument is an
// offset into it, or any value at all (outside the arena: -EFAULT). Calls
// that would sleep for ever in this single-threaded harness are left out
// (exit, wait, sleeps, spawning), every descriptor is made non-blocking
// after each call, and timeouts are rewritten to "now" — a call that still
// blocks then is a bug the fuzzer reports as a timeout.
#include <string.h>

#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/fcntl.h"
#include "kernel/uapi/unistd.h"
#include "tests/fuzz/stack.h"
#include "tests/unit/socket_test_util.h"

using namespace uapi;

namespace {

constexpr size_t arena_size = 64 * 1024;
alignas(16) uint8_t arena[arena_size];
// A zero timeval/timespec past the fuzzed part: what timeouts point to.
constexpr size_t zero_time = arena_size - 16;

bool never_returns(long nr) {
    static const long banned[] = {NR_exit,  NR_exit_group, NR_reboot,  NR_nanosleep,     NR_clock_nanosleep,
                                  NR_wait4, NR_waitpid,    NR_pause,   NR_rt_sigsuspend, NR_futex,
                                  NR_fork,  NR_clone,      NR_execve,  NR_execveat,      NR_mipsnet_spawn,
                                  NR_kill};
    for (long b : banned) {
        if (nr == b) {
            return true;
        }
    }
    return false;
}

long zero_timeout_ptr() { return static_cast<long>(reinterpret_cast<uintptr_t>(arena + zero_time)); }

// Timeouts become "now", so that a wait returns instead of sleeping. The
// zero time is written again each call: an earlier call may have filled it
// (a read into the arena's last bytes runs on past zero_time).
void no_waiting(long nr, syscall_args& a) {
    memset(arena + zero_time, 0, arena_size - zero_time);
    if (nr == NR_poll || nr == NR_epoll_wait || nr == NR_epoll_pwait) {
        a.a[nr == NR_poll ? 2 : 3] = 0;
    } else if (nr == NR__newselect) {
        a.a[4] = zero_timeout_ptr();
    } else if (nr == NR_pselect6 || nr == NR_pselect6_time64) {
        a.a[4] = zero_timeout_ptr();
    } else if (nr == NR_ppoll || nr == NR_ppoll_time64 || nr == NR_epoll_pwait2) {
        a.a[nr == NR_epoll_pwait2 ? 3 : 2] = zero_timeout_ptr();
    }
}

int table_size() { return current_files() ? static_cast<int>(current_files()->capacity) : 0; }

void all_nonblocking() {
    for (int fd = 0; fd < table_size(); ++fd) {
        syscall_args g{{fd, uapi::f_getfl}};
        long fl = do_syscall(NR_fcntl, g);
        if (fl >= 0 && !(fl & uapi::o_nonblock)) {
            syscall_args s{{fd, uapi::f_setfl, fl | uapi::o_nonblock}};
            do_syscall(NR_fcntl, s);
        }
    }
}

void close_all() {
    for (int fd = 0; fd < table_size(); ++fd) {
        syscall_args c{{fd}};
        do_syscall(NR_close, c);
    }
}

long argument(fuzz::reader& in) {
    uint8_t kind = in.u8();
    switch (kind % 8) {
    case 0: return kind >> 3;                                        // small number or fd
    case 1: return static_cast<int16_t>(in.u16());                   // small, perhaps negative
    case 2:
    case 3: return static_cast<long>(reinterpret_cast<uintptr_t>(arena + in.u16() % zero_time));
    case 4: return static_cast<long>(in.u32());                     // anything, 32 bits
    case 5: return -1;
    case 6: return static_cast<long>(0x7fffffff) - (kind >> 3);     // huge lengths
    default: return static_cast<long>(in.u32()) << 16 | in.u16();   // anything, 64 bits
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::init_stack();
    uaccess_set_range(reinterpret_cast<uintptr_t>(arena), reinterpret_cast<uintptr_t>(arena + arena_size));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::reader in(data, size);
    const uint8_t* fill;
    size_t n = in.take(in.u16() % 4096, &fill);
    memset(arena, 0, arena_size);
    for (size_t off = 0; n && off + n <= zero_time; off += n) {
        memcpy(arena + off, fill, n);   // the pattern repeated over the arena
    }
    for (int calls = 0; calls < 16 && !in.empty(); ++calls) {
        long nr = NR_Linux + in.u16() % (NR_syscalls + 8);
        if (never_returns(nr)) {
            continue;
        }
        syscall_args a{};
        for (long& x : a.a) {
            x = argument(in);
        }
        no_waiting(nr, a);
        do_syscall(nr, a);
        all_nonblocking();
        fuzz::drain_sent();
    }
    close_all();
    do_softirq();
    fuzz::drain_sent();
    return 0;
}
