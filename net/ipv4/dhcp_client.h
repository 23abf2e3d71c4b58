// The DHCP client's state machine (RFC 2131 4.4, figure 5), portable: it
// talks to the world only through dhcp_transport and is told the time in
// milliseconds, so host tests drive every state with a virtual clock.
// ipconfig_dhcp.cpp runs it in a kernel thread over a real device.
//
//   INIT -> SELECTING (DISCOVER) -> REQUESTING (REQUEST) -> PROBING (ARP,
//   RFC 5227 2.1; a conflict is DECLINEd, RFC 2131 3.1.5) -> BOUND
//   BOUND -T1-> RENEWING (unicast REQUEST) -T2-> REBINDING (broadcast)
//   -expiry-> the address is given up, INIT. NAK anywhere -> INIT.
// INIT-REBOOT is not implemented: nothing survives a reboot here.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/byteorder.h"
#include "net/ipv4/dhcp_msg.h"

enum class dhcp_state : uint8_t { init, selecting, requesting, probing, bound, renewing, rebinding };
const char* dhcp_state_name(dhcp_state s);

struct dhcp_lease {
    __be32 addr = 0;
    __be32 netmask = 0;      // 0: the server gave none (the classful mask is used)
    __be32 broadcast = 0;    // 0: derived from addr and netmask
    __be32 router = 0;
    __be32 server = 0;       // option 54
    __be32 dns[3] = {};
    __be32 ntp[3] = {};
    uint32_t lease_s = 0;    // 0xffffffff: infinite
    uint32_t t1_s = 0, t2_s = 0;
    char hostname[64] = {};
    char domain[64] = {};
};

// What the state machine needs from its host. Addresses network order.
class dhcp_transport {
public:
    // A message to UDP port 67: dst INADDR_BROADCAST or the server's
    // address; src 0 before an address is bound, else the leased address.
    virtual void send(const uint8_t* msg, size_t len, __be32 src, __be32 dst) = 0;
    // One RFC 5227 probe for addr (sender address 0); a reply or a probe
    // from another station comes back as dhcp_client::arp_conflict().
    virtual void arp_probe(__be32 addr) = 0;
    // Configures the lease (called again on every renewal: idempotent).
    virtual void bind(const dhcp_lease& l) = 0;
    // Removes the lease's address and route.
    virtual void unbind(const dhcp_lease& l) = 0;
    virtual uint32_t random() = 0;

protected:
    ~dhcp_transport() = default;
};

struct dhcp_stats {
    uint32_t rx;                 // messages handed to receive()
    uint32_t rx_malformed;       // dhcp_parse/dhcp_decode refused it
    uint32_t rx_bad_xid;
    uint32_t rx_bad_chaddr;
    uint32_t rx_bad_yiaddr;      // an OFFER/ACK of 0.0.0.0, broadcast, multicast, loopback...
    uint32_t rx_unexpected;      // right xid, but not what this state waits for
    uint32_t tx_discover, tx_request, tx_decline;
    uint32_t offers, acks, naks;
    uint32_t renewals, rebinds;  // ACKs while RENEWING / REBINDING
    uint32_t expiries, conflicts;
};

struct dhcp_client_config {
    uint16_t max_msg_size = 1500;        // option 57 (RFC 2132 9.10): the device's MTU
    unsigned probe_num = 2;              // RFC 5227's PROBE_NUM is 3 over 1-2 s each;
    unsigned probe_interval_ms = 500;    // shortened, as Linux's boot client does no probing at all
    unsigned decline_wait_ms = 10000;    // RFC 2131 3.1.5: at least ten seconds
    unsigned request_tries = 5;          // REQUESTs before going back to INIT (4..64 s)
};

class dhcp_client {
public:
    static constexpr uint64_t NEVER = ~uint64_t{0};

    dhcp_client(dhcp_transport& t, const uint8_t* mac, const dhcp_client_config& cfg = {});
    void start(uint64_t now);                       // INIT: the first DISCOVER
    void receive(uint64_t now, const uint8_t* msg, size_t len);
    void arp_conflict(uint64_t now, __be32 addr);  // someone else answers for addr
    void timer(uint64_t now);                       // call once now >= deadline()
    uint64_t deadline() const { return deadline_; }

    dhcp_state state() const { return state_; }
    const dhcp_lease& lease() const { return lease_; }
    bool bound() const {
        return state_ == dhcp_state::bound || state_ == dhcp_state::renewing || state_ == dhcp_state::rebinding;
    }
    uint64_t t1_at() const { return t1_at_; }
    uint64_t t2_at() const { return t2_at_; }
    uint64_t expire_at() const { return expire_at_; }
    uint32_t xid() const { return xid_; }
    dhcp_stats stats{};

private:
    void enter_init(uint64_t now, uint64_t delay);
    void send_discover(uint64_t now);
    void send_request(uint64_t now);
    void send_decline();
    void retransmit_backoff(uint64_t now);
    void retransmit_halfway(uint64_t now, uint64_t limit);
    void on_offer(uint64_t now, const dhcp_header& h, const struct dhcp_info& info);
    void on_ack(uint64_t now, const dhcp_header& h, const struct dhcp_info& info);
    void on_nak(uint64_t now, const struct dhcp_info& info);
    void go_bound(uint64_t now);
    void set_times(uint64_t now);
    void new_xid() { xid_ = t_.random(); }
    uint16_t secs(uint64_t now) const;

    dhcp_transport& t_;
    dhcp_client_config cfg_;
    uint8_t mac_[6];
    dhcp_state state_ = dhcp_state::init;
    uint32_t xid_ = 0;
    unsigned tries_ = 0;           // sends of the current message
    unsigned probes_ = 0;
    uint64_t deadline_ = NEVER;
    uint64_t started_ = 0;         // when this acquisition began (the secs field)
    uint64_t acked_at_ = 0;        // when the REQUEST that got the ACK was sent
    uint64_t t1_at_ = NEVER, t2_at_ = NEVER, expire_at_ = NEVER;
    __be32 offered_ = 0;           // SELECTING's choice
    __be32 offer_server_ = 0;
    dhcp_lease lease_{};           // the one bound (or being probed)
    dhcp_lease pending_{};         // PROBING: what the ACK gave
};
