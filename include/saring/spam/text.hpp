// Text normalisation for short Indonesian report text: the first step of spam scoring.
//
// Input is any bytes. They are validated as UTF-8 (bad sequences become U+FFFD and are counted),
// cut at `max_bytes` (flagged), NFKC-normalised and case-folded (utf8proc), then split into tokens
// whose leetspeak ("h4diah"), stretched letters ("gratiiiis") and informal spellings ("gk", "yg")
// are folded with a lexicon kept as data (data/spam/). Nothing here throws on odd content.
//
//   saring::NormalizedText t = saring::normalize_text("GRATISSS pulsa 10rb, klik yg ini!!");
//   t.normalized == "gratis pulsa 10rb klik yang ini"; t.stats.upper_letters == 8
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace saring {

namespace detail {
struct LexiconData;
}

// The word lists spam scoring uses: informal spelling -> standard form, promotion words, money
// words and abusive words. builtin() holds the lists saring ships (data/spam/, compiled in);
// from_text()/load_dir() read replacements in the same formats (see docs/spam.md).
class SpamLexicons {
 public:
  // Bit flags of a term in the lists.
  static constexpr std::uint8_t kPromo = 1, kMoney = 2, kAbuse = 4, kPhraseStart = 8;

  static const SpamLexicons& builtin();
  static const SpamLexicons& empty();  // no lists: nothing is folded or flagged
  // `slang_tsv`: "informal<TAB>standard" lines; the others: one term (one or two words) a line.
  // '#' starts a comment line. Throws Error(kParse) naming the list and line on a malformed line.
  static SpamLexicons from_text(std::string_view slang_tsv, std::string_view promo,
                                std::string_view money, std::string_view abuse);
  // Reads slang_id.tsv, promo_id.txt, money_id.txt and abuse_id.txt from `dir` (Error(kIo) if
  // one is missing).
  static SpamLexicons load_dir(const std::string& dir);

  // Standard form of an informal token, if listed.
  std::optional<std::string_view> slang(std::string_view token) const;
  // kPromo|kMoney|kAbuse|kPhraseStart flags of a term ("hadiah", "tanpa jaminan"), 0 if unlisted.
  std::uint8_t flags(std::string_view term) const;
  std::size_t slang_size() const;
  std::size_t term_size() const;
  // 64-bit fingerprint of the lists' contents; models record it to notice a mismatch.
  std::uint64_t fingerprint() const;

  const detail::LexiconData& data() const { return *data_; }

 private:
  explicit SpamLexicons(std::shared_ptr<const detail::LexiconData> d) : data_(std::move(d)) {}
  std::shared_ptr<const detail::LexiconData> data_;
};

struct TextNormalizeOptions {
  // Longer text is cut here (at a character boundary) and flagged: report text is short, and a cap
  // keeps scoring time bounded whatever arrives. 4096 bytes is ~10x the longest real report.
  std::size_t max_bytes = 4096;
  bool fold_leetspeak = true;  // a digit between letters: h4diah -> hadiah, pr0mo -> promo
  bool fold_repeats = true;    // runs of 3+ equal letters -> 2 (or 1 when that is a listed word)
  bool apply_slang = true;     // gk -> tidak, yg -> yang (SpamLexicons::slang)
  void validate() const;       // throws Error(kInvalidArgument)
};

// Facts gathered while normalising; the rules read them.
struct TextStats {
  std::size_t input_bytes = 0;    // before truncation
  std::size_t invalid_utf8 = 0;   // byte sequences replaced by U+FFFD
  std::size_t control_chars = 0;  // C0/C1 controls other than tab and newlines (binary input)
  std::size_t codepoints = 0;     // of the kept (possibly truncated) text
  std::size_t letters = 0;
  std::size_t upper_letters = 0;  // before case folding
  std::size_t digits = 0;
  std::size_t emoji = 0;          // pictographs, dingbats, flags, ...
  std::size_t stretched_runs = 0; // runs of 3+ equal letters that were folded
  std::size_t leet_folds = 0;
  std::size_t slang_folds = 0;
  bool truncated = false;
};

// A token of NormalizedText::normalized: byte offset and length, and its 64-bit hash (FNV-1a),
// which lexicon lookup and the model's features reuse.
struct TextToken {
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
  std::uint64_t hash = 0;
};

struct NormalizedText {
  std::string folded;               // valid UTF-8, NFKC + case folded, whitespace kept
  std::string normalized;           // folded tokens joined by single spaces
  std::vector<TextToken> tokens;    // the tokens of `normalized`
  TextStats stats;

  std::string_view token(std::size_t i) const {
    return std::string_view(normalized).substr(tokens[i].offset, tokens[i].length);
  }
};

// Normalises `text`; never throws on content (only on invalid options). The second form reuses
// `out`'s buffers, which keeps a scoring loop free of allocations after warm-up.
NormalizedText normalize_text(std::string_view text, const TextNormalizeOptions& options = {},
                              const SpamLexicons& lexicons = SpamLexicons::builtin());
void normalize_text(std::string_view text, NormalizedText& out, const TextNormalizeOptions& options = {},
                    const SpamLexicons& lexicons = SpamLexicons::builtin());

// The hash NormalizedText uses for tokens (FNV-1a 64).
std::uint64_t text_token_hash(std::string_view token) noexcept;

}  // namespace saring
