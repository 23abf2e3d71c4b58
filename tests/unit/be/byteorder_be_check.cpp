// Compiled (not run) for big-endian MIPS by the byteorder_big_endian test:
// the byte-order helpers, the checksum arithmetic that does not touch
// memory and pcnet32's init block, checked by the compiler on a big-endian
// target (std::bit_cast shows the bytes it would store).
#include <array>
#include <bit>

#include "drivers/net/pcnet32_hw.h"
#include "kernel/byteorder.h"
#include "net/core/checksum.h"

static_assert(host_is_big_endian, "this file must be compiled with -EB");
static_assert(htons(0x1234) == 0x1234 && ntohl(0x12345678u) == 0x12345678u);
static_assert(cpu_to_le16(0x1234) == 0x3412 && le32_to_cpu(0x78563412u) == 0x12345678u);
constexpr uint8_t wire_1234[2] = {0x12, 0x34};
static_assert(get_unaligned_be16(wire_1234) == 0x1234);
// RFC 1071 section 3's words as a big-endian CPU loads them: 0001 f203 f4f5
// f6f7 sum to 0x2ddf0; the checksum stored as is reads 22 0d.
static_assert(csum_fold(0x0001u + 0xf203u + 0xf4f5u + 0xf6f7u) == 0x220d);
// The pseudo-header's zero+protocol and length words are already numbers.
static_assert(csum_fold(htons(17) + htons(13)) == static_cast<uint16_t>(~30));
// o32's register pair on a big-endian CPU: the high word first.
static_assert(split_64(0x1122334455667788ull).first == 0x11223344u);
static_assert(merge_64(0x11223344u, 0x55667788u) == 0x1122334455667788ull);
// pcnet32's init block as this CPU stores it: the card's little-endian.
constexpr uint8_t mac[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
constexpr uint8_t ladrf[8] = {};
constexpr auto init_bytes = std::bit_cast<std::array<uint8_t, 28>>(
    pcnet32_hw::make_init_block(0x8000, 5, 9, mac, ladrf, 0x00123450, 0x00abcde0));
static_assert(init_bytes[0] == 0x00 && init_bytes[1] == 0x80 && init_bytes[2] == 0x50 && init_bytes[4] == 0x52);
static_assert(init_bytes[20] == 0x50 && init_bytes[21] == 0x34 && init_bytes[22] == 0x12 && init_bytes[23] == 0);
constexpr auto rx_bytes = std::bit_cast<std::array<uint8_t, 16>>(pcnet32_hw::rx_desc_for_card(0x00123450, 1536));
static_assert(rx_bytes[0] == 0x50 && rx_bytes[4] == 0x00 && rx_bytes[5] == 0xfa && rx_bytes[7] == 0x80);
