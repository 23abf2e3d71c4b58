// The protocol side of a socket (Linux's include/net/sock.h, net/core/sock.c):
// struct sock with its receive queue and buffer accounting, struct proto
// (a transport's operations and the slab cache of its socks, made by
// proto_register), the SOL_SOCKET options, and the sock_no_* defaults for
// proto_ops entries a family does not have.
//
// A protocol's sock is the first member of its own structure
// (packet_sock, raw_sock), whose size is proto::obj_size: sk_alloc() takes
// that much, zeroed, from the proto's cache.
//
// Contexts: frames arrive in softirq context (sock_queue_rcv_skb), the
// owner reads in process context. The queues mask interrupts themselves and
// the memory counters are atomic; anything else a receive handler reads is
// changed under bh_guard.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/list.h"
#include "kernel/mm/gfp.h"
#include "kernel/sched/wait.h"
#include "net/core/skbuff.h"
#include "net/socket.h"

struct kmem_cache;

// Linux's defaults (net.core.rmem_default... on a small machine): a
// datagram socket holds about 200 KiB of received frames, truesize counted.
constexpr int SK_RMEM_MAX = 212992;
constexpr int SK_WMEM_MAX = 212992;
constexpr int SK_RMEM_DEFAULT = 212992;
constexpr int SK_WMEM_DEFAULT = 212992;
// The smallest buffers SO_RCVBUF/SO_SNDBUF leave (Linux: twice the
// truesize of a small packet).
constexpr int SOCK_MIN_RCVBUF = 2 * (2048 + 256);
constexpr int SOCK_MIN_SNDBUF = 2 * (2048 + 256);

// sock::sk_flags bits (Linux's enum sock_flags).
enum sock_flags : unsigned {
    SOCK_DEAD,          // released by its socket; only in-flight skbs hold it
    SOCK_DONE,
    SOCK_DBG,
    SOCK_BROADCAST,
    SOCK_RCVTSTAMP,
    SOCK_LOCALROUTE,
    SOCK_RXQ_OVFL,
    SOCK_NOSPACE_FLAG,
    SOCK_TSTAMP_SET,    // sk_stamp holds a frame's time (SIOCGSTAMP)
    SOCK_RCVTSTAMPNS,   // SO_TIMESTAMPNS: the stamp as a timespec
    SOCK_KEEPOPEN,      // SO_KEEPALIVE
};

// sk_userlocks
constexpr uint8_t SOCK_SNDBUF_LOCK = 1;
constexpr uint8_t SOCK_RCVBUF_LOCK = 2;
constexpr uint8_t SOCK_BINDADDR_LOCK = 4;   // bind() chose the address: disconnect keeps it
constexpr uint8_t SOCK_BINDPORT_LOCK = 8;   // bind() chose the port: disconnect keeps it

// sk_state for datagram sockets, TCP's numbering (include/net/tcp_states.h).
constexpr uint8_t TCP_ESTABLISHED = 1;
constexpr uint8_t TCP_CLOSE = 7;

struct proto;

struct sock {
    // sock_common
    uint16_t sk_family;
    uint8_t sk_state;
    uint8_t sk_reuse;             // SO_REUSEADDR
    uint8_t sk_reuseport;         // SO_REUSEPORT
    int sk_bound_dev_if;          // SO_BINDTODEVICE, 0: any
    int sk_refcnt;                // sock_hold/sock_put (atomic)
    list_head sk_node;            // on the protocol's list of sockets
    // sock
    socket* sk_socket;            // nullptr once orphaned (released)
    wait_queue_head* sk_wq;       // the socket's wait queue (sk_sleep)
    proto* sk_prot;
    uint16_t sk_type;
    uint16_t sk_protocol;
    sk_buff_head sk_receive_queue;
    sk_buff_head sk_error_queue;  // IP_RECVERR's (net/core/errqueue.h)
    int sk_rcvbuf;
    int sk_sndbuf;
    int sk_rmem_alloc;            // truesize of received skbs held (atomic)
    int sk_wmem_alloc;            // truesize of sent skbs not yet freed (atomic)
    long sk_rcvtimeo;             // jiffies, MAX_SCHEDULE_TIMEOUT: none
    long sk_sndtimeo;
    int sk_rcvlowat;
    int sk_err;                   // pending error, positive errno (SO_ERROR)
    int sk_err_soft;
    unsigned sk_drops;            // frames refused: receive buffer full (atomic)
    uint8_t sk_shutdown;          // RCV_SHUTDOWN | SEND_SHUTDOWN
    uint8_t sk_userlocks;
    unsigned long sk_flags;       // 1 << sock_flags
    uint32_t sk_priority;
    uint32_t sk_mark;
    uint64_t sk_stamp;            // ns of the last frame read (SIOCGSTAMP)
    linger sk_linger;
    void (*sk_data_ready)(struct sock* sk);
    void (*sk_write_space)(struct sock* sk);
    void (*sk_state_change)(struct sock* sk);
    void (*sk_error_report)(struct sock* sk);
    void (*sk_destruct)(struct sock* sk);
    // The socket lock (Linux's socket_lock_t): owned by a process that may
    // sleep holding it; what a softirq brings meanwhile waits on the backlog.
    bool sk_lock_owned;
    wait_queue_head sk_lock_wq;
    sk_buff_head sk_backlog;
    unsigned sk_backlog_len;      // truesize queued there
};

inline bool sock_flag(const struct sock* sk, sock_flags f) { return sk->sk_flags & (1ul << f); }
inline void sock_set_flag(struct sock* sk, sock_flags f) { sk->sk_flags |= 1ul << f; }
inline void sock_reset_flag(struct sock* sk, sock_flags f) { sk->sk_flags &= ~(1ul << f); }
inline void sock_valbool_flag(struct sock* sk, sock_flags f, bool on) {
    on ? sock_set_flag(sk, f) : sock_reset_flag(sk, f);
}
inline wait_queue_head* sk_sleep(struct sock* sk) { return sk->sk_wq; }
inline int sk_rmem_alloc_get(const struct sock* sk) { return __atomic_load_n(&sk->sk_rmem_alloc, __ATOMIC_RELAXED); }
inline int sk_wmem_alloc_get(const struct sock* sk) { return __atomic_load_n(&sk->sk_wmem_alloc, __ATOMIC_RELAXED); }
// Room to send: less than half the send buffer in flight (Linux's).
inline bool sock_writeable(const struct sock* sk) { return sk_wmem_alloc_get(sk) < (sk->sk_sndbuf >> 1); }
// The pending error as -errno, cleared; 0 when none.
int sock_error(struct sock* sk);

// A transport protocol (Linux's struct proto). Entries may be nullptr.
struct proto {
    const char* name = nullptr;
    size_t obj_size = 0;              // the protocol's sock structure, struct sock first
    int (*init)(struct sock* sk) = nullptr;        // nonzero: the socket is not created (that error)
    void (*close)(struct sock* sk, long timeout) = nullptr;
    void (*destroy)(struct sock* sk) = nullptr;
    int (*bind)(struct sock* sk, sockaddr* addr, int addr_len) = nullptr;
    int (*connect)(struct sock* sk, sockaddr* addr, int addr_len) = nullptr;
    int (*disconnect)(struct sock* sk, int flags) = nullptr;
    int (*ioctl)(struct sock* sk, unsigned cmd, unsigned long arg) = nullptr;
    int (*setsockopt)(struct sock* sk, int level, int optname, const void* optval, unsigned optlen) = nullptr;
    int (*getsockopt)(struct sock* sk, int level, int optname, void* optval, int* optlen) = nullptr;
    int (*sendmsg)(struct sock* sk, msghdr* m, size_t len) = nullptr;
    int (*recvmsg)(struct sock* sk, msghdr* m, size_t len, int flags, int* addr_len) = nullptr;
    int (*backlog_rcv)(struct sock* sk, sk_buff* skb) = nullptr;
    int (*hash)(struct sock* sk) = nullptr;          // onto the protocol's lookup table
    void (*unhash)(struct sock* sk) = nullptr;
    void (*shutdown)(struct sock* sk, int how) = nullptr;
    // A local port (host order; 0: any free one) for sk, onto the table:
    // 0, or nonzero when it is taken (Linux's get_port).
    int (*get_port)(struct sock* sk, unsigned short snum) = nullptr;
    void (*keepalive)(struct sock* sk, bool on) = nullptr;   // SO_KEEPALIVE
    // Memory accounting (Linux's struct proto members of the same names),
    // all nullptr for a protocol that keeps none: bytes its sockets' queued
    // skbs hold, the pressure flag, and the limits (sysctl_mem in pages:
    // low, pressure, hard; sysctl_rmem/wmem: min, default, max per socket).
    void (*enter_memory_pressure)(struct sock* sk) = nullptr;
    void (*leave_memory_pressure)(struct sock* sk) = nullptr;
    long* memory_allocated = nullptr;
    int* memory_pressure = nullptr;
    unsigned long* sockets_allocated = nullptr;
    long* sysctl_mem = nullptr;
    int* sysctl_wmem = nullptr;
    int* sysctl_rmem = nullptr;
    unsigned max_header = 0;          // headroom of the protocol's own skbs
    // Set by proto_register:
    kmem_cache* slab = nullptr;            // obj_size objects, named after the protocol
    list_head node{};             // on proto_list
    int inuse = 0;                  // socks allocated (/proc/net/protocols)
};

// alloc_slab: make the protocol's kmem_cache (Linux's second argument).
// 0, or -ENOBUFS when the cache cannot be made.
int proto_register(proto* prot, int alloc_slab);
void proto_unregister(proto* prot);
// Forgets every protocol (sock_init: at boot, and in host tests).
void proto_list_init();
// Calls fn for every registered protocol, newest first.
void proto_for_each(void (*fn)(const proto& p, void* arg), void* arg);

// A zeroed sock of prot->obj_size with family, prot and one reference; its
// lists and queues initialised. nullptr when memory is short.
struct sock* sk_alloc(int family, gfp_t gfp, proto* prot, int kern);
// Drops the creator's reference; the sock goes when the last skb holding
// it does.
void sk_free(struct sock* sk);
inline void sock_hold(struct sock* sk) { __atomic_add_fetch(&sk->sk_refcnt, 1, __ATOMIC_RELAXED); }
void sock_put(struct sock* sk);
// Links sk and sock: type, wait queue, default buffers and timeouts,
// callbacks (Linux's sock_init_data).
void sock_init_data(socket* sock, struct sock* sk);
// sk loses its socket (released): SOCK_DEAD, no wait queue.
void sock_orphan(struct sock* sk);
// Linux's sk_common_release for datagram protocols: unhash, purge, put.
void sk_common_release(struct sock* sk);
unsigned long socks_allocated();   // /proc/net/sockstat

// Default callbacks: wake readers / writers / everyone on the wait queue.
void sock_def_readable(struct sock* sk);
void sock_def_write_space(struct sock* sk);
void sock_def_wakeup(struct sock* sk);
void sock_def_error_report(struct sock* sk);

// The socket lock (Linux's lock_sock in net/core/sock.c) -------------------------

// Takes the socket for the calling process, sleeping while another owns
// it. Softirqs stay enabled: a frame for an owned socket is put on its
// backlog by the receive path (sk_add_backlog).
void lock_sock(struct sock* sk);
// Runs the backlog through sk_prot->backlog_rcv, then lets the next owner in.
void release_sock(struct sock* sk);
inline bool sock_owned_by_user(const struct sock* sk) { return sk->sk_lock_owned; }
// lock_sock for a scope.
class sock_lock_guard {
public:
    explicit sock_lock_guard(struct sock* sk) : sk_(sk) { lock_sock(sk_); }
    ~sock_lock_guard() { release_sock(sk_); }
    sock_lock_guard(const sock_lock_guard&) = delete;
    sock_lock_guard& operator=(const sock_lock_guard&) = delete;

private:
    struct sock* sk_;
};
// The softirq side's lock: on one CPU, softirqs are already excluded from
// each other, so these mark the section only (Linux's spinlock).
inline void bh_lock_sock(struct sock*) {}
inline void bh_unlock_sock(struct sock*) {}
// Queues skb for release_sock; -ENOBUFS (the caller frees it) when the
// backlog holds limit octets already (Linux's sk_add_backlog).
int sk_add_backlog(struct sock* sk, sk_buff* skb, unsigned limit);

// Buffer ownership -------------------------------------------------------------

// The skb's truesize counts against sk's receive (r) or send (w) buffer
// until it is freed; w also holds a reference to sk.
void skb_set_owner_r(sk_buff* skb, struct sock* sk);
void skb_set_owner_w(sk_buff* skb, struct sock* sk);
// Queues a received skb, charged to sk, and wakes the reader. 0, or
// -ENOMEM when the receive buffer is full (counted in sk_drops; the
// caller still owns the skb and frees it).
int sock_queue_rcv_skb(struct sock* sk, sk_buff* skb);
// A send buffer of size bytes charged to sk, waiting (sk_sndtimeo) while
// the send buffer is full unless noblock. nullptr with *err -EAGAIN,
// -ENOBUFS, -EPIPE (shut down), or the socket's pending error.
sk_buff* sock_alloc_send_skb(struct sock* sk, unsigned long size, int noblock, int* err);
sk_buff* sock_wmalloc(struct sock* sk, unsigned long size, int force, gfp_t gfp);

// Memory accounting (net/core/sock_mem.cpp) ---------------------------------------
// For protocols with proto::memory_allocated: what their sockets' owned
// skbs hold, against the protocol-wide limits in pages (Linux's
// sk_memory_allocated, __sk_mem_raise_allocated, net/core/sock.c).

constexpr long SK_MEM_QUANTUM = 4096;   // the page sysctl_mem counts in
enum class sk_mem_kind { send, recv };

inline long sk_mem_pages(long bytes) { return (bytes + SK_MEM_QUANTUM - 1) / SK_MEM_QUANTUM; }
// Pages the protocol's sockets hold; 0 for a protocol that keeps none.
long sk_memory_allocated(const struct sock* sk);
bool sk_under_memory_pressure(const struct sock* sk);
// May sk take size more bytes? Yes under the low limit; between it and
// the hard limit while the protocol is under pressure only for a socket
// within its fair share; over the hard limit only for a socket below its
// minimum (sysctl_rmem[0] / sysctl_wmem[0]). Enters and leaves pressure.
bool sk_mem_schedule(struct sock* sk, int size, sk_mem_kind kind);
inline bool sk_rmem_schedule(struct sock* sk, const sk_buff* skb) {
    return sk_mem_schedule(sk, static_cast<int>(skb->truesize), sk_mem_kind::recv);
}
inline bool sk_wmem_schedule(struct sock* sk, int size) { return sk_mem_schedule(sk, size, sk_mem_kind::send); }
// Charged by skb_set_owner_r/w, given back by their destructors.
void sk_mem_charge(struct sock* sk, int size);
void sk_mem_uncharge(struct sock* sk, int size);
// Under pressure, the send buffer shrinks to half of what is queued
// (Linux's sk_stream_moderate_sndbuf), never below SOCK_MIN_SNDBUF.
void sk_stream_moderate_sndbuf(struct sock* sk);

// Datagrams (net/core/datagram.cpp) ----------------------------------------------

// The next received skb, dequeued (or, with MSG_PEEK, left queued with an
// extra reference). Blocks up to sk_rcvtimeo unless MSG_DONTWAIT; nullptr
// with *err -EAGAIN (nothing / timed out), the socket's error, or 0 when
// the receive side is shut down.
sk_buff* skb_recv_datagram(struct sock* sk, unsigned flags, int* err);
void skb_free_datagram(struct sock* sk, sk_buff* skb);
// Copies len bytes from offset into the message's buffer: 0 or -EFAULT.
int skb_copy_datagram_msg(const sk_buff* skb, int offset, msghdr* msg, int len);
// Copies len bytes from the message into the skb at offset (growing it
// with skb_put when offset == skb->len): 0 or -EFAULT.
int skb_copy_datagram_from_msg(sk_buff* skb, msghdr* msg, int len);
// SIOCINQ (the payload of the next datagram, Linux's first_packet_length)
// and SIOCOUTQ (sent but not yet freed) for a datagram socket;
// -ENOIOCTLCMD for the rest.
int datagram_queue_ioctl(struct sock* sk, unsigned cmd, unsigned long arg);
// The poll mask of a datagram socket (Linux's datagram_poll).
poll_t datagram_poll(file* f, socket* sock, poll_table_struct* wait);
// Waits until the receive queue is not empty (or error, shutdown, timeout).
// 0 when there is something to read or a reason to stop; *timeo updated.
int sk_wait_data(struct sock* sk, long* timeo);

// SOL_SOCKET options --------------------------------------------------------------

int sock_setsockopt(socket* sock, int level, int optname, const void* optval, unsigned optlen);
int sock_getsockopt(socket* sock, int level, int optname, void* optval, int* optlen);
// A getsockopt answer: at most len (the caller's room) of the size bytes of
// val to the user's optval, the length written to *optlen. 0 or -EFAULT.
int sockopt_put(void* optval, int* optlen, int len, const void* val, size_t size);
// For proto_ops whose protocols take their options in struct proto.
int sock_common_setsockopt(socket* sock, int level, int optname, const void* optval, unsigned optlen);
int sock_common_getsockopt(socket* sock, int level, int optname, void* optval, int* optlen);
int sock_common_recvmsg(socket* sock, msghdr* msg, size_t size, int flags);
// Timeouts in jiffies, for the blocking paths.
inline long sock_rcvtimeo(const struct sock* sk, bool noblock) { return noblock ? 0 : sk->sk_rcvtimeo; }
inline long sock_sndtimeo(const struct sock* sk, bool noblock) { return noblock ? 0 : sk->sk_sndtimeo; }
// SIOCGSTAMP: the time of the last frame read, as an o32 timeval.
int sock_get_timestamp(struct sock* sk, uapi::timeval* userstamp);
// The receive-side timestamp of skb is now the socket's last (SIOCGSTAMP);
// with SO_TIMESTAMP(NS) it also goes to the reader as SCM_TIMESTAMP(NS).
void sock_recv_timestamp(msghdr* msg, struct sock* sk, const sk_buff* skb);

// proto_ops defaults --------------------------------------------------------------

int sock_no_bind(socket* sock, sockaddr* addr, int addr_len);
int sock_no_connect(socket* sock, sockaddr* addr, int addr_len, int flags);
int sock_no_socketpair(socket* sock1, socket* sock2);
int sock_no_accept(socket* sock, socket* newsock, int flags, bool kern);
int sock_no_getname(socket* sock, sockaddr* addr, int peer);
int sock_no_ioctl(socket* sock, unsigned cmd, unsigned long arg);
int sock_no_listen(socket* sock, int backlog);
int sock_no_shutdown(socket* sock, int how);
int sock_no_setsockopt(socket* sock, int level, int optname, const void* optval, unsigned optlen);
int sock_no_getsockopt(socket* sock, int level, int optname, void* optval, int* optlen);
int sock_no_sendmsg(socket* sock, msghdr* m, size_t len);
int sock_no_recvmsg(socket* sock, msghdr* m, size_t len, int flags);
int sock_no_mmap(file* f, socket* sock, void* vma);
long sock_no_sendpage(socket* sock, void* page, int offset, size_t size, int flags);
