/* ioctl(2) with the Linux MIPS request numbers (arch/mips/include/uapi/asm/
   ioctls.h), which differ from x86's; newlib has no <sys/ioctl.h>. */
#pragma once
#ifdef __cplusplus
extern "C" {
#endif

#define TCGETS   0x540d
#define FIONREAD 0x467f
#define TIOCINQ  FIONREAD
#define FIONBIO  0x667e
#define FIOCLEX  0x6601
#define FIONCLEX 0x6602

int ioctl(int fd, unsigned long request, ...);

#ifdef __cplusplus
}
#endif
