// Private: the lexicons as one open-addressing table keyed by 64-bit token hashes, so the
// normaliser and the rules look a token up once, without building strings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace saring::detail {

struct LexiconEntry {
  std::uint64_t key = 0;   // token hash (text_token_hash); 0 = empty slot
  std::uint8_t flags = 0;  // SpamLexicons::kPromo | kMoney | kAbuse | kPhraseStart
  std::int32_t slang = -1; // index into slang_targets, or -1
};

struct LexiconData {
  std::vector<LexiconEntry> table;  // size a power of two, at most half full
  std::uint64_t mask = 0;
  std::vector<std::string> slang_targets;
  std::size_t slang_count = 0;
  std::size_t term_count = 0;
  std::uint64_t fingerprint = 0;

  const LexiconEntry* find(std::uint64_t key) const noexcept {
    if (table.empty()) return nullptr;
    if (key == 0) key = 1;
    for (std::uint64_t i = (key * 0x9E3779B97F4A7C15ull) >> 20 & mask;; i = (i + 1) & mask) {
      const LexiconEntry& e = table[i];
      if (e.key == key) return &e;
      if (e.key == 0) return nullptr;
    }
  }
  LexiconEntry& insert(std::uint64_t key);
};

// FNV-1a, the token hash, continued one byte at a time (so "a b" can be hashed from "a"'s hash).
inline constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ull;
inline constexpr std::uint64_t kFnvPrime = 0x100000001b3ull;
inline std::uint64_t fnv_step(std::uint64_t h, unsigned char c) noexcept { return (h ^ c) * kFnvPrime; }
inline std::uint64_t fnv_continue(std::uint64_t h, const char* s, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) h = fnv_step(h, static_cast<unsigned char>(s[i]));
  return h;
}

}  // namespace saring::detail
