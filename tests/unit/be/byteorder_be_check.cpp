// Compiled (not run) for big-endian MIPS by the byteorder_big_endian test:
// the byte-order helpers and the checksum arithmetic that does not touch
// memory, checked by the compiler on a big-endian target.
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
