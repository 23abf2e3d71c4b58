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

// The same file's struct stat64 (stat64, lstat64, fstat64, fstatat64).
struct stat64 {
    uint32_t st_dev;
    uint32_t st_pad0[3];
    uint64_t st_ino;
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t st_rdev;
    uint32_t st_pad1[3];
    int64_t st_size;
    int32_t st_atime_sec;
    uint32_t st_atime_nsec;
    int32_t st_mtime_sec;
    uint32_t st_mtime_nsec;
    int32_t st_ctime_sec;
    uint32_t st_ctime_nsec;
    uint32_t st_blksize;
    uint32_t st_pad2;
    int64_t st_blocks;
};
static_assert(sizeof(stat64) == 104, "o32 struct stat64 is 104 bytes");

// st_mode file types (S_IFMT...); lower case, since libc headers make the
// upper-case names macros.
constexpr uint32_t s_ifmt = 0170000, s_ifsock = 0140000, s_iflnk = 0120000, s_ifreg = 0100000,
                   s_ifblk = 0060000, s_ifdir = 0040000, s_ifchr = 0020000, s_ififo = 0010000;

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

// ioctls (arch/mips/include/uapi/asm/ioctls.h): MIPS numbers, not x86's
constexpr unsigned tcgets = 0x540d;    // TCGETS
constexpr unsigned fionread = 0x467f;  // FIONREAD (TIOCINQ): bytes ready to read
constexpr unsigned fionbio = 0x667e;   // FIONBIO: *(int*)arg != 0 sets O_NONBLOCK
constexpr unsigned fioclex = 0x6601;   // FIOCLEX: set close-on-exec
constexpr unsigned fionclex = 0x6602;  // FIONCLEX

// arch/mips/include/uapi/asm/termbits.h: what TCGETS returns (40 bytes)
struct termios {
    uint32_t c_iflag;
    uint32_t c_oflag;
    uint32_t c_cflag;
    uint32_t c_lflag;
    uint8_t c_line;
    uint8_t c_cc[23];
};
static_assert(sizeof(termios) == 40, "MIPS struct termios has NCCS = 23");
constexpr uint32_t tc_opost = 0x1, tc_onlcr = 0x4;                       // c_oflag
constexpr uint32_t tc_b115200 = 0x1002, tc_cs8 = 0x30, tc_cread = 0x80,
                   tc_clocal = 0x800;                                   // c_cflag

// readv(2)/writev(2) (include/uapi/linux/uio.h). The native layout: on the
// o32 target a 32-bit pointer and length.
struct iovec {
    void* iov_base;
    unsigned long iov_len;
};
constexpr unsigned uio_maxiov = 1024;   // UIO_MAXIOV (IOV_MAX)

constexpr int rlimit_nofile = 5;                 // MIPS (7 elsewhere)

// wait4(2) (include/uapi/linux/wait.h, linux/resource.h)
constexpr int wnohang = 0x1;
constexpr int wuntraced = 0x2;
constexpr int wcontinued = 0x8;
constexpr int wnothread = 0x20000000, wall = 0x40000000;
constexpr unsigned wclone = 0x80000000u;
struct rusage {
    timeval ru_utime;
    timeval ru_stime;
    int32_t ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap,
        ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};
static_assert(sizeof(rusage) == 72, "o32 struct rusage");

}  // namespace uapi
