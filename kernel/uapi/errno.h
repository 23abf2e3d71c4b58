// errno values of the Linux MIPS ABI (arch/mips/include/uapi/asm/errno.h and
// asm-generic/errno-base.h). The kernel returns -E... from every syscall, as
// Linux does; they differ from x86 and from newlib above 34 (libc/errno_map.cpp
// translates for apps).
//
// The C library's <errno.h> spells the same names as macros with its own
// values. It is included here first and its names removed, so that in any
// file that includes this one the names mean the Linux MIPS values, whatever
// is included after (errno.h's include guard keeps it from coming back).
#pragma once
#include <errno.h>

#undef EPERM
#undef ENOENT
#undef ESRCH
#undef EINTR
#undef EIO
#undef ENXIO
#undef E2BIG
#undef ENOEXEC
#undef EBADF
#undef ECHILD
#undef EAGAIN
#undef ENOMEM
#undef EACCES
#undef EFAULT
#undef ENOTBLK
#undef EBUSY
#undef EEXIST
#undef EXDEV
#undef ENODEV
#undef ENOTDIR
#undef EISDIR
#undef EINVAL
#undef ENFILE
#undef EMFILE
#undef ENOTTY
#undef ETXTBSY
#undef EFBIG
#undef ENOSPC
#undef ESPIPE
#undef EROFS
#undef EMLINK
#undef EPIPE
#undef EDOM
#undef ERANGE
#undef ENOMSG
#undef EIDRM
#undef ECHRNG
#undef EL2NSYNC
#undef EL3HLT
#undef EL3RST
#undef ELNRNG
#undef EUNATCH
#undef ENOCSI
#undef EL2HLT
#undef EDEADLK
#undef ENOLCK
#undef EBADE
#undef EBADR
#undef EXFULL
#undef ENOANO
#undef EBADRQC
#undef EBADSLT
#undef EDEADLOCK
#undef EBFONT
#undef ENOSTR
#undef ENODATA
#undef ETIME
#undef ENOSR
#undef ENONET
#undef ENOPKG
#undef EREMOTE
#undef ENOLINK
#undef EADV
#undef ESRMNT
#undef ECOMM
#undef EPROTO
#undef EDOTDOT
#undef EMULTIHOP
#undef EBADMSG
#undef ENAMETOOLONG
#undef EOVERFLOW
#undef ENOTUNIQ
#undef EBADFD
#undef EREMCHG
#undef ELIBACC
#undef ELIBBAD
#undef ELIBSCN
#undef ELIBMAX
#undef ELIBEXEC
#undef EILSEQ
#undef ENOSYS
#undef ELOOP
#undef ERESTART
#undef ESTRPIPE
#undef ENOTEMPTY
#undef EUSERS
#undef ENOTSOCK
#undef EDESTADDRREQ
#undef EMSGSIZE
#undef EPROTOTYPE
#undef ENOPROTOOPT
#undef EPROTONOSUPPORT
#undef ESOCKTNOSUPPORT
#undef EOPNOTSUPP
#undef EPFNOSUPPORT
#undef EAFNOSUPPORT
#undef EADDRINUSE
#undef EADDRNOTAVAIL
#undef ENETDOWN
#undef ENETUNREACH
#undef ENETRESET
#undef ECONNABORTED
#undef ECONNRESET
#undef ENOBUFS
#undef EISCONN
#undef ENOTCONN
#undef EUCLEAN
#undef ENOTNAM
#undef ENAVAIL
#undef EISNAM
#undef EREMOTEIO
#undef EINIT
#undef EREMDEV
#undef ESHUTDOWN
#undef ETOOMANYREFS
#undef ETIMEDOUT
#undef ECONNREFUSED
#undef EHOSTDOWN
#undef EHOSTUNREACH
#undef EALREADY
#undef EINPROGRESS
#undef ESTALE
#undef ECANCELED
#undef ENOMEDIUM
#undef EMEDIUMTYPE
#undef ENOKEY
#undef EKEYEXPIRED
#undef EKEYREVOKED
#undef EKEYREJECTED
#undef EOWNERDEAD
#undef ENOTRECOVERABLE
#undef ERFKILL
#undef EHWPOISON
#undef EDQUOT
#undef EWOULDBLOCK

constexpr int EPERM = 1;
constexpr int ENOENT = 2;
constexpr int ESRCH = 3;
constexpr int EINTR = 4;
constexpr int EIO = 5;
constexpr int ENXIO = 6;
constexpr int E2BIG = 7;
constexpr int ENOEXEC = 8;
constexpr int EBADF = 9;
constexpr int ECHILD = 10;
constexpr int EAGAIN = 11;
constexpr int ENOMEM = 12;
constexpr int EACCES = 13;
constexpr int EFAULT = 14;
constexpr int ENOTBLK = 15;
constexpr int EBUSY = 16;
constexpr int EEXIST = 17;
constexpr int EXDEV = 18;
constexpr int ENODEV = 19;
constexpr int ENOTDIR = 20;
constexpr int EISDIR = 21;
constexpr int EINVAL = 22;
constexpr int ENFILE = 23;
constexpr int EMFILE = 24;
constexpr int ENOTTY = 25;
constexpr int ETXTBSY = 26;
constexpr int EFBIG = 27;
constexpr int ENOSPC = 28;
constexpr int ESPIPE = 29;
constexpr int EROFS = 30;
constexpr int EMLINK = 31;
constexpr int EPIPE = 32;
constexpr int EDOM = 33;
constexpr int ERANGE = 34;
constexpr int ENOMSG = 35;
constexpr int EIDRM = 36;
constexpr int ECHRNG = 37;
constexpr int EL2NSYNC = 38;
constexpr int EL3HLT = 39;
constexpr int EL3RST = 40;
constexpr int ELNRNG = 41;
constexpr int EUNATCH = 42;
constexpr int ENOCSI = 43;
constexpr int EL2HLT = 44;
constexpr int EDEADLK = 45;
constexpr int ENOLCK = 46;
constexpr int EBADE = 50;
constexpr int EBADR = 51;
constexpr int EXFULL = 52;
constexpr int ENOANO = 53;
constexpr int EBADRQC = 54;
constexpr int EBADSLT = 55;
constexpr int EDEADLOCK = 56;
constexpr int EBFONT = 59;
constexpr int ENOSTR = 60;
constexpr int ENODATA = 61;
constexpr int ETIME = 62;
constexpr int ENOSR = 63;
constexpr int ENONET = 64;
constexpr int ENOPKG = 65;
constexpr int EREMOTE = 66;
constexpr int ENOLINK = 67;
constexpr int EADV = 68;
constexpr int ESRMNT = 69;
constexpr int ECOMM = 70;
constexpr int EPROTO = 71;
constexpr int EDOTDOT = 73;
constexpr int EMULTIHOP = 74;
constexpr int EBADMSG = 77;
constexpr int ENAMETOOLONG = 78;
constexpr int EOVERFLOW = 79;
constexpr int ENOTUNIQ = 80;
constexpr int EBADFD = 81;
constexpr int EREMCHG = 82;
constexpr int ELIBACC = 83;
constexpr int ELIBBAD = 84;
constexpr int ELIBSCN = 85;
constexpr int ELIBMAX = 86;
constexpr int ELIBEXEC = 87;
constexpr int EILSEQ = 88;
constexpr int ENOSYS = 89;
constexpr int ELOOP = 90;
constexpr int ERESTART = 91;
constexpr int ESTRPIPE = 92;
constexpr int ENOTEMPTY = 93;
constexpr int EUSERS = 94;
constexpr int ENOTSOCK = 95;
constexpr int EDESTADDRREQ = 96;
constexpr int EMSGSIZE = 97;
constexpr int EPROTOTYPE = 98;
constexpr int ENOPROTOOPT = 99;
constexpr int EPROTONOSUPPORT = 120;
constexpr int ESOCKTNOSUPPORT = 121;
constexpr int EOPNOTSUPP = 122;
constexpr int EPFNOSUPPORT = 123;
constexpr int EAFNOSUPPORT = 124;
constexpr int EADDRINUSE = 125;
constexpr int EADDRNOTAVAIL = 126;
constexpr int ENETDOWN = 127;
constexpr int ENETUNREACH = 128;
constexpr int ENETRESET = 129;
constexpr int ECONNABORTED = 130;
constexpr int ECONNRESET = 131;
constexpr int ENOBUFS = 132;
constexpr int EISCONN = 133;
constexpr int ENOTCONN = 134;
constexpr int EUCLEAN = 135;
constexpr int ENOTNAM = 137;
constexpr int ENAVAIL = 138;
constexpr int EISNAM = 139;
constexpr int EREMOTEIO = 140;
constexpr int EINIT = 141;
constexpr int EREMDEV = 142;
constexpr int ESHUTDOWN = 143;
constexpr int ETOOMANYREFS = 144;
constexpr int ETIMEDOUT = 145;
constexpr int ECONNREFUSED = 146;
constexpr int EHOSTDOWN = 147;
constexpr int EHOSTUNREACH = 148;
constexpr int EALREADY = 149;
constexpr int EINPROGRESS = 150;
constexpr int ESTALE = 151;
constexpr int ECANCELED = 158;
constexpr int ENOMEDIUM = 159;
constexpr int EMEDIUMTYPE = 160;
constexpr int ENOKEY = 161;
constexpr int EKEYEXPIRED = 162;
constexpr int EKEYREVOKED = 163;
constexpr int EKEYREJECTED = 164;
constexpr int EOWNERDEAD = 165;
constexpr int ENOTRECOVERABLE = 166;
constexpr int ERFKILL = 167;
constexpr int EHWPOISON = 168;
constexpr int EDQUOT = 1133;
constexpr int EWOULDBLOCK = EAGAIN;
