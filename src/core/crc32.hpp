// CRC-32 (IEEE 802.3 polynomial, the one zlib and PNG use): index file trailer, filter journal and snapshot.
#pragma once

#include <cstddef>
#include <cstdint>

namespace saring::detail {

// Continues a CRC over more bytes: crc32_update(crc32_update(0, a), b) == crc32 of a followed by b.
std::uint32_t crc32_update(std::uint32_t crc, const void* data, std::size_t size);

}  // namespace saring::detail
