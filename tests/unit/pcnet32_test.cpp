// The frame-level rules of the pcnet32 driver (drivers/net/pcnet32_hw.h).
#include <CppUTest/TestHarness.h>

#include <stddef.h>
#include <string.h>

#include "drivers/net/pcnet32_hw.h"

using namespace pcnet32_hw;

namespace {

// What a CPU of byte order O leaves in memory when it stores a field: the
// bytes the card then reads over DMA. On this host one of the two orders is
// the host's, the other is what a big- (or little-) endian CPU would write.
template <byte_order O>
void put16(uint16_t v, uint8_t* p) {
    O == byte_order::big ? put_unaligned_be16(v, p) : put_unaligned_le16(v, p);
}
template <byte_order O>
void put32(uint32_t v, uint8_t* p) {
    O == byte_order::big ? put_unaligned_be32(v, p) : put_unaligned_le32(v, p);
}
// And what it loads from bytes the card wrote.
template <byte_order O>
uint16_t get16(const uint8_t* p) {
    return O == byte_order::big ? get_unaligned_be16(p) : get_unaligned_le16(p);
}
template <byte_order O>
uint32_t get32(const uint8_t* p) {
    return O == byte_order::big ? get_unaligned_be32(p) : get_unaligned_le32(p);
}

template <byte_order O>
void memory_image(const init_block& ib, uint8_t (&out)[28]) {
    put16<O>(ib.mode, out);
    out[2] = ib.rlen;
    out[3] = ib.tlen;
    memcpy(out + 4, ib.padr, 6);
    put16<O>(ib.reserved, out + 10);
    memcpy(out + 12, ib.ladrf, 8);
    put32<O>(ib.rdra, out + 20);
    put32<O>(ib.tdra, out + 24);
}

// RMD and TMD share the layout: a word, two halfwords, two words.
template <byte_order O, typename Desc>
void memory_image(const Desc& d, uint16_t len_field, uint32_t misc_field, uint8_t (&out)[16]) {
    put32<O>(d.base, out);
    put16<O>(len_field, out + 4);
    put16<O>(d.status, out + 6);
    put32<O>(misc_field, out + 8);
    put32<O>(d.reserved, out + 12);
}

const uint8_t test_mac[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
const uint8_t test_ladrf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
// The init block of init_block_layout as the controller must read it.
const uint8_t init_block_bytes[28] = {0x00, 0x80, 0x50, 0x90, 0x52, 0x54, 0, 0x12, 0x34, 0x56,
                                      0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
                                      0x50, 0x34, 0x12, 0x00, 0xe0, 0xcd, 0xab, 0x00};

template <byte_order O>
void check_init_block() {
    uint8_t out[28];
    memory_image<O>(make_init_block<O>(mode::prom, 5, 9, test_mac, test_ladrf, 0x00123450, 0x00abcde0), out);
    MEMCMP_EQUAL(init_block_bytes, out, 28);
}

template <byte_order O>
void check_descriptors_to_the_card() {
    uint8_t out[16];
    const rx_desc rx = rx_desc_for_card<O>(0x00123450, 1536);
    memory_image<O>(rx, rx.buf_length, rx.msg_length, out);
    // RMD0 the address, RMD1 BCNT (-1536, ones on top) and OWN, little-endian.
    const uint8_t rx_want[16] = {0x50, 0x34, 0x12, 0x00, 0x00, 0xfa, 0x00, 0x80, 0, 0, 0, 0, 0, 0, 0, 0};
    MEMCMP_EQUAL(rx_want, out, 16);
    const tx_desc tx = tx_desc_for_card<O>(0x8765432c, 60);
    memory_image<O>(tx, tx.length, tx.misc, out);
    // TMD1: BCNT -60 and OWN | STP | ENP.
    const uint8_t tx_want[16] = {0x2c, 0x43, 0x65, 0x87, 0xc4, 0xff, 0x00, 0x83, 0, 0, 0, 0, 0, 0, 0, 0};
    MEMCMP_EQUAL(tx_want, out, 16);
}

// A descriptor as the card hands it back: a 64-byte frame received whole
// (RMD1 status STP | ENP, RMD2 MCNT 64, some RPC/RCC bits above it).
template <byte_order O>
void check_descriptor_from_the_card() {
    const uint8_t rmd[16] = {0x50, 0x34, 0x12, 0x00, 0x00, 0xfa, 0x00, 0x03, 0x40, 0x00, 0x12, 0x34};
    const uint16_t status = le16_to_cpu<O>(get16<O>(rmd + 6));
    LONGS_EQUAL(rmd::stp | rmd::enp, status);
    CHECK(rx_frame_ok(status));
    LONGS_EQUAL(60, rx_frame_len(le32_to_cpu<O>(get32<O>(rmd + 8))));
    LONGS_EQUAL(0x00123450, le32_to_cpu<O>(get32<O>(rmd)));
}

}  // namespace

TEST_GROUP(pcnet32_hw) {};

TEST(pcnet32_hw, byte_count_is_twos_complement_with_ones_on_top) {
    LONGS_EQUAL(0xfa00, bcnt(1536));
    LONGS_EQUAL(0xffc4, bcnt(60));
    LONGS_EQUAL(0xfa16, bcnt(1514));
    LONGS_EQUAL(0xf000, bcnt(4096));   // 4096 wraps to 0, as the data sheet says
    // The controller's reading: 4096 - BCNT.
    LONGS_EQUAL(1514, 4096 - (bcnt(1514) & 0x0fff));
}

// Expected indexes: ~zlib.crc32(addr) >> 26, an independent CRC-32.
TEST(pcnet32_hw, ladrf_hash_matches_the_ethernet_crc) {
    constexpr uint8_t all_hosts[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
    constexpr uint8_t ipv6_all_nodes[6] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};
    constexpr uint8_t stp[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x00};
    constexpr uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    constexpr uint8_t ssdp[6] = {0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa};
    LONGS_EQUAL(54, ladrf_index(all_hosts));
    LONGS_EQUAL(23, ladrf_index(ipv6_all_nodes));
    LONGS_EQUAL(58, ladrf_index(stp));
    LONGS_EQUAL(47, ladrf_index(bcast));
    LONGS_EQUAL(15, ladrf_index(ssdp));
    static_assert(ladrf_index(all_hosts) == 54);   // usable at compile time
}

TEST(pcnet32_hw, ladrf_add_sets_byte_and_bit_of_the_index) {
    uint8_t filter[8] = {};
    constexpr uint8_t all_hosts[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};   // 54
    constexpr uint8_t ssdp[6] = {0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa};        // 15
    ladrf_add(filter, all_hosts);
    ladrf_add(filter, ssdp);
    ladrf_add(filter, ssdp);
    const uint8_t want[8] = {0, 0x80, 0, 0, 0, 0, 0x40, 0};
    MEMCMP_EQUAL(want, filter, 8);
}

TEST(pcnet32_hw, init_block_layout) {
    LONGS_EQUAL(0, offsetof(init_block, mode));
    LONGS_EQUAL(2, offsetof(init_block, rlen));
    LONGS_EQUAL(3, offsetof(init_block, tlen));
    LONGS_EQUAL(4, offsetof(init_block, padr));
    LONGS_EQUAL(12, offsetof(init_block, ladrf));
    LONGS_EQUAL(20, offsetof(init_block, rdra));
    LONGS_EQUAL(24, offsetof(init_block, tdra));
    const uint8_t mac[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
    const uint8_t ladrf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    init_block ib = make_init_block(mode::prom, 5, 9, mac, ladrf, 0x00123450, 0x00abcde0);
    const auto* b = reinterpret_cast<const uint8_t*>(&ib);
    const uint8_t want[28] = {0x00, 0x80, 0x50, 0x90, 0x52, 0x54, 0, 0x12, 0x34, 0x56,
                              0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
                              0x50, 0x34, 0x12, 0x00, 0xe0, 0xcd, 0xab, 0x00};
    MEMCMP_EQUAL(want, b, 28);   // little-endian, as the controller reads it
}

// The card reads the init block and the rings little-endian (PCI DMA);
// from a big-endian CPU every multi-byte field must be stored swapped.
TEST(pcnet32_hw, init_block_reaches_the_card_little_endian_from_either_cpu) {
    check_init_block<byte_order::little>();
    check_init_block<byte_order::big>();
}

TEST(pcnet32_hw, descriptors_reach_the_card_little_endian_from_either_cpu) {
    check_descriptors_to_the_card<byte_order::little>();
    check_descriptors_to_the_card<byte_order::big>();
}

TEST(pcnet32_hw, descriptors_from_the_card_read_the_same_on_either_cpu) {
    check_descriptor_from_the_card<byte_order::little>();
    check_descriptor_from_the_card<byte_order::big>();
}

TEST(pcnet32_hw, descriptor_layout) {
    LONGS_EQUAL(4, offsetof(rx_desc, buf_length));
    LONGS_EQUAL(6, offsetof(rx_desc, status));
    LONGS_EQUAL(8, offsetof(rx_desc, msg_length));
    LONGS_EQUAL(6, offsetof(tx_desc, status));
    LONGS_EQUAL(8, offsetof(tx_desc, misc));
}

TEST(pcnet32_hw, receive_status_and_length) {
    CHECK(rx_frame_ok(rmd::stp | rmd::enp));
    CHECK(rx_frame_ok(rmd::stp | rmd::enp | 0x0070));          // PAM/LAFM/BAM don't matter
    CHECK_FALSE(rx_frame_ok(rmd::err | rmd::crc | rmd::stp | rmd::enp));
    CHECK_FALSE(rx_frame_ok(rmd::stp));                          // frame continues
    CHECK_FALSE(rx_frame_ok(rmd::enp));
    LONGS_EQUAL(60, rx_frame_len(64));                           // the FCS is counted
    LONGS_EQUAL(1514, rx_frame_len(0xabcd0000u | 1518));         // RPC/RCC bits ignored
    LONGS_EQUAL(0, rx_frame_len(10));
}

TEST(pcnet32_hw, receive_errors_are_counted_once_per_frame) {
    eth_stats s{};
    count_rx_error(s, rmd::err | rmd::crc | rmd::stp | rmd::enp);
    count_rx_error(s, rmd::err | rmd::fram | rmd::crc | rmd::stp | rmd::enp);
    count_rx_error(s, rmd::err | rmd::oflo | rmd::buff | rmd::stp);
    LONGS_EQUAL(3, s.rx_errors);
    LONGS_EQUAL(2, s.rx_crc_errors);
    LONGS_EQUAL(1, s.rx_frame_errors);
    LONGS_EQUAL(1, s.rx_over_errors);
    LONGS_EQUAL(1, s.rx_fifo_errors);
    // A frame spread over two buffers: nothing at its start, a length error at its end.
    count_rx_error(s, rmd::stp);
    LONGS_EQUAL(3, s.rx_errors);
    count_rx_error(s, rmd::enp);
    LONGS_EQUAL(4, s.rx_errors);
    LONGS_EQUAL(1, s.rx_length_errors);
}

TEST(pcnet32_hw, transmit_completion_counts) {
    eth_stats s{};
    count_tx_done(s, tmd::stp | tmd::enp, 0, 100);
    count_tx_done(s, tmd::stp | tmd::enp | tmd::one, 0, 60);
    count_tx_done(s, tmd::stp | tmd::enp | tmd::more, 0, 60);
    LONGS_EQUAL(3, s.tx_packets);
    LONGS_EQUAL(220, s.tx_bytes);
    LONGS_EQUAL(3, s.collisions);
    count_tx_done(s, tmd::err | tmd::stp | tmd::enp, tmd::lcar, 60);
    count_tx_done(s, tmd::err | tmd::stp | tmd::enp, tmd::rtry, 60);
    count_tx_done(s, tmd::err | tmd::stp | tmd::enp, tmd::uflo | tmd::buff, 60);
    count_tx_done(s, tmd::err | tmd::stp | tmd::enp, tmd::lcol, 60);
    LONGS_EQUAL(3, s.tx_packets);
    LONGS_EQUAL(4, s.tx_errors);
    LONGS_EQUAL(1, s.tx_carrier_errors);
    LONGS_EQUAL(1, s.tx_aborted_errors);
    LONGS_EQUAL(1, s.tx_fifo_errors);
    LONGS_EQUAL(1, s.tx_window_errors);
}

TEST(pcnet32_hw, missed_frame_counter_wraps) {
    LONGS_EQUAL(5, counter_delta(3, 0xfffe));
    LONGS_EQUAL(0, counter_delta(7, 7));
    LONGS_EQUAL(100, counter_delta(150, 50));
}

TEST(pcnet32_hw, chip_part_from_csr88_89) {
    LONGS_EQUAL(0x2621, chip_part(0x1003, 0x0262));   // QEMU's Am79C970A
    LONGS_EQUAL(0x2625, chip_part(0x5003, 0x3262));   // version bits 31:28 dropped
}

TEST(pcnet32_hw, byte_order_helpers) {
    LONGS_EQUAL(0x3412, swab16(0x1234));
    LONGS_EQUAL(0x78563412, swab32(0x12345678));
    uint32_t v = cpu_to_le32(0x11223344);
    const auto* b = reinterpret_cast<const uint8_t*>(&v);
    LONGS_EQUAL(0x44, b[0]);
    LONGS_EQUAL(0x11, b[3]);
}
