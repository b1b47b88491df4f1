// The lexicons: parsing the data files and the compiled-in copies of data/spam/.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "saring/core/error.hpp"
#include "saring/spam/text.hpp"
#include "spam/lexicon_data.hpp"

// The shipped lists are data files (data/spam/), embedded at build time with the assembler's
// .incbin so that they stay plain text in the repository. (The build does not track these files:
// after editing one, touch this source. tests/spam/lexicon_test.cpp checks the copies agree.)
#define SARING_SPAM_INCBIN(sym, file)                                                         \
  __asm__(".section .rodata\n.balign 8\n.local " #sym "\n" #sym ":\n.incbin \"" SARING_SOURCE_DIR \
          "/data/spam/" file "\"\n.local " #sym "_end\n" #sym "_end:\n.byte 0\n.previous\n");  \
  extern "C" const char sym[];                                                                \
  extern "C" const char sym##_end[];

SARING_SPAM_INCBIN(saring_spam_slang_tsv, "slang_id.tsv")
SARING_SPAM_INCBIN(saring_spam_promo_txt, "promo_id.txt")
SARING_SPAM_INCBIN(saring_spam_money_txt, "money_id.txt")
SARING_SPAM_INCBIN(saring_spam_abuse_txt, "abuse_id.txt")

namespace saring {
namespace detail {

LexiconEntry& LexiconData::insert(std::uint64_t key) {
  if (key == 0) key = 1;
  for (std::uint64_t i = (key * 0x9E3779B97F4A7C15ull) >> 20 & mask;; i = (i + 1) & mask) {
    LexiconEntry& e = table[i];
    if (e.key == key) return e;
    if (e.key == 0) {
      e.key = key;
      return e;
    }
  }
}

}  // namespace detail

namespace {

struct Line {
  std::size_t number;
  std::string_view text;
};

// Lines of a list, without comments, blank lines and trailing CR/space.
std::vector<Line> list_lines(std::string_view text) {
  std::vector<Line> out;
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    out.push_back({number, line});
  }
  return out;
}

// Terms are stored as the normaliser would produce them, so a listed "GRATIS" or "h4diah" still
// matches; a term that normalises to more than two tokens cannot match and is refused.
std::vector<std::string> term_tokens(std::string_view term) {
  TextNormalizeOptions o;
  o.apply_slang = false;  // a list names standard forms; slang folding happens to the text
  const NormalizedText t = normalize_text(term, o, SpamLexicons::empty());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < t.tokens.size(); ++i) out.emplace_back(t.token(i));
  return out;
}

}  // namespace

const SpamLexicons& SpamLexicons::empty() {
  static const SpamLexicons empty(std::make_shared<detail::LexiconData>());
  return empty;
}

SpamLexicons SpamLexicons::from_text(std::string_view slang_tsv, std::string_view promo,
                                     std::string_view money, std::string_view abuse) {
  auto d = std::make_shared<detail::LexiconData>();
  const auto slang_lines = list_lines(slang_tsv);
  const std::string_view names[3] = {"promo list", "money list", "abuse list"};
  const std::string_view lists[3] = {promo, money, abuse};
  const std::uint8_t flags[3] = {kPromo, kMoney, kAbuse};
  std::vector<std::vector<Line>> term_lines;
  std::size_t n = slang_lines.size();
  for (auto l : lists) {
    term_lines.push_back(list_lines(l));
    n += 2 * term_lines.back().size();
  }
  std::size_t cap = 16;
  while (cap < 2 * n + 2) cap <<= 1;
  d->table.assign(cap, {});
  d->mask = cap - 1;

  std::uint64_t fp = detail::kFnvOffset;
  for (const Line& line : slang_lines) {
    const std::size_t tab = line.text.find('\t');
    if (tab == std::string_view::npos || tab == 0 || tab + 1 >= line.text.size()) {
      throw Error(ErrorCode::kParse, "slang list line " + std::to_string(line.number) +
                                         ": expected \"informal<TAB>standard\", got \"" +
                                         std::string(line.text) + "\"");
    }
    const auto key = term_tokens(line.text.substr(0, tab));
    const auto target = term_tokens(line.text.substr(tab + 1));
    if (key.size() != 1 || target.empty()) {
      throw Error(ErrorCode::kParse, "slang list line " + std::to_string(line.number) +
                                         ": the informal side must be one word and the standard side "
                                         "at least one, got \"" + std::string(line.text) + "\"");
    }
    std::string joined;
    for (const auto& t : target) joined += (joined.empty() ? "" : " ") + t;
    detail::LexiconEntry& e = d->insert(text_token_hash(key[0]));
    if (e.slang < 0) {
      e.slang = static_cast<std::int32_t>(d->slang_targets.size());
      d->slang_targets.push_back(joined);
      ++d->slang_count;
    } else {
      d->slang_targets[static_cast<std::size_t>(e.slang)] = joined;
    }
    fp = detail::fnv_continue(fp, key[0].data(), key[0].size());
    fp = detail::fnv_step(fp, '\t');
    fp = detail::fnv_continue(fp, joined.data(), joined.size());
    fp = detail::fnv_step(fp, '\n');
  }
  for (int k = 0; k < 3; ++k) {
    fp = detail::fnv_step(fp, static_cast<unsigned char>(0xF0 + k));
    for (const Line& line : term_lines[static_cast<std::size_t>(k)]) {
      const auto toks = term_tokens(line.text);
      if (toks.empty() || toks.size() > 2) {
        throw Error(ErrorCode::kParse, std::string(names[k]) + " line " + std::to_string(line.number) +
                                           ": a term must be one or two words, got \"" +
                                           std::string(line.text) + "\"");
      }
      std::uint64_t h = text_token_hash(toks[0]);
      if (toks.size() == 2) {
        d->insert(h).flags |= kPhraseStart;
        h = detail::fnv_step(h, ' ');
        h = detail::fnv_continue(h, toks[1].data(), toks[1].size());
      }
      detail::LexiconEntry& e = d->insert(h);
      if ((e.flags & (kPromo | kMoney | kAbuse)) == 0) ++d->term_count;
      e.flags |= flags[k];
      for (const auto& t : toks) {
        fp = detail::fnv_continue(fp, t.data(), t.size());
        fp = detail::fnv_step(fp, ' ');
      }
      fp = detail::fnv_step(fp, '\n');
    }
  }
  d->fingerprint = fp;
  return SpamLexicons(std::move(d));
}

const SpamLexicons& SpamLexicons::builtin() {
  static const SpamLexicons lex = from_text(
      std::string_view(saring_spam_slang_tsv, static_cast<std::size_t>(saring_spam_slang_tsv_end - saring_spam_slang_tsv)),
      std::string_view(saring_spam_promo_txt, static_cast<std::size_t>(saring_spam_promo_txt_end - saring_spam_promo_txt)),
      std::string_view(saring_spam_money_txt, static_cast<std::size_t>(saring_spam_money_txt_end - saring_spam_money_txt)),
      std::string_view(saring_spam_abuse_txt, static_cast<std::size_t>(saring_spam_abuse_txt_end - saring_spam_abuse_txt)));
  return lex;
}

SpamLexicons SpamLexicons::load_dir(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw Error(ErrorCode::kIo, "spam word lists: " + dir + " is not a directory");
  }
  auto slurp = [&](const char* name) {
    const std::string path = dir + "/" + name;
    // A directory opens as a stream that reads nothing: it would pass as an empty list.
    std::error_code fec;
    if (std::filesystem::exists(path, fec) && !std::filesystem::is_regular_file(path, fec)) {
      throw Error(ErrorCode::kIo, "lexicon file " + path + " is not a regular file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCode::kIo, "cannot open lexicon file " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw Error(ErrorCode::kIo, "cannot read lexicon file " + path);
    return ss.str();
  };
  const std::string slang = slurp("slang_id.tsv"), promo = slurp("promo_id.txt"),
                    money = slurp("money_id.txt"), abuse = slurp("abuse_id.txt");
  try {
    return from_text(slang, promo, money, abuse);
  } catch (const Error& e) {
    throw Error(e.code(), dir + ": " + e.what());  // "DIR: promo list line 3: ..."
  }
}

std::optional<std::string_view> SpamLexicons::slang(std::string_view token) const {
  const detail::LexiconEntry* e = data_->find(text_token_hash(token));
  if (e == nullptr || e->slang < 0) return std::nullopt;
  return std::string_view(data_->slang_targets[static_cast<std::size_t>(e->slang)]);
}

std::uint8_t SpamLexicons::flags(std::string_view term) const {
  const NormalizedText t = normalize_text(term, {}, empty());
  if (t.tokens.empty() || t.tokens.size() > 2) return 0;
  std::uint64_t h = t.tokens[0].hash;
  if (t.tokens.size() == 2) {
    h = detail::fnv_step(h, ' ');
    h = detail::fnv_continue(h, t.normalized.data() + t.tokens[1].offset, t.tokens[1].length);
  }
  const detail::LexiconEntry* e = data_->find(h);
  return e == nullptr ? 0 : e->flags;
}

std::size_t SpamLexicons::slang_size() const { return data_->slang_count; }
std::size_t SpamLexicons::term_size() const { return data_->term_count; }
std::uint64_t SpamLexicons::fingerprint() const { return data_->fingerprint; }

}  // namespace saring
