// net/ipv4/tcp_cong.cpp and tcp_cubic.cpp: the registry, Reno's slow start,
// additive increase and halving (RFC 5681 3.1), and CUBIC's curve, fast
// convergence and Reno-friendly region (RFC 9438), driven by simulated
// ACKs and a simulated clock (tcp_mstamp).
#include <CppUTest/TestHarness.h>

#include <initializer_list>
#include <string.h>

#include "kernel/uapi/errno.h"
#include "net/ipv4/tcp_cong.h"

namespace {

constexpr uint64_t usec = 1000000;

tcp_cc_sock make_sock(const char* ca) {
    tcp_cc_sock tp;
    tp.tcp_mstamp = 10 * usec;   // a clock well past zero, as after boot
    tp.is_cwnd_limited = true;
    if (ca) {
        tcp_set_congestion_control(tp, ca);
    }
    tcp_init_congestion_control(tp);
    return tp;
}

// One round trip: every segment of the window acknowledged by its own ACK,
// the ACKs spread evenly over rtt_us.
void run_rtt(tcp_cc_sock& tp, uint32_t rtt_us) {
    uint32_t n = tp.snd_cwnd;
    for (uint32_t i = 0; i < n; ++i) {
        tp.tcp_mstamp += rtt_us / n;
        tp.snd_una++;
        tp.snd_nxt++;
        if (tp.ca_ops->pkts_acked) {
            tp.ca_ops->pkts_acked(tp, ack_sample{1, static_cast<int32_t>(rtt_us), n});
        }
        tp.ca_ops->cong_avoid(tp, tp.snd_una, 1);
    }
}

// The largest r with r^3 <= a, by bisection: the reference for the curve,
// independent of the code under test (and integer only: the target's tests
// run with the FPU off).
int64_t icbrt(int64_t a) {
    int64_t lo = 0, hi = 1 << 20;
    while (lo < hi) {
        int64_t mid = (lo + hi + 1) / 2;
        if (mid * mid * mid <= a) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    return lo;
}

// RFC 9438 eq. (1) and (2) with C = 0.4, t in ms: W(t) = C (t - K)^3 + Wmax,
// K = cbrt((Wmax - cwnd_start) / C), in segments (rounded down).
int64_t cubic_w(int64_t t_ms, int64_t wmax, int64_t cwnd_start) {
    int64_t k_ms = icbrt((wmax - cwnd_start) * 2500000000ll);
    int64_t d = t_ms - k_ms;
    int64_t scaled = 4 * d * d * d;   // 10^10 times C (t - K)^3 in segments
    int64_t w = scaled / 10000000000ll;
    return wmax + w - (scaled < 0 && scaled % 10000000000ll ? 1 : 0);
}

// A loss at the window now, then recovery ending at ssthresh, as TCP core
// does (tcp_enter_recovery, tcp_end_cwnd_reduction).
void lose(tcp_cc_sock& tp) {
    tp.snd_ssthresh = tp.ca_ops->ssthresh(tp);
    tp.snd_cwnd = tp.snd_ssthresh;
    tp.snd_cwnd_cnt = 0;
}

// Runs for `ms` after a loss and checks the window against W(t) within one
// RTT of lag either way and two segments.
void check_follows_curve(tcp_cc_sock& tp, int64_t wmax, uint32_t rtt_us, int64_t ms) {
    int64_t start = tp.snd_cwnd;
    uint64_t t0 = tp.tcp_mstamp;
    int64_t rtt = rtt_us / 1000;
    while (static_cast<int64_t>(tp.tcp_mstamp - t0) < ms * 1000) {
        run_rtt(tp, rtt_us);
        int64_t t = static_cast<int64_t>(tp.tcp_mstamp - t0) / 1000;
        int64_t lo = cubic_w(t - rtt, wmax, start) - 2;
        int64_t hi = cubic_w(t + rtt, wmax, start) + 2;
        if (tp.snd_cwnd < lo || tp.snd_cwnd > hi) {
            FAIL(StringFromFormat("t=%lld ms: cwnd %u outside [%lld, %lld]", static_cast<long long>(t), tp.snd_cwnd,
                                  static_cast<long long>(lo), static_cast<long long>(hi)).asCharString());
        }
    }
}

uint32_t counted_inits, counted_releases;
uint32_t one_ssthresh(tcp_cc_sock&) { return 1; }
void no_avoid(tcp_cc_sock&, uint32_t, uint32_t) {}
void count_init(tcp_cc_sock&) { ++counted_inits; }
void count_release(tcp_cc_sock&) { ++counted_releases; }

tcp_congestion_ops test_ops = {
    .ssthresh = one_ssthresh,
    .cong_avoid = no_avoid,
    .undo_cwnd = tcp_reno_undo_cwnd,
    .init = count_init,
    .release = count_release,
    .name = "tst",
};

}  // namespace

TEST_GROUP(tcp_cong) {
    void setup() override {
        tcp_congestion_init();
        counted_inits = counted_releases = 0;
    }
    void teardown() override {
        tcp_unregister_congestion_control(&test_ops);
        tcp_congestion_init();
    }
};

TEST(tcp_cong, slow_start_doubles_every_round_trip) {
    tcp_cc_sock tp = make_sock("reno");
    LONGS_EQUAL(10, tp.snd_cwnd);
    for (uint32_t want : {20u, 40u, 80u, 160u}) {
        run_rtt(tp, 100000);
        LONGS_EQUAL(want, tp.snd_cwnd);
    }
}

TEST(tcp_cong, slow_start_stops_at_ssthresh_and_hands_back_the_rest) {
    tcp_cc_sock tp = make_sock("reno");
    tp.snd_ssthresh = 12;
    LONGS_EQUAL(3, tcp_slow_start(tp, 5));
    LONGS_EQUAL(12, tp.snd_cwnd);
    CHECK_FALSE(tcp_in_slow_start(tp));
    // A stretch ACK covering many segments counts them all (RFC 3465 as Linux).
    tp.snd_cwnd = 10;
    tp.snd_ssthresh = 1000;
    LONGS_EQUAL(0, tcp_slow_start(tp, 30));
    LONGS_EQUAL(40, tp.snd_cwnd);
    tp.snd_cwnd_clamp = 45;
    tcp_slow_start(tp, 30);
    LONGS_EQUAL(45, tp.snd_cwnd);
}

TEST(tcp_cong, congestion_avoidance_adds_one_segment_per_window) {
    tcp_cc_sock tp = make_sock("reno");
    tp.snd_cwnd = 20;
    tp.snd_ssthresh = 10;
    for (int i = 0; i < 19; ++i) {
        tcp_reno_cong_avoid(tp, 0, 1);
    }
    LONGS_EQUAL(20, tp.snd_cwnd);
    tcp_reno_cong_avoid(tp, 0, 1);
    LONGS_EQUAL(21, tp.snd_cwnd);
    run_rtt(tp, 100000);
    LONGS_EQUAL(22, tp.snd_cwnd);
    run_rtt(tp, 100000);
    LONGS_EQUAL(23, tp.snd_cwnd);
    // One ACK for three windows' worth: three segments.
    tcp_cong_avoid_ai(tp, tp.snd_cwnd, 3 * 23);
    LONGS_EQUAL(26, tp.snd_cwnd);
}

TEST(tcp_cong, a_window_not_used_does_not_grow) {
    tcp_cc_sock tp = make_sock("reno");
    tp.is_cwnd_limited = false;
    tp.snd_cwnd = 20;
    tp.snd_ssthresh = 10;
    tp.packets_out = 20;
    run_rtt(tp, 100000);
    LONGS_EQUAL(20, tp.snd_cwnd);
    // In slow start, growing is allowed up to twice what is in flight.
    tp.snd_ssthresh = 1000;
    tp.packets_out = 11;
    tcp_reno_cong_avoid(tp, 0, 1);
    LONGS_EQUAL(21, tp.snd_cwnd);
    tcp_reno_cong_avoid(tp, 0, 1);
    LONGS_EQUAL(22, tp.snd_cwnd);
    tcp_reno_cong_avoid(tp, 0, 1);
    LONGS_EQUAL(22, tp.snd_cwnd);
}

TEST(tcp_cong, reno_halves_and_cubic_keeps_seven_tenths) {
    tcp_cc_sock reno = make_sock("reno");
    tcp_cc_sock cubic = make_sock("cubic");
    for (uint32_t cwnd : {100u, 1000u, 3u, 1u}) {
        reno.snd_cwnd = cwnd;
        cubic.snd_cwnd = cwnd;
        LONGS_EQUAL(cwnd / 2 > 2 ? cwnd / 2 : 2, reno.ca_ops->ssthresh(reno));
        LONGS_EQUAL(cwnd * 717 / 1024 > 2 ? cwnd * 717 / 1024 : 2, cubic.ca_ops->ssthresh(cubic));
    }
    cubic.snd_cwnd = 100;
    LONGS_EQUAL(70, cubic.ca_ops->ssthresh(cubic));
}

TEST(tcp_cong, undo_restores_the_window_before_the_reduction) {
    for (const char* name : {"reno", "cubic"}) {
        tcp_cc_sock tp = make_sock(name);
        tp.prior_cwnd = 100;
        tp.snd_cwnd = tp.ca_ops->ssthresh(tp) / 2;
        LONGS_EQUAL(100, tp.ca_ops->undo_cwnd(tp));
        tp.snd_cwnd = 120;   // grew past it since
        LONGS_EQUAL(120, tp.ca_ops->undo_cwnd(tp));
    }
}

TEST(tcp_cong, cubic_root_is_exact) {
    LONGS_EQUAL(0, cubic_root(0));
    LONGS_EQUAL(1, cubic_root(7));
    LONGS_EQUAL(2, cubic_root(8));
    LONGS_EQUAL(2642245, cubic_root(0xffffffffffffffffull));
    for (uint64_t r = 1; r < 2642245; r = r * 3 / 2 + 1) {
        LONGS_EQUAL(r, cubic_root(r * r * r));
        LONGS_EQUAL(r - 1, cubic_root(r * r * r - 1));
        LONGS_EQUAL(r, cubic_root(r * r * r + 3 * r));
    }
}

TEST(tcp_cong, cubic_window_follows_the_cubic_curve_after_a_loss) {
    tcp_cc_sock tp = make_sock("cubic");
    tp.snd_cwnd = 100;
    tp.snd_ssthresh = 100;
    lose(tp);
    LONGS_EQUAL(70, tp.snd_cwnd);
    check_follows_curve(tp, 100, 100000, 8000);
    // Past K = cbrt(30 / 0.4) = 4.2 s the window probes beyond Wmax.
    CHECK(tp.snd_cwnd > 115);
}

TEST(tcp_cong, fast_convergence_lowers_wmax_after_a_loss_below_it) {
    tcp_cc_sock tp = make_sock("cubic");
    tp.snd_cwnd = 100;
    lose(tp);
    tp.snd_cwnd = 80;   // the next loss comes before Wmax is reached again
    lose(tp);
    LONGS_EQUAL(56, tp.snd_cwnd);
    // Wmax = 80 * (1 + 0.7) / 2 = 68, not 80: the plateau is at 68.
    check_follows_curve(tp, 68, 200000, 3100);
    CHECK(tp.snd_cwnd >= 64 && tp.snd_cwnd <= 72);
}

TEST(tcp_cong, cubic_grows_as_fast_as_reno_would_on_a_short_path) {
    tcp_cc_sock tp = make_sock("cubic");
    tp.snd_cwnd = 100;
    lose(tp);
    uint64_t t0 = tp.tcp_mstamp;
    while (tp.tcp_mstamp - t0 < 2 * usec) {
        run_rtt(tp, 10000);
    }
    // The curve alone says 95.6 at 2 s; Reno with alpha = 0.53 a round trip
    // (RFC 9438 4.3) would be past 170 after 200 round trips.
    CHECK(tp.snd_cwnd > 150);
    CHECK(tp.snd_cwnd < 200);
}

TEST(tcp_cong, cubic_timeout_forgets_the_curve) {
    tcp_cc_sock tp = make_sock("cubic");
    tp.snd_cwnd = 100;
    lose(tp);
    tcp_set_ca_state(tp, tcp_ca_state::Loss);
    CHECK(tp.ca_state == tcp_ca_state::Loss);
    // With Wmax forgotten, the next loss at 80 sets Wmax = 80 (no fast
    // convergence): the plateau is at 80.
    tp.snd_cwnd = 80;
    lose(tp);
    check_follows_curve(tp, 80, 200000, 2000);
}

TEST(tcp_cong, hystart_leaves_slow_start_when_the_delay_rises) {
    tcp_cc_sock tp = make_sock(nullptr);
    POINTERS_EQUAL(&cubictcp, tp.ca_ops);
    tp.snd_cwnd = 32;
    tp.snd_nxt = 1000;
    tcp_init_congestion_control(tp);   // the round ends at snd_nxt
    for (int i = 0; i < 4; ++i) {
        tp.tcp_mstamp += 3000;   // ACKs 3 ms apart: no ACK train
        tp.ca_ops->pkts_acked(tp, ack_sample{1, 10000, 32});
    }
    LONGS_EQUAL(TCP_INFINITE_SSTHRESH, tp.snd_ssthresh);
    tp.snd_una = 1001;   // the next round: its RTTs 20 ms, 10 over the least
    tp.snd_nxt = 2000;
    for (int i = 0; i < 8; ++i) {
        tp.tcp_mstamp += 3000;
        tp.ca_ops->pkts_acked(tp, ack_sample{1, 20000, 32});
        LONGS_EQUAL(TCP_INFINITE_SSTHRESH, tp.snd_ssthresh);   // fewer than 8 samples yet
    }
    tp.tcp_mstamp += 3000;
    tp.ca_ops->pkts_acked(tp, ack_sample{1, 20000, 32});
    LONGS_EQUAL(32, tp.snd_ssthresh);
}

TEST(tcp_cong, hystart_leaves_slow_start_on_an_ack_train) {
    tcp_cc_sock tp = make_sock("cubic");
    tp.snd_cwnd = 32;
    tcp_init_congestion_control(tp);
    // ACKs 1 ms apart, RTT 10 ms: past half an RTT of train, slow start ends.
    for (int i = 0; i < 5; ++i) {
        tp.tcp_mstamp += 1000;
        tp.ca_ops->pkts_acked(tp, ack_sample{1, 10000, 32});
    }
    LONGS_EQUAL(TCP_INFINITE_SSTHRESH, tp.snd_ssthresh);
    tp.tcp_mstamp += 1000;
    tp.ca_ops->pkts_acked(tp, ack_sample{1, 10000, 32});
    LONGS_EQUAL(32, tp.snd_ssthresh);
    // Small windows are left alone (hystart_low_window = 16).
    tcp_cc_sock small = make_sock("cubic");
    for (int i = 0; i < 20; ++i) {
        small.tcp_mstamp += 1000;
        small.ca_ops->pkts_acked(small, ack_sample{1, 10000, 10});
    }
    LONGS_EQUAL(TCP_INFINITE_SSTHRESH, small.snd_ssthresh);
}

TEST(tcp_cong, idle_time_moves_the_epoch) {
    tcp_cc_sock a = make_sock("cubic");
    a.snd_cwnd = 100;
    lose(a);
    run_rtt(a, 100000);   // the epoch starts
    tcp_cc_sock b = a;
    // b sat idle for 10 s before sending again; a did not.
    b.lsndtime = b.tcp_mstamp;
    b.tcp_mstamp += 10 * usec;
    tcp_ca_event_notify(b, tcp_ca_event::tx_start);
    a.tcp_mstamp += 10 * usec;
    run_rtt(a, 100000);
    run_rtt(b, 100000);
    CHECK(a.snd_cwnd > 100);   // 10 s along the curve, far past Wmax: 1.5x a round trip
    CHECK(b.snd_cwnd < 80);    // still just after the loss
}

TEST(tcp_cong, registry_finds_names_and_cubic_is_the_default) {
    POINTERS_EQUAL(&tcp_reno, tcp_ca_find("reno"));
    POINTERS_EQUAL(&cubictcp, tcp_ca_find("cubic"));
    POINTERS_EQUAL(nullptr, tcp_ca_find("vegas"));
    POINTERS_EQUAL(nullptr, tcp_ca_find(nullptr));
    POINTERS_EQUAL(&cubictcp, tcp_default_congestion_control());
    char buf[64];
    LONGS_EQUAL(10, tcp_get_available_congestion_control(buf, sizeof buf));
    STRCMP_EQUAL("reno cubic", buf);
    LONGS_EQUAL(4, tcp_get_available_congestion_control(buf, 8));   // whole names only
    STRCMP_EQUAL("reno", buf);
    LONGS_EQUAL(0, tcp_get_available_congestion_control(buf, 0));
}

TEST(tcp_cong, registry_refuses_duplicates_and_incomplete_ops) {
    LONGS_EQUAL(0, tcp_register_congestion_control(&test_ops));
    LONGS_EQUAL(-EEXIST, tcp_register_congestion_control(&test_ops));
    tcp_congestion_ops same_name = test_ops;
    LONGS_EQUAL(-EEXIST, tcp_register_congestion_control(&same_name));
    tcp_congestion_ops partial = {.ssthresh = one_ssthresh, .cong_avoid = no_avoid, .name = "partial"};
    LONGS_EQUAL(-EINVAL, tcp_register_congestion_control(&partial));
    partial.undo_cwnd = tcp_reno_undo_cwnd;
    partial.ssthresh = nullptr;
    LONGS_EQUAL(-EINVAL, tcp_register_congestion_control(&partial));
    tcp_congestion_ops unnamed = test_ops;
    unnamed.name[0] = '\0';
    LONGS_EQUAL(-EINVAL, tcp_register_congestion_control(&unnamed));
    memset(unnamed.name, 'x', sizeof unnamed.name);   // no NUL
    LONGS_EQUAL(-EINVAL, tcp_register_congestion_control(&unnamed));
    LONGS_EQUAL(-EINVAL, tcp_register_congestion_control(nullptr));
    char buf[64];
    tcp_get_available_congestion_control(buf, sizeof buf);
    STRCMP_EQUAL("reno cubic tst", buf);
    tcp_unregister_congestion_control(&test_ops);
    POINTERS_EQUAL(nullptr, tcp_ca_find("tst"));
    tcp_unregister_congestion_control(&test_ops);   // twice: nothing happens
}

TEST(tcp_cong, default_is_settable_and_unknown_names_are_enoent) {
    LONGS_EQUAL(-ENOENT, tcp_set_default_congestion_control("vegas"));
    POINTERS_EQUAL(&cubictcp, tcp_default_congestion_control());
    LONGS_EQUAL(0, tcp_set_default_congestion_control("reno"));
    tcp_cc_sock tp = make_sock(nullptr);
    POINTERS_EQUAL(&tcp_reno, tp.ca_ops);
    // Removing the default falls back to the first left.
    LONGS_EQUAL(0, tcp_register_congestion_control(&test_ops));
    LONGS_EQUAL(0, tcp_set_default_congestion_control("tst"));
    tcp_unregister_congestion_control(&test_ops);
    POINTERS_EQUAL(&tcp_reno, tcp_default_congestion_control());
}

TEST(tcp_cong, per_socket_choice_releases_the_old_and_starts_the_new) {
    LONGS_EQUAL(0, tcp_register_congestion_control(&test_ops));
    tcp_cc_sock tp = make_sock("cubic");
    LONGS_EQUAL(-ENOENT, tcp_set_congestion_control(tp, "vegas"));
    LONGS_EQUAL(-ENOENT, tcp_set_congestion_control(tp, nullptr));
    POINTERS_EQUAL(&cubictcp, tp.ca_ops);
    LONGS_EQUAL(0, tcp_set_congestion_control(tp, "tst"));
    POINTERS_EQUAL(&test_ops, tp.ca_ops);
    LONGS_EQUAL(1, counted_inits);
    LONGS_EQUAL(0, tcp_set_congestion_control(tp, "tst"));   // already: nothing runs
    LONGS_EQUAL(1, counted_inits);
    LONGS_EQUAL(0, counted_releases);
    LONGS_EQUAL(0, tcp_set_congestion_control(tp, "reno"));
    LONGS_EQUAL(1, counted_releases);
    POINTERS_EQUAL(&tcp_reno, tp.ca_ops);
    tcp_cleanup_congestion_control(tp);   // Reno has no release: no effect
    LONGS_EQUAL(1, counted_releases);
}

TEST(tcp_cong, events_and_states_without_an_algorithm_are_harmless) {
    tcp_cc_sock tp;
    tcp_set_ca_state(tp, tcp_ca_state::Recovery);
    CHECK(tp.ca_state == tcp_ca_state::Recovery);
    tcp_ca_event_notify(tp, tcp_ca_event::loss);
    tcp_cleanup_congestion_control(tp);
    tp.snd_cwnd = 0;   // a zero window never divides by zero
    tcp_cong_avoid_ai(tp, 0, 1);
    CHECK(tp.snd_cwnd >= 1);
}
