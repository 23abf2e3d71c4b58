#include "libc/fcntl_map.h"

#include <fcntl.h>

#include "kernel/uapi/fcntl.h"

namespace {
struct flag_pair {
    unsigned newlib;
    unsigned linux_mips;
};
// The access mode (0, 1, 2) is the same on both sides.
constexpr flag_pair flag_pairs[] = {
    {_FAPPEND, uapi::o_append},
    {_FCREAT, uapi::o_creat},
    {_FTRUNC, uapi::o_trunc},
    {_FEXCL, uapi::o_excl},
    {_FSYNC, uapi::o_sync},
    {_FNONBLOCK, uapi::o_nonblock},
    {_FNBIO, uapi::o_nonblock},        // newlib's System V spelling of O_NDELAY
    {_FNOCTTY, uapi::o_noctty},
    {_FASYNC, uapi::fasync},
    {_FNOINHERIT, uapi::o_cloexec},
    {_FDIRECT, uapi::o_direct},
    {_FNOFOLLOW, uapi::o_nofollow},
    {_FDIRECTORY, uapi::o_directory},
};
}  // namespace

unsigned open_flags_to_linux(int flags) {
    unsigned f = static_cast<unsigned>(flags);
    unsigned out = f & O_ACCMODE;
    for (const flag_pair& p : flag_pairs) {
        if (f & p.newlib) {
            out |= p.linux_mips;
        }
    }
    return out;
}

int open_flags_from_linux(unsigned long flags) {
    unsigned out = static_cast<unsigned>(flags) & uapi::o_accmode;
    for (const flag_pair& p : flag_pairs) {
        // o_sync contains o_dsync: either is newlib's _FSYNC.
        if (flags & p.linux_mips && p.newlib != _FNBIO) {
            out |= p.newlib;
        }
    }
    return static_cast<int>(out);
}

long fcntl_cmd_to_linux(int cmd) {
    switch (cmd) {
    case F_DUPFD: return uapi::f_dupfd;
    case F_GETFD: return uapi::f_getfd;
    case F_SETFD: return uapi::f_setfd;
    case F_GETFL: return uapi::f_getfl;
    case F_SETFL: return uapi::f_setfl;
    case F_GETOWN: return uapi::f_getown;
    case F_SETOWN: return uapi::f_setown;
    case F_DUPFD_CLOEXEC: return uapi::f_dupfd_cloexec;
    default: return -1;
    }
}
