// The transport protocol inetsw_array has a place for but that is not
// built yet (TCP): its sockets are refused
// by init with EPROTONOSUPPORT, as if the protocol module were missing.
// ping sockets (SOCK_DGRAM, IPPROTO_ICMP) answer as Linux does with its
// default net.ipv4.ping_group_range of "1 0": no group may open one.
#include "kernel/uapi/errno.h"
#include "net/ipv4/inet_sock.h"

namespace {
int not_built_init(struct sock*) { return -EPROTONOSUPPORT; }
int ping_init_sock(struct sock*) { return -EACCES; }
void stub_close(struct sock* sk, long) { sk_common_release(sk); }
}  // namespace

proto tcp_prot = {.name = "TCP", .obj_size = sizeof(inet_sock), .init = not_built_init, .close = stub_close};
proto ping_prot = {.name = "PING", .obj_size = sizeof(inet_sock), .init = ping_init_sock, .close = stub_close};
