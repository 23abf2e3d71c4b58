// SOL_TCP options and TCP_INFO (Linux's do_tcp_setsockopt,
// do_tcp_getsockopt and tcp_get_info in net/ipv4/tcp.c), with Linux's
// ranges and errnos.
#include <string.h>

#include "kernel/jiffies.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "net/ipv4/tcp.h"

namespace {
constexpr int MAX_TCP_KEEPIDLE = 32767;
constexpr int MAX_TCP_KEEPINTVL = 32767;
constexpr int MAX_TCP_KEEPCNT = 127;
constexpr int MAX_TCP_SYNCNT = 127;
constexpr int TCP_MAXSEG_MAX = 32767;   // Linux's MAX_TCP_WINDOW bound on TCP_MAXSEG

int set_congestion(struct sock* sk, const void* optval, unsigned optlen) {
    char name[TCP_CA_NAME_MAX];
    unsigned n = optlen < sizeof name - 1 ? optlen : sizeof name - 1;
    if (!n) {
        return -EINVAL;
    }
    if (copy_from_user(name, optval, n)) {
        return -EFAULT;
    }
    name[n] = 0;
    sock_lock_guard lock(sk);
    return tcp_set_congestion_control(tcp_sk(sk)->cc, name);
}
}  // namespace

int tcp_setsockopt(struct sock* sk, int level, int optname, const void* optval, unsigned optlen) {
    if (level != SOL_TCP) {
        return ip_setsockopt(sk, level, optname, optval, optlen);
    }
    if (optname == TCP_CONGESTION) {
        return set_congestion(sk, optval, optlen);
    }
    if (optlen < sizeof(int)) {
        return -EINVAL;
    }
    int val;
    if (copy_from_user(&val, optval, sizeof val)) {
        return -EFAULT;
    }
    sock_lock_guard lock(sk);
    tcp_sock* tp = tcp_sk(sk);
    switch (optname) {
        case TCP_NODELAY:
            tp->nodelay = val != 0;
            if (val) {
                tcp_push_pending_frames(sk);
            }
            return 0;
        case TCP_CORK:
            tp->cork = val != 0;
            if (!val) {
                tcp_push(sk, 0);   // what corking held goes now
            }
            return 0;
        case TCP_MAXSEG:
            if (val && (val < static_cast<int>(TCP_MIN_MSS) || val > TCP_MAXSEG_MAX)) {
                return -EINVAL;
            }
            tp->user_mss = static_cast<uint16_t>(val);
            return 0;
        case TCP_KEEPIDLE:
            if (val < 1 || val > MAX_TCP_KEEPIDLE) {
                return -EINVAL;
            }
            tp->keepalive_time = static_cast<unsigned>(val);
            if (tp->keepalive) {
                tcp_set_keepalive(sk, true);
            }
            return 0;
        case TCP_KEEPINTVL:
            if (val < 1 || val > MAX_TCP_KEEPINTVL) {
                return -EINVAL;
            }
            tp->keepalive_intvl = static_cast<unsigned>(val);
            return 0;
        case TCP_KEEPCNT:
            if (val < 1 || val > MAX_TCP_KEEPCNT) {
                return -EINVAL;
            }
            tp->keepalive_probes = static_cast<uint8_t>(val);
            return 0;
        case TCP_SYNCNT:
            if (val < 1 || val > MAX_TCP_SYNCNT) {
                return -EINVAL;
            }
            tp->syn_retries = static_cast<uint8_t>(val);
            return 0;
        case TCP_LINGER2:
            tp->linger2 = val < 0 ? -1 : (val > static_cast<int>(sysctl_tcp.fin_timeout / HZ) ? 0 : val);
            return 0;
        case TCP_WINDOW_CLAMP:
            if (val && val < SOCK_MIN_RCVBUF / 2) {
                return sk->sk_state == TCP_CLOSE ? 0 : -EINVAL;
            }
            tp->window_clamp = static_cast<uint32_t>(val);
            return 0;
        case TCP_QUICKACK:
            if (val) {
                tp->quick = 16;
                tp->pingpong = false;
                if (tp->ack_pending & ICSK_ACK_SCHED) {
                    tcp_send_ack(sk);
                }
            } else {
                tp->pingpong = true;
            }
            return 0;
        case TCP_USER_TIMEOUT:
            if (val < 0) {
                return -EINVAL;
            }
            tp->user_timeout = static_cast<unsigned>(val);
            return 0;
        case TCP_DEFER_ACCEPT:
            return 0;   // accepted as Linux does; every child is handed over at once
        default:
            return -ENOPROTOOPT;
    }
}

void tcp_get_info(struct sock* sk, tcp_info* info) {
    tcp_sock* tp = tcp_sk(sk);
    memset(info, 0, sizeof *info);
    info->tcpi_state = sk->sk_state;
    info->tcpi_ca_state = static_cast<uint8_t>(tp->cc.ca_state);
    info->tcpi_retransmits = tp->retransmits;
    info->tcpi_probes = tp->probes_out;
    info->tcpi_backoff = tp->backoff;
    if (tp->rx_opt.tstamp_ok) {
        info->tcpi_options |= TCPI_OPT_TIMESTAMPS;
    }
    if (tp->rx_opt.sack_ok) {
        info->tcpi_options |= TCPI_OPT_SACK;
    }
    if (tp->rx_opt.wscale_ok) {
        info->tcpi_options |= TCPI_OPT_WSCALE;
        info->tcpi_snd_wscale = tp->rx_opt.snd_wscale & 0xf;
        info->tcpi_rcv_wscale = tp->rcv_wscale & 0xf;
    }
    info->tcpi_rto = jiffies_to_usecs(tp->rto);
    info->tcpi_ato = jiffies_to_usecs(tp->ato);
    info->tcpi_snd_mss = tp->mss_cache;
    info->tcpi_rcv_mss = tp->rcv_mss;
    info->tcpi_unacked = tp->packets_out;
    info->tcpi_sacked = tp->sacked_out;
    info->tcpi_lost = tp->lost_out;
    info->tcpi_retrans = tp->retrans_out;
    unsigned long now = jiffies;
    info->tcpi_last_data_sent = jiffies_to_msecs(now - tp->lsndtime);
    info->tcpi_last_data_recv = jiffies_to_msecs(now - tp->lrcvtime);
    info->tcpi_last_ack_recv = jiffies_to_msecs(now - tp->rcv_tstamp);
    info->tcpi_pmtu = tp->pmtu_cookie;
    info->tcpi_rcv_ssthresh = tp->rcv_ssthresh;
    info->tcpi_rtt = tp->srtt_us >> 3;
    info->tcpi_rttvar = tp->mdev_us >> 2;
    info->tcpi_snd_ssthresh = tp->cc.snd_ssthresh;
    info->tcpi_snd_cwnd = tp->cc.snd_cwnd;
    info->tcpi_advmss = tp->advmss;
    info->tcpi_reordering = tp->reordering;
    info->tcpi_rcv_space = static_cast<uint32_t>(tp->rcvq_space.space);
    info->tcpi_rcv_rtt = tp->rcv_rtt_est.rtt_us >> 3;
    info->tcpi_total_retrans = tp->total_retrans;
    info->tcpi_bytes_acked = tp->bytes_acked;
    info->tcpi_bytes_received = tp->bytes_received;
    info->tcpi_segs_out = tp->segs_out;
    info->tcpi_segs_in = tp->segs_in;
    info->tcpi_notsent_bytes = tp->write_seq - tp->snd_nxt;
    info->tcpi_min_rtt = tp->min_rtt_us;
    info->tcpi_data_segs_in = tp->data_segs_in;
    info->tcpi_data_segs_out = tp->data_segs_out;
    info->tcpi_bytes_sent = tp->bytes_sent;
    info->tcpi_bytes_retrans = tp->bytes_retrans;
    info->tcpi_dsack_dups = tp->dsack_dups;
    info->tcpi_rcv_ooopack = tp->rcv_ooopack;
    info->tcpi_snd_wnd = tp->snd_wnd;
}

int tcp_getsockopt(struct sock* sk, int level, int optname, void* optval, int* optlen) {
    if (level != SOL_TCP) {
        return ip_getsockopt(sk, level, optname, optval, optlen);
    }
    int len;
    if (copy_from_user(&len, optlen, sizeof len)) {
        return -EFAULT;
    }
    if (len < 0) {
        return -EINVAL;
    }
    tcp_sock* tp = tcp_sk(sk);
    if (optname == TCP_INFO) {
        tcp_info info;
        {
            sock_lock_guard lock(sk);
            tcp_get_info(sk, &info);
        }
        return sockopt_put(optval, optlen, len, &info, sizeof info);
    }
    if (optname == TCP_CONGESTION) {
        char name[TCP_CA_NAME_MAX] = {};
        const tcp_congestion_ops* ca = tp->cc.ca_ops ? tp->cc.ca_ops : tcp_default_congestion_control();
        if (ca) {
            strncpy(name, ca->name, sizeof name - 1);
        }
        return sockopt_put(optval, optlen, len, name, sizeof name);
    }
    int val;
    switch (optname) {
        case TCP_NODELAY: val = tp->nodelay; break;
        case TCP_CORK: val = tp->cork; break;
        case TCP_MAXSEG:
            val = sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN ? (tp->user_mss ? tp->user_mss : TCP_MSS_DEFAULT)
                                                                          : tp->mss_cache;
            break;
        case TCP_KEEPIDLE: val = static_cast<int>(keepalive_time_when(tp) / HZ); break;
        case TCP_KEEPINTVL: val = static_cast<int>(keepalive_intvl_when(tp) / HZ); break;
        case TCP_KEEPCNT: val = tp->keepalive_probes ? tp->keepalive_probes : static_cast<int>(TCP_KEEPALIVE_PROBES); break;
        case TCP_SYNCNT: val = tp->syn_retries ? tp->syn_retries : static_cast<int>(sysctl_tcp.syn_retries); break;
        case TCP_LINGER2:
            val = tp->linger2 < 0 ? -1 : (tp->linger2 ? tp->linger2 : static_cast<int>(sysctl_tcp.fin_timeout / HZ));
            break;
        case TCP_WINDOW_CLAMP: val = static_cast<int>(tp->window_clamp); break;
        case TCP_QUICKACK: val = !tp->pingpong; break;
        case TCP_USER_TIMEOUT: val = static_cast<int>(tp->user_timeout); break;
        case TCP_DEFER_ACCEPT: val = 0; break;
        default: return -ENOPROTOOPT;
    }
    return sockopt_put(optval, optlen, len, &val, sizeof val);
}
