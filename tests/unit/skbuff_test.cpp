// host-only: resets the slab allocator and the net core, which the live kernel owns.
#include <string.h>

#include <string>

#include "kernel/mm/kasan.h"
#include "tests/unit/net_test_util.h"

namespace {

uintptr_t addr(const void* p) { return reinterpret_cast<uintptr_t>(p); }

}  // namespace

TEST_GROUP(skbuff) {
    net_test::leak_check leaks;
    void setup() override {
        net_test::setup();
        leaks = net_test::leak_check{};
    }
    void teardown() override {
        leaks.verify();
        net_test::teardown();
    }
};

TEST(skbuff, alloc_gives_an_empty_buffer_of_whole_cache_lines) {
    for (unsigned size : {0u, 1u, 31u, 32u, 100u, 1536u, 1600u, 9000u, 70000u}) {
        sk_buff* skb = alloc_skb(size, GFP_KERNEL);
        CHECK_TRUE(skb != nullptr);
        LONGS_EQUAL(0, skb->len);
        LONGS_EQUAL(0, skb_headroom(skb));
        CHECK_TRUE(skb_tailroom(skb) >= size);
        LONGS_EQUAL(1, skb->users);
        LONGS_EQUAL(1, skb_shinfo(skb)->dataref);
        // DMA: the buffer starts on a line and is whole lines; the shared
        // info lies past it.
        LONGS_EQUAL(0, addr(skb->head) % L1_CACHE_BYTES);
        LONGS_EQUAL(0, skb_end_offset(skb) % L1_CACHE_BYTES);
        CHECK_TRUE(addr(skb_shinfo(skb)) >= addr(skb->end));
        CHECK_FALSE(skb_mac_header_was_set(skb));
        CHECK_FALSE(skb_transport_header_was_set(skb));
        kfree_skb(skb);
    }
}

TEST(skbuff, buffers_follow_a_longer_cache_line) {
    mm::set_cache_line_size(64);
    sk_buff* skb = alloc_skb(100, GFP_KERNEL);
    mm::set_cache_line_size(32);
    LONGS_EQUAL(0, addr(skb->head) % 64);
    LONGS_EQUAL(128, skb_end_offset(skb));
    kfree_skb(skb);
}

TEST(skbuff, receive_buffers_align_the_ip_header) {
    net_device* dev = net_test::fake_etherdev();
    sk_buff* skb = netdev_alloc_skb_ip_align(dev, 1514);
    POINTERS_EQUAL(dev, skb->dev);
    LONGS_EQUAL(NET_SKB_PAD + NET_IP_ALIGN, skb_headroom(skb));
    CHECK_TRUE(skb_tailroom(skb) >= 1514);
    LONGS_EQUAL(0, addr(skb->data + ETH_HLEN) % 4);
    sk_buff* plain = dev_alloc_skb(100);
    LONGS_EQUAL(NET_SKB_PAD, skb_headroom(plain));
    POINTERS_EQUAL(nullptr, plain->dev);
    kfree_skb(plain);
    kfree_skb(skb);
    net_test::destroy(dev);
}

TEST(skbuff, put_push_pull_reserve_trim_move_the_right_pointers) {
    unsigned long errors = skb_stats().bound_errors;
    sk_buff* skb = alloc_skb(128, GFP_KERNEL);
    skb_reserve(skb, 32);
    LONGS_EQUAL(32, skb_headroom(skb));
    uint8_t* p = skb_put(skb, 10);
    POINTERS_EQUAL(skb->data, p);
    LONGS_EQUAL(10, skb->len);
    memcpy(p, "0123456789", 10);
    uint8_t* h = skb_push(skb, 4);
    POINTERS_EQUAL(skb->data, h);
    LONGS_EQUAL(14, skb->len);
    LONGS_EQUAL(28, skb_headroom(skb));
    memcpy(h, "HDR:", 4);
    MEMCMP_EQUAL("HDR:0123456789", skb->data, 14);
    uint8_t* after = skb_pull(skb, 4);
    POINTERS_EQUAL(p, after);
    LONGS_EQUAL(10, skb->len);
    skb_trim(skb, 3);
    LONGS_EQUAL(3, skb->len);
    POINTERS_EQUAL(skb->data + 3, skb_tail_pointer(skb));
    skb_trim(skb, 50);  // longer: no-op
    LONGS_EQUAL(3, skb->len);
    CHECK_TRUE(skb_put_data(skb, "ab", 2) != nullptr);
    MEMCMP_EQUAL("012ab", skb->data, 5);
    LONGS_EQUAL(errors, skb_stats().bound_errors);
    kfree_skb(skb);
}

TEST(skbuff, over_put_is_refused_and_counted_not_written) {
    sk_buff* skb = alloc_skb(64, GFP_KERNEL);
    unsigned room = skb_tailroom(skb);
    unsigned long errors = skb_stats().bound_errors;
    CHECK_TRUE(skb_put(skb, room) != nullptr);
    uint8_t* tail = skb->tail;
    POINTERS_EQUAL(nullptr, skb_put(skb, 1));
    POINTERS_EQUAL(nullptr, skb_put_data(skb, "x", 1));
    POINTERS_EQUAL(nullptr, skb_put_zero(skb, 0x7fffffff));
    POINTERS_EQUAL(tail, skb->tail);
    LONGS_EQUAL(room, skb->len);
    LONGS_EQUAL(errors + 3, skb_stats().bound_errors);
    LONGS_EQUAL(1, skb_shinfo(skb)->dataref);  // what lies past end is untouched
    CHECK_TRUE(host_stub::console.find("skb_over_panic (refused)") != std::string::npos);
    kfree_skb(skb);
}

TEST(skbuff, over_push_and_bad_reserve_are_refused) {
    sk_buff* skb = alloc_skb(64, GFP_KERNEL);
    skb_reserve(skb, 8);
    unsigned long errors = skb_stats().bound_errors;
    POINTERS_EQUAL(nullptr, skb_push(skb, 9));
    LONGS_EQUAL(8, skb_headroom(skb));
    CHECK_TRUE(skb_push(skb, 8) != nullptr);
    POINTERS_EQUAL(nullptr, skb_push(skb, 1));
    skb_reserve(skb, static_cast<int>(skb_tailroom(skb)) + 1);
    skb_reserve(skb, -1);  // no headroom left
    LONGS_EQUAL(errors + 4, skb_stats().bound_errors);
    CHECK_TRUE(host_stub::console.find("skb_under_panic (refused)") != std::string::npos);
    LONGS_EQUAL(8, skb->len);
    POINTERS_EQUAL(skb->head, skb->data);
    kfree_skb(skb);
}

TEST(skbuff, pull_past_the_end_is_a_test_not_an_error) {
    sk_buff* skb = alloc_skb(64, GFP_KERNEL);
    skb_put(skb, 10);
    unsigned long errors = skb_stats().bound_errors;
    POINTERS_EQUAL(nullptr, skb_pull(skb, 11));
    LONGS_EQUAL(10, skb->len);
    CHECK_FALSE(pskb_may_pull(skb, 11));
    CHECK_TRUE(pskb_may_pull(skb, 10));
    LONGS_EQUAL(errors, skb_stats().bound_errors);
    kfree_skb(skb);
}

TEST(skbuff, references_free_on_the_last_one_and_count_drop_or_consume) {
    sk_buff* skb = alloc_skb(64, GFP_KERNEL);
    unsigned long dropped = skb_stats().dropped, consumed = skb_stats().consumed;
    POINTERS_EQUAL(skb, skb_get(skb));
    LONGS_EQUAL(2, skb->users);
    CHECK_TRUE(skb_shared(skb));
    kfree_skb(skb);
    LONGS_EQUAL(1, skb->users);
    LONGS_EQUAL(dropped, skb_stats().dropped);
    LONGS_EQUAL(leaks.heads + 1, skb_heads_in_use());
    consume_skb(skb);
    LONGS_EQUAL(consumed + 1, skb_stats().consumed);
    LONGS_EQUAL(leaks.heads, skb_heads_in_use());
    kfree_skb(nullptr);
    consume_skb(nullptr);
}

TEST(skbuff, a_second_free_is_reported_not_done) {
    sk_buff* skb = alloc_skb(64, GFP_KERNEL);
    kfree_skb(skb);
    unsigned long freed = skb_stats().heads_freed, bad = skb_stats().bad_frees;
    // The second free reads the freed head, as it would on the target; an
    // address sanitizer would stop that read first, so it is let through.
    kasan_unpoison(skb, sizeof *skb);
    kfree_skb(skb);  // its memory is still free in the slab: recognized
    LONGS_EQUAL(freed, skb_stats().heads_freed);
    LONGS_EQUAL(bad + 1, skb_stats().bad_frees);
}

TEST(skbuff, destructor_runs_once_on_the_last_reference) {
    static int runs;
    runs = 0;
    sk_buff* skb = alloc_skb(64, GFP_KERNEL);
    skb->destructor = [](sk_buff*) { ++runs; };
    skb_get(skb);
    kfree_skb(skb);
    LONGS_EQUAL(0, runs);
    kfree_skb(skb);
    LONGS_EQUAL(1, runs);
    skb = alloc_skb(64, GFP_KERNEL);
    skb->destructor = [](sk_buff*) { ++runs; };
    skb_orphan(skb);
    LONGS_EQUAL(2, runs);
    kfree_skb(skb);
    LONGS_EQUAL(2, runs);
}

TEST(skbuff, clone_shares_the_data_not_the_fields) {
    sk_buff* skb = alloc_skb(128, GFP_KERNEL);
    skb_reserve(skb, 16);
    skb_put_data(skb, "hello world", 11);
    skb->protocol = htons(ETH_P_IP);
    skb_reset_network_header(skb);
    memcpy(skb->cb, "control", 8);
    unsigned long data_used = skb_data_in_use();
    sk_buff* c = skb_clone(skb, GFP_ATOMIC);
    CHECK_TRUE(c != nullptr);
    CHECK_TRUE(c != skb);
    POINTERS_EQUAL(skb->data, c->data);
    POINTERS_EQUAL(skb->head, c->head);
    LONGS_EQUAL(data_used, skb_data_in_use());
    LONGS_EQUAL(2, skb_shinfo(skb)->dataref);
    CHECK_TRUE(skb_cloned(skb));
    CHECK_TRUE(skb_cloned(c));
    CHECK_FALSE(skb_shared(skb));
    LONGS_EQUAL(1, c->users);
    LONGS_EQUAL(htons(ETH_P_IP), c->protocol);
    LONGS_EQUAL(skb->network_header, c->network_header);
    MEMCMP_EQUAL("control", c->cb, 8);
    skb_pull(c, 6);  // the clone's fields are its own
    LONGS_EQUAL(11, skb->len);
    LONGS_EQUAL(5, c->len);
    kfree_skb(skb);  // the data lives on in the clone
    LONGS_EQUAL(data_used, skb_data_in_use());
    MEMCMP_EQUAL("world", c->data, 5);
    CHECK_FALSE(skb_cloned(c));  // the only one left
    kfree_skb(c);
    LONGS_EQUAL(data_used - 1, skb_data_in_use());
}

TEST(skbuff, clone_of_a_clone_counts_three) {
    sk_buff* a = alloc_skb(64, GFP_KERNEL);
    sk_buff* b = skb_clone(a, GFP_ATOMIC);
    sk_buff* c = skb_clone(b, GFP_ATOMIC);
    LONGS_EQUAL(3, skb_shinfo(a)->dataref);
    consume_skb(b);
    consume_skb(a);
    LONGS_EQUAL(1, skb_shinfo(c)->dataref);
    consume_skb(c);
}

TEST(skbuff, copy_has_private_data_with_headroom_and_header_offsets) {
    sk_buff* skb = alloc_skb(128, GFP_KERNEL);
    skb_reserve(skb, 20);
    skb_put_data(skb, "IPHDRpayload", 12);
    skb_reset_network_header(skb);
    skb_set_transport_header(skb, 5);
    uint8_t* mac = skb_push(skb, 6);
    memcpy(mac, "MACMAC", 6);
    skb_reset_mac_header(skb);
    skb_pull(skb, 6);
    sk_buff* c = skb_copy(skb, GFP_ATOMIC);
    CHECK_TRUE(c->head != skb->head);
    CHECK_FALSE(skb_cloned(c));
    CHECK_FALSE(skb_cloned(skb));
    LONGS_EQUAL(skb->len, c->len);
    LONGS_EQUAL(skb_headroom(skb), skb_headroom(c));
    MEMCMP_EQUAL("IPHDRpayload", c->data, 12);
    MEMCMP_EQUAL("MACMAC", skb_mac_header(c), 6);
    LONGS_EQUAL(0, skb_network_offset(c));
    LONGS_EQUAL(5, skb_transport_offset(c));
    c->data[0] = 'X';
    LONGS_EQUAL('I', skb->data[0]);
    sk_buff* e = skb_copy_expand(skb, 64, 100, GFP_ATOMIC);
    LONGS_EQUAL(64, skb_headroom(e));
    CHECK_TRUE(skb_tailroom(e) >= 100);
    MEMCMP_EQUAL("MACMAC", skb_mac_header(e), 6);
    LONGS_EQUAL(5, skb_transport_offset(e));
    kfree_skb(e);
    kfree_skb(c);
    kfree_skb(skb);
}

TEST(skbuff, cow_unshares_a_clone_before_writing_and_adds_headroom) {
    sk_buff* skb = alloc_skb(64, GFP_KERNEL);
    skb_reserve(skb, 8);
    skb_put_data(skb, "shared", 6);
    sk_buff* c = skb_clone(skb, GFP_ATOMIC);
    LONGS_EQUAL(0, skb_cow(c, 40));
    CHECK_TRUE(c->head != skb->head);
    CHECK_TRUE(skb_headroom(c) >= 40);
    CHECK_FALSE(skb_cloned(c));
    CHECK_FALSE(skb_cloned(skb));  // its buffer is its own again
    c->data[0] = 'S';
    MEMCMP_EQUAL("shared", skb->data, 6);
    MEMCMP_EQUAL("Shared", c->data, 6);
    uint8_t* head = skb->head;
    LONGS_EQUAL(0, skb_cow(skb, 8));  // private and room enough: nothing to do
    POINTERS_EQUAL(head, skb->head);
    kfree_skb(c);
    kfree_skb(skb);
}

TEST(skbuff, expand_head_keeps_contents_and_refuses_a_shared_skb) {
    sk_buff* skb = alloc_skb(32, GFP_KERNEL);
    skb_reserve(skb, 4);
    skb_put_data(skb, "abcd", 4);
    skb_reset_network_header(skb);
    LONGS_EQUAL(0, pskb_expand_head(skb, 64, 128, GFP_ATOMIC));
    LONGS_EQUAL(68, skb_headroom(skb));
    CHECK_TRUE(skb_tailroom(skb) >= 128);
    MEMCMP_EQUAL("abcd", skb->data, 4);
    LONGS_EQUAL(0, skb_network_offset(skb));
    skb_get(skb);
    LONGS_EQUAL(-EINVAL, pskb_expand_head(skb, 4, 0, GFP_ATOMIC));
    kfree_skb(skb);
    kfree_skb(skb);
}

TEST(skbuff, unshare_and_share_check_replace_the_reference) {
    sk_buff* skb = alloc_skb(64, GFP_KERNEL);
    skb_put_data(skb, "data", 4);
    POINTERS_EQUAL(skb, skb_unshare(skb, GFP_ATOMIC));    // not cloned
    POINTERS_EQUAL(skb, skb_share_check(skb, GFP_ATOMIC)); // not shared
    sk_buff* c = skb_clone(skb, GFP_ATOMIC);
    sk_buff* u = skb_unshare(c, GFP_ATOMIC);
    CHECK_TRUE(u->head != skb->head);
    MEMCMP_EQUAL("data", u->data, 4);
    skb_get(skb);
    sk_buff* s = skb_share_check(skb, GFP_ATOMIC);
    CHECK_TRUE(s != skb);
    LONGS_EQUAL(1, skb->users);  // our reference went to the clone
    POINTERS_EQUAL(skb->data, s->data);
    kfree_skb(s);
    kfree_skb(u);
    kfree_skb(skb);
}

TEST(skbuff, padto_zero_fills_and_grows) {
    sk_buff* skb = alloc_skb(32, GFP_KERNEL);
    skb_put_data(skb, "short", 5);
    LONGS_EQUAL(0, skb_put_padto(skb, ETH_ZLEN));
    LONGS_EQUAL(ETH_ZLEN, skb->len);
    MEMCMP_EQUAL("short", skb->data, 5);
    for (unsigned i = 5; i < ETH_ZLEN; ++i) {
        LONGS_EQUAL(0, skb->data[i]);
    }
    LONGS_EQUAL(0, skb_put_padto(skb, 10));  // long enough already
    LONGS_EQUAL(ETH_ZLEN, skb->len);
    kfree_skb(skb);
    sk_buff* runt = alloc_skb(0, GFP_KERNEL);  // no tailroom at all: grows
    sk_buff* clone = skb_clone(runt, GFP_ATOMIC);
    LONGS_EQUAL(0, eth_skb_pad(clone));      // a clone gets its own padded copy
    LONGS_EQUAL(ETH_ZLEN, clone->len);
    LONGS_EQUAL(0, runt->len);
    kfree_skb(clone);
    kfree_skb(runt);
}

TEST(skbuff, copy_bits_and_checksum_stay_inside_the_packet) {
    sk_buff* skb = alloc_skb(64, GFP_KERNEL);
    skb_put_data(skb, "0123456789", 10);
    char buf[10];
    LONGS_EQUAL(0, skb_copy_bits(skb, 2, buf, 8));
    MEMCMP_EQUAL("23456789", buf, 8);
    LONGS_EQUAL(-EFAULT, skb_copy_bits(skb, 3, buf, 8));
    LONGS_EQUAL(-EFAULT, skb_copy_bits(skb, -1, buf, 2));
    LONGS_EQUAL(csum_partial(skb->data + 1, 9, 0), skb_checksum(skb, 1, 9, 0));
    LONGS_EQUAL(7, skb_checksum(skb, 5, 6, 7));  // outside: refused, sum unchanged
    kfree_skb(skb);
}

TEST(skbuff, allocation_failure_returns_null_and_leaks_nothing) {
    unsigned long failures = skb_stats().alloc_failures;
    POINTERS_EQUAL(nullptr, alloc_skb(64u << 20, GFP_KERNEL));  // more than the zone
    LONGS_EQUAL(failures + 1, skb_stats().alloc_failures);
}

TEST(skbuff, injected_failures_come_after_the_space_and_stop) {
    unsigned long failures = skb_stats().alloc_failures;
    skb_fail_allocations(2, 3);
    sk_buff* got[7];
    for (sk_buff*& skb : got) {
        skb = alloc_skb(64, GFP_KERNEL);
    }
    bool expect_null[7] = {false, false, true, true, true, false, false};
    for (unsigned i = 0; i < 7; ++i) {
        CHECK_EQUAL(expect_null[i], got[i] == nullptr);
        kfree_skb(got[i]);
    }
    LONGS_EQUAL(failures + 3, skb_stats().alloc_failures);
}

TEST(skbuff, queues_keep_order_and_count) {
    sk_buff_head q;
    skb_queue_head_init(&q);
    CHECK_TRUE(skb_queue_empty(&q));
    POINTERS_EQUAL(nullptr, skb_dequeue(&q));
    sk_buff* s[4];
    for (sk_buff*& skb : s) {
        skb = alloc_skb(16, GFP_KERNEL);
    }
    skb_queue_tail(&q, s[1]);
    skb_queue_tail(&q, s[2]);
    skb_queue_head(&q, s[0]);
    __skb_queue_tail(&q, s[3]);
    LONGS_EQUAL(4, skb_queue_len(&q));
    POINTERS_EQUAL(s[0], skb_peek(&q));
    POINTERS_EQUAL(s[3], skb_peek_tail(&q));
    int i = 0;
    for (sk_buff& skb : skb_queue_walk(&q)) {
        POINTERS_EQUAL(s[i++], &skb);
    }
    skb_unlink(s[2], &q);
    POINTERS_EQUAL(s[3], skb_dequeue_tail(&q));
    POINTERS_EQUAL(s[0], skb_dequeue(&q));
    LONGS_EQUAL(1, skb_queue_len(&q));
    sk_buff_head other;
    skb_queue_head_init(&other);
    skb_queue_tail(&other, s[2]);
    skb_queue_tail(&other, s[3]);
    skb_queue_tail(&other, s[0]);
    skb_queue_splice_tail_init(&other, &q);
    CHECK_TRUE(skb_queue_empty(&other));
    LONGS_EQUAL(4, skb_queue_len(&q));
    POINTERS_EQUAL(s[1], __skb_dequeue(&q));
    POINTERS_EQUAL(s[2], __skb_dequeue(&q));
    kfree_skb(s[1]);
    kfree_skb(s[2]);
    skb_queue_purge(&q);  // frees s[3], s[0]
    CHECK_TRUE(skb_queue_empty(&q));
    LONGS_EQUAL(0, skb_queue_len(&q));
}

TEST(skbuff, header_offsets) {
    sk_buff* skb = alloc_skb(128, GFP_KERNEL);
    skb_reserve(skb, 32);
    skb_put(skb, 60);
    skb_reset_mac_header(skb);
    skb_set_network_header(skb, ETH_HLEN);
    skb_set_transport_header(skb, ETH_HLEN + 20);
    LONGS_EQUAL(0, skb_mac_offset(skb));
    LONGS_EQUAL(ETH_HLEN, skb_network_offset(skb));
    LONGS_EQUAL(ETH_HLEN + 20, skb_transport_offset(skb));
    skb_reset_mac_len(skb);
    LONGS_EQUAL(ETH_HLEN, skb->mac_len);
    skb_pull(skb, ETH_HLEN);
    LONGS_EQUAL(0, skb_network_offset(skb));
    LONGS_EQUAL(-static_cast<int>(ETH_HLEN), skb_mac_offset(skb));
    POINTERS_EQUAL(skb->data, skb_network_header(skb));
    kfree_skb(skb);
}
