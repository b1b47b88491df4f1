#include "saring/hash/hash_types.hpp"

#include <bit>

#include "saring/core/error.hpp"

namespace saring {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::uint64_t parse_u64_hex(std::string_view hex, std::string_view whole, const char* what) {
  std::uint64_t v = 0;
  for (char c : hex) {
    const int d = hex_value(c);
    if (d < 0) {
      throw Error(ErrorCode::kParse, std::string(what) + ": not a hex digit in '" + std::string(whole) + "'");
    }
    v = (v << 4) | static_cast<std::uint64_t>(d);
  }
  return v;
}

void append_hex(std::string& out, std::uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kDigits[(v >> shift) & 0xf]);
}

// The hardware popcount instruction is not part of baseline x86-64, so it is chosen at run time.
// A plain flag, not an ifunc (target_clones): ifunc resolvers run before the sanitizer runtimes
// start and crash TSan-instrumented programs.
int popcount4_portable(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
  return std::popcount(a) + std::popcount(b) + std::popcount(c) + std::popcount(d);
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("popcnt"))) int popcount4_hardware(std::uint64_t a, std::uint64_t b, std::uint64_t c,
                                                          std::uint64_t d) {
  return __builtin_popcountll(a) + __builtin_popcountll(b) + __builtin_popcountll(c) + __builtin_popcountll(d);
}

bool cpu_has_popcnt() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("popcnt");
}

int popcount4(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
  static const bool hardware = cpu_has_popcnt();
  return hardware ? popcount4_hardware(a, b, c, d) : popcount4_portable(a, b, c, d);
}
#else
int popcount4(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
  return popcount4_portable(a, b, c, d);
}
#endif

}  // namespace

Hash64 Hash64::from_hex(std::string_view hex) {
  if (hex.size() != 16) {
    throw Error(ErrorCode::kParse, "Hash64: expected 16 hex digits, got " + std::to_string(hex.size()) +
                                       " in '" + std::string(hex.substr(0, 80)) + "'");
  }
  return Hash64(parse_u64_hex(hex, hex, "Hash64"));
}

std::string Hash64::hex() const {
  std::string out;
  out.reserve(16);
  append_hex(out, bits_);
  return out;
}

int Hash64::distance(const Hash64& other) const { return popcount4(bits_ ^ other.bits_, 0, 0, 0); }

Hash256 Hash256::from_hex(std::string_view hex) {
  if (hex.size() != 64) {
    throw Error(ErrorCode::kParse, "Hash256: expected 64 hex digits, got " + std::to_string(hex.size()) +
                                       " in '" + std::string(hex.substr(0, 80)) + "'");
  }
  Words w{};
  for (int i = 0; i < 4; ++i) w[3 - i] = parse_u64_hex(hex.substr(i * 16, 16), hex, "Hash256");
  return Hash256(w);
}

std::string Hash256::hex() const {
  std::string out;
  out.reserve(64);
  for (int i = 3; i >= 0; --i) append_hex(out, words_[i]);
  return out;
}

int Hash256::distance(const Hash256& o) const {
  return popcount4(words_[0] ^ o.words_[0], words_[1] ^ o.words_[1], words_[2] ^ o.words_[2],
                   words_[3] ^ o.words_[3]);
}

int Hash256::popcount() const { return popcount4(words_[0], words_[1], words_[2], words_[3]); }

}  // namespace saring
