// open(2), fcntl(2), lseek(2) and pipe2(2) values of the Linux MIPS ABI
// (arch/mips/include/uapi/asm/fcntl.h over asm-generic/fcntl.h). MIPS moves
// several O_* bits (O_NONBLOCK is 0x80, not x86's 04000) and F_GETOWN/F_SETOWN;
// newlib numbers all of them its own way, so libc/fcntl_map.cpp translates.
// Lower case, since C library headers make the upper-case names macros.
#pragma once
#include <stdint.h>

namespace uapi {

// open flags
constexpr unsigned o_accmode = 0x0003;
constexpr unsigned o_rdonly = 0x0000;
constexpr unsigned o_wronly = 0x0001;
constexpr unsigned o_rdwr = 0x0002;
constexpr unsigned o_append = 0x0008;
constexpr unsigned o_dsync = 0x0010;
constexpr unsigned o_nonblock = 0x0080;
constexpr unsigned o_creat = 0x0100;
constexpr unsigned o_trunc = 0x0200;
constexpr unsigned o_excl = 0x0400;
constexpr unsigned o_noctty = 0x0800;
constexpr unsigned fasync = 0x1000;
constexpr unsigned o_largefile = 0x2000;
constexpr unsigned o_sync = 0x4000 | o_dsync;   // __O_SYNC | O_DSYNC
constexpr unsigned o_direct = 0x8000;
constexpr unsigned o_directory = 0x10000;       // asm-generic 0200000
constexpr unsigned o_nofollow = 0x20000;        // 0400000
constexpr unsigned o_noatime = 0x40000;         // 01000000
constexpr unsigned o_cloexec = 0x80000;         // 02000000
constexpr unsigned o_path = 0x200000;           // 010000000

// fcntl commands
constexpr unsigned f_dupfd = 0;
constexpr unsigned f_getfd = 1;
constexpr unsigned f_setfd = 2;
constexpr unsigned f_getfl = 3;
constexpr unsigned f_setfl = 4;
constexpr unsigned f_setlk = 6;
constexpr unsigned f_setlkw = 7;
constexpr unsigned f_getlk = 14;                // MIPS
constexpr unsigned f_getown = 23;               // MIPS
constexpr unsigned f_setown = 24;               // MIPS
constexpr unsigned f_linux_specific_base = 1024;
constexpr unsigned f_dupfd_cloexec = f_linux_specific_base + 6;
constexpr unsigned fd_cloexec = 1;

// lseek whence
constexpr unsigned seek_set = 0;
constexpr unsigned seek_cur = 1;
constexpr unsigned seek_end = 2;
constexpr unsigned seek_max = 4;                // SEEK_HOLE

// include/uapi/linux/limits.h
constexpr unsigned pipe_buf = 4096;             // bytes a pipe write moves atomically
constexpr unsigned path_max = 4096;

}  // namespace uapi
