// Perceptual hash value types. Hash256 is PDQ's 256-bit hash; Hash64 holds pHash or dHash.
// Both are plain values: comparable, hashable, printable as lowercase hex.
//
// Hash256 hex is PDQ's interchange format (ThreatExchange, HMA): 64 hex digits printing PDQ's
// sixteen 16-bit words from the last to the first. Bit k of the hash (k = 0..255, the k-th DCT
// coefficient in PDQ's row-major order) is word k/16, bit k%16; here it is words()[k/64] bit k%64.
//
//   saring::Hash256 a = saring::Hash256::from_hex("f8f8...");
//   int d = a.distance(b);   // Hamming distance, 0..256
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace saring {

class Hash64 {
 public:
  constexpr Hash64() = default;
  constexpr explicit Hash64(std::uint64_t bits) : bits_(bits) {}

  // Parses 16 hex digits (either case); throws Error(kParse) naming the text otherwise.
  static Hash64 from_hex(std::string_view hex);
  std::string hex() const;  // 16 lowercase hex digits, most significant first

  constexpr std::uint64_t bits() const { return bits_; }
  constexpr bool bit(int k) const { return (bits_ >> k) & 1u; }
  int distance(const Hash64& other) const;  // Hamming distance, 0..64

  constexpr auto operator<=>(const Hash64&) const = default;

 private:
  std::uint64_t bits_ = 0;
};

class Hash256 {
 public:
  using Words = std::array<std::uint64_t, 4>;

  constexpr Hash256() = default;
  constexpr explicit Hash256(const Words& words) : words_(words) {}

  // Parses 64 hex digits (either case) in PDQ's format; throws Error(kParse) otherwise.
  static Hash256 from_hex(std::string_view hex);
  std::string hex() const;  // 64 lowercase hex digits, PDQ's format

  constexpr const Words& words() const { return words_; }
  constexpr bool bit(int k) const { return (words_[k >> 6] >> (k & 63)) & 1u; }
  constexpr void set_bit(int k, bool on = true) {
    const std::uint64_t mask = std::uint64_t{1} << (k & 63);
    words_[k >> 6] = on ? (words_[k >> 6] | mask) : (words_[k >> 6] & ~mask);
  }
  int distance(const Hash256& other) const;  // Hamming distance, 0..256
  int popcount() const;

  constexpr auto operator<=>(const Hash256&) const = default;

 private:
  Words words_{};
};

}  // namespace saring

template <>
struct std::hash<saring::Hash64> {
  std::size_t operator()(const saring::Hash64& h) const noexcept {
    return std::hash<std::uint64_t>{}(h.bits());
  }
};
template <>
struct std::hash<saring::Hash256> {
  std::size_t operator()(const saring::Hash256& h) const noexcept {
    const auto& w = h.words();
    return std::hash<std::uint64_t>{}(w[0] ^ (w[1] * 0x9e3779b97f4a7c15ull) ^ (w[2] << 1) ^ (w[3] >> 1));
  }
};
