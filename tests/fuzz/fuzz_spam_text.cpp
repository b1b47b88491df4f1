// Text normalisation and rule scoring of arbitrary bytes: never throws, probability in [0, 1],
// normalised text is valid UTF-8 tokens joined by single spaces.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "saring/spam/model.hpp"
#include "saring/spam/near_duplicate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const saring::NormalizedText t = saring::normalize_text(text);
  if (!t.normalized.empty() && (t.normalized.front() == ' ' || t.normalized.back() == ' ')) __builtin_trap();
  for (std::size_t i = 0; i < t.tokens.size(); ++i) {
    if (t.token(i).empty() || t.token(i).find(' ') != std::string_view::npos) __builtin_trap();
  }
  const saring::SpamScore s = saring::score_spam(text);
  if (!(s.probability >= 0.0 && s.probability <= 1.0)) __builtin_trap();
  (void)s.reasons();
  (void)saring::text_simhash(t.normalized);
  return 0;
}
