// poll(2) and select(2) in the Linux MIPS o32 ABI (asm/poll.h over
// asm-generic/poll.h, linux/posix_types.h). MIPS differs from the generic
// values in the write bits: POLLWRNORM is POLLOUT and POLLWRBAND is 0x100.
// The kernel uses these user-visible values internally too, so nothing is
// translated on the way out.
#pragma once
#include <stdint.h>

namespace uapi {

using poll_t = unsigned;   // Linux's __poll_t

constexpr poll_t pollin = 0x0001;
constexpr poll_t pollpri = 0x0002;
constexpr poll_t pollout = 0x0004;
constexpr poll_t pollerr = 0x0008;
constexpr poll_t pollhup = 0x0010;
constexpr poll_t pollnval = 0x0020;
constexpr poll_t pollrdnorm = 0x0040;
constexpr poll_t pollrdband = 0x0080;
constexpr poll_t pollwrnorm = pollout;          // MIPS
constexpr poll_t pollwrband = 0x0100;           // MIPS
constexpr poll_t pollmsg = 0x0400;
constexpr poll_t pollrdhup = 0x2000;

struct pollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};
static_assert(sizeof(pollfd) == 8);

// select(2)'s fd_set: __FD_SETSIZE bits in 32-bit longs (o32). The kernel only
// ever touches the first (n + 31) / 32 words, as Linux does, so a C library
// with a smaller FD_SETSIZE (newlib: 64) passes its own sets unchanged.
constexpr unsigned fd_setsize = 1024;
constexpr unsigned nfdbits = 32;
struct fd_set {
    uint32_t fds_bits[fd_setsize / nfdbits];
};

}  // namespace uapi
