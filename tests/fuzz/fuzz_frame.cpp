// Bytes -> the whole receive path (netif_rx / netif_receive_skb, ARP, IPv4
// with options and fragments, ICMP, IGMP, UDP, raw and packet sockets),
// with a fixed set of sockets open and the clock moving between frames so
// that timers (reassembly, ARP, IGMP) run.
//
// The input is a list of operations, one opcode byte each:
//   frame:    u16 length, then the frame as given
//   ip:       a correct Ethernet and IPv4 header (checksummed) built from a
//             few fields, then the payload, the UDP/ICMP checksum right when
//             a flag says so: reaches past the checks a fuzzer cannot guess
//   tick:     u16 milliseconds (at most 2 s)
//   read:     every socket read empty
//   send:     a UDP datagram to an address the input gives
//   nomem:    u8 space, u8 times: after `space` more sk_buffs, `times`
//             allocations fail (undone after each input)
// Every 4096 inputs (MIPSNET_FUZZ_CHECK_EVERY) the clock runs two minutes
// on and the sk_buffs in use must be back where they were: anything else
// is a leak.
#include <stdlib.h>
#include <string.h>

#include "net/core/checksum.h"
#include "tests/fuzz/stack.h"
#include "tests/unit/socket_test_util.h"

namespace {

using namespace ipv4_test;

int fds[8];
int nfds;
unsigned long skb_baseline;

void open_sockets() {
    auto add = [](long fd) {
        if (fd < 0) {
            abort();
        }
        fds[nfds++] = static_cast<int>(fd);
    };
    add(sys_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
    add(sys_socket(AF_INET, SOCK_RAW, IPPROTO_UDP));
    add(socket_test::packet_socket(SOCK_RAW, ETH_P_ALL));
    add(socket_test::packet_socket(SOCK_DGRAM, ETH_P_IP));
    long udp = sys_socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in any = socket_test::sin_of(0);
    any.sin_port = htons(7);
    if (sys_bind(static_cast<int>(udp), reinterpret_cast<sockaddr*>(&any), sizeof any)) {
        abort();
    }
    add(udp);
    long mc = sys_socket(AF_INET, SOCK_DGRAM, 0);
    any.sin_port = htons(5000);
    ip_mreqn mreq{ipv4_addr(239, 1, 2, 3), 0, 0};
    if (sys_bind(static_cast<int>(mc), reinterpret_cast<sockaddr*>(&any), sizeof any) ||
        sys_setsockopt(static_cast<int>(mc), IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq)) {
        abort();
    }
    add(mc);
}

void read_all() {
    static uint8_t buf[70000];
    for (int i = 0; i < nfds; ++i) {
        while (sys_recvfrom(fds[i], buf, sizeof buf, MSG_DONTWAIT, nullptr, nullptr) >= 0) {
        }
    }
}

constexpr __be32 daddrs[] = {our_ip, subnet_bcast, ipv4_addr(255, 255, 255, 255), ipv4_addr(239, 1, 2, 3),
                             ipv4_addr(224, 0, 0, 1), remote_ip};
constexpr uint8_t protos[] = {IPPROTO_ICMP, IPPROTO_UDP, IPPROTO_IGMP, IPPROTO_TCP, 253};

void ip_frame(fuzz::reader& in) {
    uint8_t sel = in.u8();
    uint8_t flags = in.u8();
    uint16_t frag = in.u16();
    unsigned optlen = (in.u8() % 11) * 4;
    const uint8_t* opts;
    optlen = static_cast<unsigned>(in.take(optlen, &opts)) & ~3u;
    const uint8_t* payload;
    size_t plen = in.take(in.u16() % 1600, &payload);

    // NET_IP_ALIGN in front, so that the IP header is aligned as in a driver's buffer.
    alignas(4) static uint8_t buf[NET_IP_ALIGN + ETH_HLEN + 60 + 1600];
    uint8_t* f = buf + NET_IP_ALIGN;
    const uint8_t* dmac = (flags & 1) ? net_test::mac_bcast : our_mac;
    memcpy(f, dmac, ETH_ALEN);
    memcpy(f + ETH_ALEN, peer_mac, ETH_ALEN);
    f[12] = 0x08;
    f[13] = 0x00;
    auto* iph = reinterpret_cast<iphdr*>(f + ETH_HLEN);
    unsigned hlen = 20 + optlen;
    iph->set_version_ihl(4, hlen / 4);
    iph->tos = 0;
    iph->tot_len = htons(static_cast<uint16_t>(hlen + plen));
    iph->id = htons(static_cast<uint16_t>(sel << 8 | flags));
    iph->frag_off = htons((flags & 2) ? frag : 0);
    iph->ttl = (flags & 4) ? 1 : 64;
    iph->protocol = protos[(sel >> 4) % sizeof protos];
    iph->saddr = (flags & 8) ? ipv4_addr(10, 0, 2, sel) : peer_ip;
    iph->daddr = daddrs[sel % (sizeof daddrs / sizeof daddrs[0])];
    memcpy(f + ETH_HLEN + 20, opts, optlen);
    iph->check = 0;
    iph->check = ip_fast_csum(iph, hlen / 4);
    uint8_t* l4 = f + ETH_HLEN + hlen;
    memcpy(l4, payload, plen);
    if ((flags & 16) && iph->protocol == IPPROTO_UDP && plen >= 8) {
        l4[4] = static_cast<uint8_t>(plen >> 8);   // the UDP length right, then the checksum
        l4[5] = static_cast<uint8_t>(plen);
        l4[6] = l4[7] = 0;
        __sum16 c = csum_tcpudp_magic(iph->saddr, iph->daddr, static_cast<uint32_t>(plen), IPPROTO_UDP,
                                      csum_partial(l4, static_cast<int>(plen), 0));
        memcpy(l4 + 6, &c, 2);
    } else if ((flags & 16) && (iph->protocol == IPPROTO_ICMP || iph->protocol == IPPROTO_IGMP) && plen >= 4) {
        l4[2] = l4[3] = 0;
        __sum16 c = ip_compute_csum(l4, static_cast<int>(plen));
        memcpy(l4 + 2, &c, 2);
    }
    size_t len = ETH_HLEN + hlen + plen;
    (flags & 32) ? fuzz::receive_napi(f, len) : fuzz::receive_irq(f, len);
}

void udp_send(fuzz::reader& in) {
    sockaddr_in to = socket_test::sin_of(in.u8() & 1 ? daddrs[in.u8() % 6] : in.u32());
    to.sin_port = in.u16();
    const uint8_t* data;
    size_t n = in.take(in.u16() % 2000, &data);
    sys_sendto(fds[4], data, n, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&to), sizeof to);
}

void settle_and_check_leaks() {
    fuzz::advance_ms(120000);
    read_all();
    fuzz::drain_sent();
    if (skb_heads_in_use() != skb_baseline) {
        fprintf(stderr, "fuzz_frame: %lu sk_buffs in use, %lu at the start\n", skb_heads_in_use(), skb_baseline);
        abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::init_stack();
    open_sockets();
    // What setting up left in flight (the IGMP join's reports) goes first.
    fuzz::advance_ms(120000);
    read_all();   // the packet socket's copies of what went out
    fuzz::drain_sent();
    skb_baseline = skb_heads_in_use();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static unsigned runs;
    fuzz::reader in(data, size);
    for (int ops = 0; ops < 64 && !in.empty(); ++ops) {
        switch (in.u8() % 9) {
        case 0:
        case 1: {
            const uint8_t* f;
            size_t n = in.take(in.u16(), &f);
            fuzz::receive_irq(f, n);
            break;
        }
        case 2:
        case 3:
        case 4: ip_frame(in); break;
        case 5: fuzz::advance_ms(in.u16() % 2000); break;
        case 6: read_all(); break;
        case 7: udp_send(in); break;
        case 8: fuzz::fail_allocations(in); break;
        }
        fuzz::drain_sent();
    }
    fuzz::allocations_back();
    read_all();
    fuzz::drain_sent();
    static const unsigned every = fuzz::check_every(4096);
    if (++runs % every == 0) {
        settle_and_check_leaks();
    }
    return 0;
}
