// Text normalisation: validate UTF-8, cut, NFKC + case fold (utf8proc), tokenise, fold leetspeak,
// stretched letters and slang. Pure ASCII input (most reports) skips utf8proc entirely, since
// NFKC maps ASCII to itself and case folding is then a table lookup.
#include <utf8proc.h>

#include <cstdlib>
#include <cstring>

#include "saring/core/error.hpp"
#include "saring/spam/text.hpp"
#include "spam/lexicon_data.hpp"

namespace saring {

void TextNormalizeOptions::validate() const {
  if (max_bytes < 16 || max_bytes > (1u << 26)) {
    throw Error(ErrorCode::kInvalidArgument,
                "TextNormalizeOptions.max_bytes must be in [16, 2^26], got " + std::to_string(max_bytes));
  }
}

std::uint64_t text_token_hash(std::string_view token) noexcept {
  return detail::fnv_continue(detail::kFnvOffset, token.data(), token.size());
}

namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";

bool is_ascii_letter(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool is_ascii_digit(unsigned char c) { return c >= '0' && c <= '9'; }

bool is_emoji(std::int32_t cp) {
  return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
         (cp >= 0x2300 && cp <= 0x23FF) || (cp >= 0x2B00 && cp <= 0x2BFF) || cp == 0x3030 ||
         cp == 0x303D || cp == 0x3297 || cp == 0x3299;
}

// Decodes one UTF-8 sequence at s[0..n); returns its length and the code point, or 0 when the
// bytes are not well-formed UTF-8 (overlong, surrogate, beyond U+10FFFF, truncated).
int decode_utf8(const unsigned char* s, std::size_t n, std::int32_t& cp) {
  const unsigned char c = s[0];
  int len;
  std::int32_t min;
  if (c < 0x80) {
    cp = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (n < static_cast<std::size_t>(len)) return 0;
  for (int i = 1; i < len; ++i) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// Step 1: validation, truncation, statistics, ASCII lower-casing; non-ASCII is copied for utf8proc.
bool validate_and_fold_ascii(std::string_view text, const TextNormalizeOptions& o, NormalizedText& out) {
  TextStats& st = out.stats;
  std::string& f = out.folded;
  f.reserve(text.size() < o.max_bytes ? text.size() : o.max_bytes);
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  bool non_ascii = false;
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      if (i + 1 > o.max_bytes) {
        st.truncated = true;
        break;
      }
      ++st.codepoints;
      if (c < 0x20 || c == 0x7F) {
        if (c != '\t' && c != '\n' && c != '\r') ++st.control_chars;
        f.push_back(' ');
      } else if (is_ascii_letter(c)) {
        ++st.letters;
        if (c <= 'Z') ++st.upper_letters;
        f.push_back(static_cast<char>(c | 0x20));
      } else {
        if (is_ascii_digit(c)) ++st.digits;
        f.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    std::int32_t cp = 0;
    const int len = decode_utf8(s + i, n - i, cp);
    const std::size_t step = len == 0 ? 1 : static_cast<std::size_t>(len);
    if (i + step > o.max_bytes) {
      st.truncated = true;
      break;
    }
    ++st.codepoints;
    non_ascii = true;
    if (len == 0) {
      ++st.invalid_utf8;
      f.append(kReplacement, 3);
    } else if (cp >= 0x80 && cp < 0xA0) {
      ++st.control_chars;
      f.push_back(' ');
    } else {
      if (is_emoji(cp)) {
        ++st.emoji;
      } else {
        const utf8proc_category_t cat = utf8proc_category(cp);
        if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) {
          ++st.letters;
          if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT) ++st.upper_letters;
        } else if (cat == UTF8PROC_CATEGORY_ND) {
          ++st.digits;
        }
      }
      f.append(text.data() + i, step);
    }
    i += step;
  }
  return non_ascii;
}

// Step 2 (only for non-ASCII text): NFKC, case folding, and marks stripped (accents are used to
// dodge word lists: "grátis"). utf8proc allocates the result with malloc.
void nfkc_casefold(std::string& folded) {
  utf8proc_uint8_t* result = nullptr;
  const utf8proc_ssize_t len = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(folded.data()), static_cast<utf8proc_ssize_t>(folded.size()),
      &result,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                     UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE));
  if (len >= 0 && result != nullptr) folded.assign(reinterpret_cast<const char*>(result), static_cast<std::size_t>(len));
  std::free(result);  // on error (cannot happen for validated input) the text stays as it was
}

char leet_letter(unsigned char c) {
  switch (c) {
    case '0': return 'o';
    case '1': return 'i';
    case '3': return 'e';
    case '4': return 'a';
    case '5': return 's';
    case '7': return 't';
    case '@': return 'a';
    case '$': return 's';
    default: return 0;
  }
}

class Tokenizer {
 public:
  Tokenizer(const TextNormalizeOptions& o, const SpamLexicons& lex, NormalizedText& out)
      : o_(o), lex_(lex.data()), out_(out) {}

  void run() {
    const std::string& f = out_.folded;
    const auto* s = reinterpret_cast<const unsigned char*>(f.data());
    const std::size_t n = f.size();
    std::size_t i = 0;
    while (i < n) {
      const unsigned char c = s[i];
      std::size_t step = 1;
      bool word = false;
      if (c < 0x80) {
        word = is_ascii_letter(c) || is_ascii_digit(c);
        // '@' and '$' inside a word are leetspeak ("h@diah"), elsewhere separators.
        if (!word && (c == '@' || c == '$') && !tok_.empty() && is_ascii_letter(static_cast<unsigned char>(tok_.back())) &&
            i + 1 < n && is_ascii_letter(s[i + 1])) {
          word = true;
        }
      } else {
        std::int32_t cp = 0;
        const int len = decode_utf8(s + i, n - i, cp);
        step = len == 0 ? 1 : static_cast<std::size_t>(len);
        if (len > 0 && cp != 0xFFFD && !is_emoji(cp)) {
          const utf8proc_category_t cat = utf8proc_category(cp);
          word = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME) ||
                 (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
        }
      }
      if (word) {
        tok_.append(f, i, step);
      } else {
        flush();
      }
      i += step;
    }
    flush();
  }

 private:
  void flush() {
    if (tok_.empty()) return;
    bool has_letter = false, has_leet = false;
    for (unsigned char c : tok_) {
      has_letter |= is_ascii_letter(c);
      has_leet |= leet_letter(c) != 0;
    }
    if (o_.fold_leetspeak && has_letter && has_leet) fold_leet();
    bool stretched = false;
    if (o_.fold_repeats) stretched = fold_runs();
    std::uint64_t h = text_token_hash(tok_);
    if (stretched) {
      // "gratiiis" -> "gratiis" by default, but -> "gratis" when that is a listed word.
      single_.clear();
      for (char c : tok_) {
        if (single_.empty() || single_.back() != c || !is_ascii_letter(static_cast<unsigned char>(c))) single_.push_back(c);
      }
      const std::uint64_t hs = text_token_hash(single_);
      if (lex_.find(hs) != nullptr) {
        tok_.swap(single_);
        h = hs;
      }
    }
    if (o_.apply_slang) {
      const detail::LexiconEntry* e = lex_.find(h);
      if (e != nullptr && e->slang >= 0) {
        ++out_.stats.slang_folds;
        const std::string& target = lex_.slang_targets[static_cast<std::size_t>(e->slang)];
        std::size_t start = 0;
        while (start < target.size()) {
          std::size_t sp = target.find(' ', start);
          if (sp == std::string::npos) sp = target.size();
          emit(std::string_view(target).substr(start, sp - start));
          start = sp + 1;
        }
        tok_.clear();
        return;
      }
    }
    emit(tok_, h);
    tok_.clear();
  }

  // A leet digit folds when it sits between letters ("h4diah"), or ends a word that already had
  // one folded ("pr0m0"); "50rb", "2jt" and "b2b" keep their digits.
  void fold_leet() {
    bool folded_any = false;
    const std::size_t n = tok_.size();
    for (std::size_t k = 0; k < n; ++k) {
      const char l = leet_letter(static_cast<unsigned char>(tok_[k]));
      if (l == 0) continue;
      const bool before = k > 0 && is_ascii_letter(static_cast<unsigned char>(tok_[k - 1]));
      const bool after = k + 1 < n && is_ascii_letter(static_cast<unsigned char>(tok_[k + 1]));
      if ((before && after) || (before && k + 1 == n && folded_any)) {
        tok_[k] = l;
        folded_any = true;
        ++out_.stats.leet_folds;
      }
    }
  }

  bool fold_runs() {
    bool any = false;
    std::size_t w = 0;
    const std::size_t n = tok_.size();
    for (std::size_t r = 0; r < n;) {
      std::size_t e = r + 1;
      while (e < n && tok_[e] == tok_[r]) ++e;
      std::size_t keep = e - r;
      if (keep >= 3 && is_ascii_letter(static_cast<unsigned char>(tok_[r]))) {
        keep = 2;
        any = true;
        ++out_.stats.stretched_runs;
      }
      for (std::size_t k = 0; k < keep; ++k) tok_[w++] = tok_[r];
      r = e;
    }
    tok_.resize(w);
    return any;
  }

  void emit(std::string_view t, std::uint64_t h) {
    std::string& norm = out_.normalized;
    if (!norm.empty()) norm.push_back(' ');
    out_.tokens.push_back({static_cast<std::uint32_t>(norm.size()), static_cast<std::uint32_t>(t.size()), h});
    norm.append(t);
  }
  void emit(std::string_view t) { emit(t, text_token_hash(t)); }

  const TextNormalizeOptions& o_;
  const detail::LexiconData& lex_;
  NormalizedText& out_;
  std::string tok_;
  std::string single_;
};

}  // namespace

void normalize_text(std::string_view text, NormalizedText& out, const TextNormalizeOptions& options,
                    const SpamLexicons& lexicons) {
  options.validate();
  out.folded.clear();
  out.normalized.clear();
  out.tokens.clear();
  out.stats = TextStats{};
  out.stats.input_bytes = text.size();
  if (validate_and_fold_ascii(text, options, out)) nfkc_casefold(out.folded);
  Tokenizer(options, lexicons, out).run();
}

NormalizedText normalize_text(std::string_view text, const TextNormalizeOptions& options,
                              const SpamLexicons& lexicons) {
  NormalizedText out;
  normalize_text(text, out, options, lexicons);
  return out;
}

}  // namespace saring
