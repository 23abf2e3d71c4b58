// getrandom(2) flags (include/uapi/linux/random.h).
#pragma once

namespace uapi {
constexpr unsigned grnd_nonblock = 0x0001;   // GRND_NONBLOCK: -EAGAIN instead of waiting
constexpr unsigned grnd_random = 0x0002;     // GRND_RANDOM: the same pool since Linux 5.6
constexpr unsigned grnd_insecure = 0x0004;   // GRND_INSECURE: never wait, even unseeded
}  // namespace uapi
