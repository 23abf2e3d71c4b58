// Socket and interface ioctl numbers: MIPS's own (arch/mips/include/uapi/
// asm/sockios.h, asm/ioctls.h) and the generic 0x89xx ones
// (include/uapi/linux/sockios.h). One place for the socket layer, the
// device layer and IPv4.
#pragma once

constexpr unsigned FIONREAD = 0x467f;           // also SIOCINQ
constexpr unsigned SIOCINQ = FIONREAD;
constexpr unsigned SIOCOUTQ = 0x7472;           // TIOCOUTQ on MIPS
constexpr unsigned SIOCATMARK = 0x40047307;     // _IOR('s', 7, int)
constexpr unsigned SIOCGSTAMP = 0x8906;         // SIOCGSTAMP_OLD: struct timeval
constexpr unsigned SIOCGSTAMPNS = 0x8907;
constexpr unsigned SIOCADDRT = 0x890b;
constexpr unsigned SIOCDELRT = 0x890c;
constexpr unsigned SIOCGIFNAME = 0x8910;
constexpr unsigned SIOCGIFCONF = 0x8912;
constexpr unsigned SIOCGIFFLAGS = 0x8913;
constexpr unsigned SIOCSIFFLAGS = 0x8914;
constexpr unsigned SIOCGIFADDR = 0x8915;
constexpr unsigned SIOCSIFADDR = 0x8916;
constexpr unsigned SIOCGIFDSTADDR = 0x8917;
constexpr unsigned SIOCSIFDSTADDR = 0x8918;
constexpr unsigned SIOCGIFBRDADDR = 0x8919;
constexpr unsigned SIOCSIFBRDADDR = 0x891a;
constexpr unsigned SIOCGIFNETMASK = 0x891b;
constexpr unsigned SIOCSIFNETMASK = 0x891c;
constexpr unsigned SIOCGIFMETRIC = 0x891d;
constexpr unsigned SIOCSIFMETRIC = 0x891e;
constexpr unsigned SIOCGIFMTU = 0x8921;
constexpr unsigned SIOCSIFMTU = 0x8922;
constexpr unsigned SIOCSIFNAME = 0x8923;
constexpr unsigned SIOCSIFHWADDR = 0x8924;
constexpr unsigned SIOCGIFHWADDR = 0x8927;
constexpr unsigned SIOCADDMULTI = 0x8931;
constexpr unsigned SIOCDELMULTI = 0x8932;
constexpr unsigned SIOCGIFINDEX = 0x8933;
constexpr unsigned SIOCGIFCOUNT = 0x8938;
constexpr unsigned SIOCGIFTXQLEN = 0x8942;
constexpr unsigned SIOCSIFTXQLEN = 0x8943;
constexpr unsigned SIOCDARP = 0x8953;
constexpr unsigned SIOCGARP = 0x8954;
constexpr unsigned SIOCSARP = 0x8955;
constexpr unsigned SIOCGIFMAP = 0x8970;
constexpr unsigned SIOCSIFMAP = 0x8971;
constexpr unsigned SIOCDEVPRIVATE = 0x89f0;
constexpr unsigned SIOCPROTOPRIVATE = 0x89e0;
