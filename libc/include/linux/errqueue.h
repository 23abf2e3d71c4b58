/* The IP_RECVERR control message read with recvmsg(MSG_ERRQUEUE), as
 * Linux's include/uapi/linux/errqueue.h. ee_errno is translated to this
 * libc's errno values by recvmsg. */
#ifndef _LINUX_ERRQUEUE_H
#define _LINUX_ERRQUEUE_H

#include <stdint.h>
#include <sys/socket.h>

struct sock_extended_err {
    uint32_t ee_errno;
    uint8_t ee_origin;
    uint8_t ee_type;
    uint8_t ee_code;
    uint8_t ee_pad;
    uint32_t ee_info;
    uint32_t ee_data;
};

#define SO_EE_ORIGIN_NONE 0
#define SO_EE_ORIGIN_LOCAL 1
#define SO_EE_ORIGIN_ICMP 2
#define SO_EE_ORIGIN_ICMP6 3

/* Who reported the error: a sockaddr right after the struct. */
#define SO_EE_OFFENDER(ee) ((struct sockaddr*)((ee) + 1))

#endif
