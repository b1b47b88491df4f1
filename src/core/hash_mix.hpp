// Mixers for in-memory hash tables and feature hashing: one definition each, shared by the
// modules (the geotag history, the filter's tables, the spam model's hashed features).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace saring::detail {

// Murmur3's 64-bit finaliser, a bijection that spreads every input bit over the low bits the
// tables index by (coordinate bit patterns, FNV sums and std::hash values are not well mixed there).
inline std::uint64_t mix64(std::uint64_t x) noexcept {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

// The hash a FlatHashTable of strings keys by: std::hash, which is not promised to be well mixed,
// finalised by mix64. In memory only (std::hash may differ between builds): never persist it.
inline std::uint64_t hash_string(std::string_view key) noexcept { return mix64(std::hash<std::string_view>{}(key)); }

}  // namespace saring::detail
