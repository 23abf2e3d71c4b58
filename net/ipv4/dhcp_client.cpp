// DHCP client state machine (RFC 2131 4.4; retransmission 4.1; T1/T2
// 4.4.5; DECLINE 3.1.5; address probe RFC 5227 2.1).
#include "net/ipv4/dhcp_client.h"

#include <string.h>

#include "net/ipv4/in.h"

namespace {

constexpr uint64_t SEC = 1000;
constexpr uint32_t INFINITE_LEASE = 0xffffffff;
constexpr uint64_t MIN_RETRANSMIT = 60 * SEC;   // RFC 2131 4.4.5: down to a minimum of 60 seconds

// Parameters asked for (option 55): what dhcp_info decodes.
constexpr uint8_t param_request[] = {1, 3, 6, 12, 15, 28, 42, 51, 54, 58, 59};

bool usable_address(__be32 a) { return ipv4_is_unicast(a) && !ipv4_is_loopback(a) && !ipv4_is_zeronet(a); }

}  // namespace

const char* dhcp_state_name(dhcp_state s) {
    static const char* const names[] = {"INIT", "SELECTING", "REQUESTING", "PROBING", "BOUND", "RENEWING", "REBINDING"};
    return names[static_cast<unsigned>(s)];
}

dhcp_client::dhcp_client(dhcp_transport& t, const uint8_t* mac, const dhcp_client_config& cfg) : t_(t), cfg_(cfg) {
    memcpy(mac_, mac, 6);
}

void dhcp_client::start(uint64_t now) { enter_init(now, 0); }

uint16_t dhcp_client::secs(uint64_t now) const {
    uint64_t s = (now - started_) / SEC;
    return s > 0xffff ? 0xffff : static_cast<uint16_t>(s);
}

// INIT waits delay, then SELECTING begins with a new xid (RFC 2131 4.4.1
// suggests 1-10 s before the first DISCOVER; a boot has nothing to wait
// for, so start() passes 0, as Linux's ipconfig does).
void dhcp_client::enter_init(uint64_t now, uint64_t delay) {
    state_ = dhcp_state::init;
    t1_at_ = t2_at_ = expire_at_ = NEVER;
    offered_ = offer_server_ = 0;
    deadline_ = now + delay;
}

// RFC 2131 4.1: 4 s, doubled up to 64 s, each randomized by -1..+1 s.
void dhcp_client::retransmit_backoff(uint64_t now) {
    unsigned shift = tries_ ? tries_ - 1 : 0;
    uint64_t base = (shift >= 4 ? 64 : 4u << shift) * SEC;
    int64_t jitter = static_cast<int64_t>(t_.random() % 2001) - 1000;
    deadline_ = now + static_cast<uint64_t>(static_cast<int64_t>(base) + jitter);
}

// RFC 2131 4.4.5: in RENEWING and REBINDING, wait half the time left to
// limit (T2 or the expiry), at least 60 s, but never past limit.
void dhcp_client::retransmit_halfway(uint64_t now, uint64_t limit) {
    uint64_t half = limit > now ? (limit - now) / 2 : 0;
    uint64_t wait = half > MIN_RETRANSMIT ? half : MIN_RETRANSMIT;
    deadline_ = (limit - now > wait) ? now + wait : limit;
}

void dhcp_client::send_discover(uint64_t now) {
    uint8_t buf[DHCP_MAX_LEN];
    dhcp_builder b(buf, sizeof buf);
    b.header(xid_, secs(now), 0, mac_, false);
    b.option8(dhcp_opt::msg_type, static_cast<uint8_t>(dhcp_type::discover));
    uint8_t cid[7] = {DHCP_HTYPE_ETHER};
    memcpy(cid + 1, mac_, 6);
    b.option(dhcp_opt::client_id, cid, sizeof cid);
    b.option16(dhcp_opt::max_msg_size, cfg_.max_msg_size);
    b.option(dhcp_opt::param_request, param_request, sizeof param_request);
    size_t n = b.finish();
    ++stats.tx_discover;
    t_.send(buf, n, 0, htonl(INADDR_BROADCAST));
}

// RFC 2131 4.3.2 / table 5: SELECTING's REQUEST names the server and the
// address; RENEWING and REBINDING put the address in ciaddr and name
// neither.
void dhcp_client::send_request(uint64_t now) {
    bool selecting = state_ == dhcp_state::requesting;
    uint8_t buf[DHCP_MAX_LEN];
    dhcp_builder b(buf, sizeof buf);
    b.header(xid_, secs(now), selecting ? 0 : lease_.addr, mac_, false);
    b.option8(dhcp_opt::msg_type, static_cast<uint8_t>(dhcp_type::request));
    uint8_t cid[7] = {DHCP_HTYPE_ETHER};
    memcpy(cid + 1, mac_, 6);
    b.option(dhcp_opt::client_id, cid, sizeof cid);
    if (selecting) {
        b.option_addr(dhcp_opt::requested_ip, offered_);
        b.option_addr(dhcp_opt::server_id, offer_server_);
    }
    b.option16(dhcp_opt::max_msg_size, cfg_.max_msg_size);
    b.option(dhcp_opt::param_request, param_request, sizeof param_request);
    size_t n = b.finish();
    ++stats.tx_request;
    acked_at_ = now;
    __be32 src = selecting ? 0 : lease_.addr;
    __be32 dst = state_ == dhcp_state::renewing ? lease_.server : htonl(INADDR_BROADCAST);
    t_.send(buf, n, src, dst);
}

void dhcp_client::send_decline() {
    uint8_t buf[DHCP_MAX_LEN];
    dhcp_builder b(buf, sizeof buf);
    b.header(xid_, 0, 0, mac_, false);
    b.option8(dhcp_opt::msg_type, static_cast<uint8_t>(dhcp_type::decline));
    uint8_t cid[7] = {DHCP_HTYPE_ETHER};
    memcpy(cid + 1, mac_, 6);
    b.option(dhcp_opt::client_id, cid, sizeof cid);
    b.option_addr(dhcp_opt::requested_ip, pending_.addr);
    b.option_addr(dhcp_opt::server_id, pending_.server);
    size_t n = b.finish();
    ++stats.tx_decline;
    t_.send(buf, n, 0, htonl(INADDR_BROADCAST));
}

void dhcp_client::timer(uint64_t now) {
    if (now < deadline_) {
        return;
    }
    switch (state_) {
    case dhcp_state::init:
        new_xid();
        started_ = now;
        state_ = dhcp_state::selecting;
        tries_ = 1;
        send_discover(now);
        retransmit_backoff(now);
        return;
    case dhcp_state::selecting:
        ++tries_;
        send_discover(now);
        retransmit_backoff(now);
        return;
    case dhcp_state::requesting:
        if (tries_ >= cfg_.request_tries) {
            enter_init(now, 0);  // RFC 2131 3.1.5: no answer, back to INIT
            return;
        }
        ++tries_;
        send_request(now);
        retransmit_backoff(now);
        return;
    case dhcp_state::probing:
        if (probes_ < cfg_.probe_num) {
            ++probes_;
            t_.arp_probe(pending_.addr);
            deadline_ = now + cfg_.probe_interval_ms;
            return;
        }
        go_bound(now);
        return;
    case dhcp_state::bound:
    case dhcp_state::renewing:
    case dhcp_state::rebinding:
        break;
    }
    // The leased states: the deadline is T1, a retransmission, T2 or the expiry.
    if (now >= expire_at_) {
        ++stats.expiries;
        t_.unbind(lease_);
        lease_ = dhcp_lease{};
        enter_init(now, 0);
        return;
    }
    if (now >= t2_at_ && state_ != dhcp_state::rebinding) {
        state_ = dhcp_state::rebinding;
        new_xid();
    } else if (state_ == dhcp_state::bound) {
        state_ = dhcp_state::renewing;
        new_xid();
        started_ = now;
    }
    send_request(now);
    retransmit_halfway(now, state_ == dhcp_state::renewing ? t2_at_ : expire_at_);
}

void dhcp_client::receive(uint64_t now, const uint8_t* msg, size_t len) {
    ++stats.rx;
    dhcp_header h;
    static dhcp_options opts;   // 3 KiB: off the thread's stack
    dhcp_info info;
    if (dhcp_parse(msg, len, &h, &opts) != dhcp_parse_err::ok || dhcp_decode(opts, &info) != dhcp_parse_err::ok) {
        ++stats.rx_malformed;
        return;
    }
    if (h.xid != xid_ || state_ == dhcp_state::init || state_ == dhcp_state::bound || state_ == dhcp_state::probing) {
        ++stats.rx_bad_xid;   // nothing outstanding has this xid
        return;
    }
    if (memcmp(h.chaddr, mac_, 6) != 0) {
        ++stats.rx_bad_chaddr;
        return;
    }
    switch (info.type) {
    case dhcp_type::offer: on_offer(now, h, info); return;
    case dhcp_type::ack: on_ack(now, h, info); return;
    case dhcp_type::nak: on_nak(now, info); return;
    default: ++stats.rx_unexpected; return;
    }
}

// RFC 2131 4.4.1: the first acceptable OFFER wins (Linux's ipconfig does
// the same); it must name its server (table 3) and offer a host address.
void dhcp_client::on_offer(uint64_t now, const dhcp_header& h, const dhcp_info& info) {
    if (state_ != dhcp_state::selecting || !info.server_id) {
        ++stats.rx_unexpected;
        return;
    }
    if (!usable_address(h.yiaddr)) {
        ++stats.rx_bad_yiaddr;
        return;
    }
    ++stats.offers;
    offered_ = h.yiaddr;
    offer_server_ = info.server_id;
    state_ = dhcp_state::requesting;
    tries_ = 1;
    send_request(now);
    retransmit_backoff(now);
}

void dhcp_client::on_ack(uint64_t now, const dhcp_header& h, const dhcp_info& info) {
    if (state_ == dhcp_state::selecting || (state_ == dhcp_state::requesting && info.server_id &&
                                            info.server_id != offer_server_)) {
        ++stats.rx_unexpected;
        return;
    }
    if (!usable_address(h.yiaddr)) {
        ++stats.rx_bad_yiaddr;
        return;
    }
    if (!info.have_lease || info.lease == 0) {
        ++stats.rx_malformed;   // RFC 2131 table 3: an ACK to a REQUEST MUST carry the lease time
        return;
    }
    ++stats.acks;
    dhcp_lease l;
    l.addr = h.yiaddr;
    l.netmask = info.netmask;
    l.broadcast = info.broadcast;
    l.router = info.router;
    l.server = info.server_id ? info.server_id : (state_ == dhcp_state::requesting ? offer_server_ : lease_.server);
    memcpy(l.dns, info.dns, sizeof l.dns);
    memcpy(l.ntp, info.ntp, sizeof l.ntp);
    l.lease_s = info.lease;
    l.t1_s = info.t1;
    l.t2_s = info.t2;
    memcpy(l.hostname, info.hostname, sizeof l.hostname);
    memcpy(l.domain, info.domain, sizeof l.domain);
    if (state_ == dhcp_state::requesting) {
        pending_ = l;
        state_ = dhcp_state::probing;   // RFC 2131 4.4.1: check the address before using it
        probes_ = 0;
        deadline_ = now;
        timer(now);
        return;
    }
    // RENEWING or REBINDING: the same address, extended (or a new one).
    ++(state_ == dhcp_state::renewing ? stats.renewals : stats.rebinds);
    if (l.addr != lease_.addr) {
        t_.unbind(lease_);
    }
    lease_ = l;
    state_ = dhcp_state::bound;
    set_times(acked_at_);
    t_.bind(lease_);
}

// RFC 2131 3.1.4/4.4.4: a NAK sends the client back to INIT, giving up
// any address it holds. A NAK from a server other than the chosen one is
// not ours to obey while REQUESTING.
void dhcp_client::on_nak(uint64_t now, const dhcp_info& info) {
    if (state_ == dhcp_state::selecting ||
        (state_ == dhcp_state::requesting && info.server_id && info.server_id != offer_server_)) {
        ++stats.rx_unexpected;
        return;
    }
    ++stats.naks;
    if (bound()) {
        t_.unbind(lease_);
        lease_ = dhcp_lease{};
    }
    enter_init(now, SEC + t_.random() % SEC);   // not a storm of DISCOVERs against a NAKing server
}

void dhcp_client::arp_conflict(uint64_t now, __be32 addr) {
    if (state_ != dhcp_state::probing || addr != pending_.addr) {
        return;
    }
    ++stats.conflicts;
    send_decline();
    enter_init(now, cfg_.decline_wait_ms);
}

void dhcp_client::go_bound(uint64_t now) {
    (void)now;
    lease_ = pending_;
    state_ = dhcp_state::bound;
    set_times(acked_at_);
    t_.bind(lease_);
}

// RFC 2131 4.4.5: T1 and T2 from the server when consistent (T1 < T2 <
// lease), else 0.5 and 0.875 of the lease, all from the REQUEST's time.
void dhcp_client::set_times(uint64_t from) {
    uint32_t lease = lease_.lease_s;
    if (lease == INFINITE_LEASE) {
        t1_at_ = t2_at_ = expire_at_ = deadline_ = NEVER;
        return;
    }
    uint64_t l = uint64_t{lease} * SEC;
    uint64_t t1 = l / 2, t2 = l * 7 / 8;
    if (lease_.t2_s && lease_.t2_s < lease) {
        t2 = uint64_t{lease_.t2_s} * SEC;
    }
    if (lease_.t1_s && lease_.t1_s * SEC < t2) {
        t1 = uint64_t{lease_.t1_s} * SEC;
    } else if (t1 >= t2) {
        t1 = t2 / 2;
    }
    lease_.t1_s = static_cast<uint32_t>(t1 / SEC);
    lease_.t2_s = static_cast<uint32_t>(t2 / SEC);
    t1_at_ = from + t1;
    t2_at_ = from + t2;
    expire_at_ = from + l;
    deadline_ = t1_at_;
}
