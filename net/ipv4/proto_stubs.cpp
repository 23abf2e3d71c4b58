// ping sockets (SOCK_DGRAM, IPPROTO_ICMP) answer as Linux does with its
// default net.ipv4.ping_group_range of "1 0": no group may open one.
#include "kernel/uapi/errno.h"
#include "net/ipv4/inet_sock.h"

namespace {
int ping_init_sock(struct sock*) { return -EACCES; }
void stub_close(struct sock* sk, long) { sk_common_release(sk); }
}  // namespace

proto ping_prot = {.name = "PING", .obj_size = sizeof(inet_sock), .init = ping_init_sock, .close = stub_close};
