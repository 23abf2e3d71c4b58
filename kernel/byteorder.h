// Byte order of data shared with devices (Linux's cpu_to_le32 family):
// PCI and its devices are little-endian; the CPU may be either.
#pragma once
#include <stdint.h>

#include <bit>

constexpr uint16_t swab16(uint16_t v) { return static_cast<uint16_t>(v << 8 | v >> 8); }
constexpr uint32_t swab32(uint32_t v) {
    return v << 24 | (v & 0xff00u) << 8 | (v >> 8 & 0xff00u) | v >> 24;
}

constexpr bool cpu_is_little_endian = std::endian::native == std::endian::little;

constexpr uint16_t cpu_to_le16(uint16_t v) { return cpu_is_little_endian ? v : swab16(v); }
constexpr uint32_t cpu_to_le32(uint32_t v) { return cpu_is_little_endian ? v : swab32(v); }
constexpr uint16_t le16_to_cpu(uint16_t v) { return cpu_to_le16(v); }
constexpr uint32_t le32_to_cpu(uint32_t v) { return cpu_to_le32(v); }
