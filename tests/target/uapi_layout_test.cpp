// The kernel's uapi structures against the o32 ABI they claim, and against
// the structures apps hand to the kernel through libc unconverted
// (libc/include/sys: sysinfo, uname). On the host these types are only
// fixed-width look-alikes; here both sides are compiled for the real ABI.
#include <CppUTest/TestHarness.h>

#include <stddef.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

#include "kernel/uapi/types.h"

TEST_GROUP(uapi_layout) {};

TEST(uapi_layout, o32_basic_types) {
    LONGS_EQUAL(4, sizeof(long));
    LONGS_EQUAL(4, sizeof(void*));
    LONGS_EQUAL(8, alignof(long long));  // o32 aligns 64-bit values to 8
    LONGS_EQUAL(8, sizeof(uapi::timeval));
    LONGS_EQUAL(8, sizeof(uapi::timespec));
}

// arch/mips/include/uapi/asm/stat.h, _MIPS_SIM_ABI32
TEST(uapi_layout, stat64_offsets) {
    LONGS_EQUAL(104, sizeof(uapi::stat64));
    LONGS_EQUAL(16, offsetof(uapi::stat64, st_ino));
    LONGS_EQUAL(24, offsetof(uapi::stat64, st_mode));
    LONGS_EQUAL(40, offsetof(uapi::stat64, st_rdev));
    LONGS_EQUAL(56, offsetof(uapi::stat64, st_size));
    LONGS_EQUAL(64, offsetof(uapi::stat64, st_atime_sec));
    LONGS_EQUAL(72, offsetof(uapi::stat64, st_mtime_sec));
    LONGS_EQUAL(88, offsetof(uapi::stat64, st_blksize));
    LONGS_EQUAL(96, offsetof(uapi::stat64, st_blocks));
}

TEST(uapi_layout, stat_offsets) {
    LONGS_EQUAL(144, sizeof(uapi::stat));
    LONGS_EQUAL(16, offsetof(uapi::stat, st_ino));
    LONGS_EQUAL(20, offsetof(uapi::stat, st_mode));
    LONGS_EQUAL(36, offsetof(uapi::stat, st_rdev));
    LONGS_EQUAL(48, offsetof(uapi::stat, st_size));
    LONGS_EQUAL(56, offsetof(uapi::stat, st_atime_sec));
    LONGS_EQUAL(72, offsetof(uapi::stat, st_ctime_sec));
    LONGS_EQUAL(80, offsetof(uapi::stat, st_blksize));
    LONGS_EQUAL(84, offsetof(uapi::stat, st_blocks));
}

TEST(uapi_layout, libc_sysinfo_is_the_kernels) {
    LONGS_EQUAL(sizeof(uapi::sysinfo), sizeof(struct ::sysinfo));
    LONGS_EQUAL(offsetof(uapi::sysinfo, totalram), offsetof(struct ::sysinfo, totalram));
    LONGS_EQUAL(offsetof(uapi::sysinfo, procs), offsetof(struct ::sysinfo, procs));
    LONGS_EQUAL(offsetof(uapi::sysinfo, totalhigh), offsetof(struct ::sysinfo, totalhigh));
    LONGS_EQUAL(offsetof(uapi::sysinfo, mem_unit), offsetof(struct ::sysinfo, mem_unit));
}

TEST(uapi_layout, libc_utsname_is_the_kernels) {
    LONGS_EQUAL(sizeof(uapi::new_utsname), sizeof(struct ::utsname));
    LONGS_EQUAL(offsetof(uapi::new_utsname, machine), offsetof(struct ::utsname, machine));
    LONGS_EQUAL(offsetof(uapi::new_utsname, domainname), offsetof(struct ::utsname, domainname));
}

// TCP_INFO as libc declares it: Linux's include/uapi/linux/tcp.h offsets
// up to tcpi_snd_wnd (what ss and iperf3 read).
TEST(uapi_layout, libc_tcp_info_offsets) {
    LONGS_EQUAL(8, offsetof(struct ::tcp_info, tcpi_rto));
    LONGS_EQUAL(68, offsetof(struct ::tcp_info, tcpi_rtt));
    LONGS_EQUAL(80, offsetof(struct ::tcp_info, tcpi_snd_cwnd));
    LONGS_EQUAL(100, offsetof(struct ::tcp_info, tcpi_total_retrans));
    LONGS_EQUAL(120, offsetof(struct ::tcp_info, tcpi_bytes_acked));
    LONGS_EQUAL(148, offsetof(struct ::tcp_info, tcpi_min_rtt));
    LONGS_EQUAL(208, offsetof(struct ::tcp_info, tcpi_bytes_retrans));
    LONGS_EQUAL(228, offsetof(struct ::tcp_info, tcpi_snd_wnd));
    LONGS_EQUAL(232, sizeof(struct ::tcp_info));
}

// The bit-fields that share a byte land where Linux's ABI has them on this
// CPU's byte order (gcc allocates from the low bits on little-endian, from
// the high bits on big-endian): tcpi_snd_wscale is the first field.
TEST(uapi_layout, tcp_info_wscale_nibbles_follow_the_byte_order) {
    struct ::tcp_info ti;
    memset(&ti, 0, sizeof ti);
    ti.tcpi_snd_wscale = 1;
    ti.tcpi_rcv_wscale = 2;
    uint8_t b;
    memcpy(&b, reinterpret_cast<const uint8_t*>(&ti) + 6, 1);
    LONGS_EQUAL(__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 0x12 : 0x21, b);
}

// An IPv4 header through libc's struct iphdr: version in the high nibble of
// the first octet (RFC 791 3.1) whatever the CPU, and htons/htonl give the
// network's byte order.
TEST(uapi_layout, libc_iphdr_matches_the_wire) {
    const uint8_t wire[20] = {0x45, 0x00, 0x00, 0x54, 0x12, 0x34, 0x40, 0x00, 0x40, 0x01,
                              0x00, 0x00, 10, 0, 2, 15, 10, 0, 2, 2};
    struct iphdr h;
    memcpy(&h, wire, sizeof h);
    LONGS_EQUAL(4, h.version);
    LONGS_EQUAL(5, h.ihl);
    LONGS_EQUAL(84, ntohs(h.tot_len));
    LONGS_EQUAL(0x1234, ntohs(h.id));
    LONGS_EQUAL(0x0a00020fu, ntohl(h.saddr));
    h.ihl = 6;
    uint8_t first;
    memcpy(&first, &h, 1);
    LONGS_EQUAL(0x46, first);
    LONGS_EQUAL(20, sizeof h);
}
