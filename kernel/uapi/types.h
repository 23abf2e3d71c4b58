// Structures shared with apps, in the Linux MIPS o32 layout. Fixed-width
// types, so that the host build of the kernel code sees the same layout.
#pragma once
#include <stdint.h>

namespace uapi {

struct timeval {
    int32_t tv_sec;
    int32_t tv_usec;
};

struct timespec {
    int32_t tv_sec;
    int32_t tv_nsec;
};

// include/uapi/linux/times.h: clock_t is a 32-bit long on o32
struct tms {
    int32_t tms_utime;
    int32_t tms_stime;
    int32_t tms_cutime;
    int32_t tms_cstime;
};

// arch/mips/include/uapi/asm/stat.h, o32
struct stat {
    uint32_t st_dev;
    int32_t st_pad1[3];
    uint32_t st_ino;
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t st_rdev;
    int32_t st_pad2[2];
    int32_t st_size;
    int32_t st_pad3;
    int32_t st_atime_sec, st_atime_nsec;
    int32_t st_mtime_sec, st_mtime_nsec;
    int32_t st_ctime_sec, st_ctime_nsec;
    int32_t st_blksize;
    int32_t st_blocks;
    int32_t st_pad4[14];
};
static_assert(sizeof(stat) == 144, "o32 struct stat is 144 bytes");

// st_mode file types (S_IFMT...); lower case, since libc headers make the
// upper-case names macros.
constexpr uint32_t s_ifmt = 0170000, s_ifsock = 0140000, s_ifreg = 0100000, s_ifchr = 0020000,
                   s_ififo = 0010000;

// include/uapi/linux/utsname.h
struct new_utsname {
    char sysname[65];
    char nodename[65];
    char release[65];
    char version[65];
    char machine[65];
    char domainname[65];
};

// include/uapi/linux/sysinfo.h, 32-bit
struct sysinfo {
    int32_t uptime;
    uint32_t loads[3];
    uint32_t totalram;
    uint32_t freeram;
    uint32_t sharedram;
    uint32_t bufferram;
    uint32_t totalswap;
    uint32_t freeswap;
    uint16_t procs;
    uint16_t pad;
    uint32_t totalhigh;
    uint32_t freehigh;
    uint32_t mem_unit;
    char _f[8];
};
static_assert(sizeof(sysinfo) == 64, "struct sysinfo is 64 bytes on 32-bit Linux");

// getrlimit(2): include/uapi/linux/resource.h with MIPS's numbering and
// 32-bit RLIM_INFINITY (arch/mips/include/uapi/asm/resource.h).
struct rlimit {
    uint32_t rlim_cur;
    uint32_t rlim_max;
};
constexpr uint32_t rlim_infinity = 0x7fffffffu;
enum class rlimit_resource : unsigned { cpu = 0, fsize = 1, data = 2, stack = 3, core = 4, nofile = 5,
                                        as = 6, rss = 7, nproc = 8, memlock = 9 };
constexpr unsigned rlim_nlimits = 16;

// include/uapi/linux/reboot.h (LINUX_REBOOT_MAGIC1, LINUX_REBOOT_CMD_*)
constexpr unsigned reboot_magic1 = 0xfee1dead;
constexpr unsigned reboot_magic2 = 672274793;
enum class reboot_cmd : unsigned { restart = 0x01234567, halt = 0xcdef0123,
                                   power_off = 0x4321fedc };

// syslog(2) actions (include/linux/syslog.h, SYSLOG_ACTION_*)
enum class syslog_action : int { read_all = 3, clear = 5, console_level = 8, size_unread = 9,
                                 size_buffer = 10 };

// clock ids (include/uapi/linux/time.h, CLOCK_*)
enum class clockid : int { realtime = 0, monotonic = 1 };

// ioctls (arch/mips/include/uapi/asm/ioctls.h)
constexpr unsigned tcgets = 0x540d;  // TCGETS

}  // namespace uapi
