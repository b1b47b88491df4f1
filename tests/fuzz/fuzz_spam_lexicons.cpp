// Spam word lists (SpamLexicons::from_text, what load_dir reads from a user's directory): any
// bytes give lexicons or a saring::Error(kParse) naming the list and line, never a crash or hang.
// The input holds the four lists (slang TSV, promo, money, abuse) separated by NUL bytes. Lists
// that load must fold and flag text without failing, and loading the same lists again must give
// the same fingerprint.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "saring/core/error.hpp"
#include "saring/spam/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string_view lists[4];
  for (int i = 0; i < 4; ++i) {
    const std::size_t nul = i < 3 ? rest.find('\0') : std::string_view::npos;
    lists[i] = rest.substr(0, nul);
    rest = nul == std::string_view::npos ? std::string_view{} : rest.substr(nul + 1);
  }
  try {
    const saring::SpamLexicons lex = saring::SpamLexicons::from_text(lists[0], lists[1], lists[2], lists[3]);
    const saring::SpamLexicons again = saring::SpamLexicons::from_text(lists[0], lists[1], lists[2], lists[3]);
    if (lex.fingerprint() != again.fingerprint() || lex.slang_size() != again.slang_size()) __builtin_trap();
    // Every list line is also text the normaliser must cope with under these lexicons.
    for (const std::string_view l : lists) {
      const saring::NormalizedText t = saring::normalize_text(l, {}, lex);
      for (std::size_t i = 0; i < t.tokens.size(); ++i) {
        (void)lex.slang(t.token(i));
        (void)lex.flags(t.token(i));
      }
    }
  } catch (const saring::Error& e) {
    if (e.code() != saring::ErrorCode::kParse) __builtin_trap();
  }
  return 0;
}
