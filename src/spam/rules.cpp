// The named spam rules and the hand-written scanners behind them (no std::regex: scoring must
// stay at a few microseconds per text).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "saring/core/error.hpp"
#include "saring/spam/rules.hpp"
#include "spam/lexicon_data.hpp"

namespace saring {

namespace {

struct RuleInfo {
  std::string_view code;
  SpamRuleGroup group;
  double weight;
};

// Default weights in log-odds. Links, contacts and lure words are what a promotion or a scam
// needs to work, so they weigh most; style and quality rules only nudge.
constexpr RuleInfo kRules[kSpamRuleCount] = {
    {"SPAM_URL", SpamRuleGroup::kLink, 1.5},
    {"SPAM_PHONE", SpamRuleGroup::kContact, 1.2},
    {"SPAM_WHATSAPP_LINK", SpamRuleGroup::kLink, 2.0},
    {"SPAM_PROMO_WORDS", SpamRuleGroup::kLure, 2.0},
    {"SPAM_MONEY_WORDS", SpamRuleGroup::kLure, 1.5},
    {"SPAM_ALL_CAPS", SpamRuleGroup::kStyle, 0.8},
    {"SPAM_EMPTY_TEXT", SpamRuleGroup::kQuality, 1.0},
    {"SPAM_SHORT_TEXT", SpamRuleGroup::kQuality, 0.5},
    {"SPAM_GIBBERISH", SpamRuleGroup::kQuality, 2.0},
    {"SPAM_ABUSE", SpamRuleGroup::kAbuse, 2.0},
    {"SPAM_EMOJI_FLOOD", SpamRuleGroup::kStyle, 0.8},
    {"SPAM_NEAR_DUPLICATE_TEXT", SpamRuleGroup::kRepetition, 2.5},
    {"SPAM_REPORTER_FLOOD", SpamRuleGroup::kReporter, 2.0},
    {"SPAM_REPORTER_REJECTED_HISTORY", SpamRuleGroup::kReporter, 2.0},
    {"SPAM_TEXT_TRUNCATED", SpamRuleGroup::kInput, 0.5},
    {"SPAM_INVALID_UTF8", SpamRuleGroup::kInput, 1.0},
};

constexpr std::string_view kGroupNames[kSpamRuleGroupCount] = {
    "link", "contact", "lure", "style", "quality", "abuse", "repetition", "reporter", "input"};
constexpr double kGroupCaps[kSpamRuleGroupCount] = {3.0, 1.5, 3.0, 1.2, 2.0, 2.5, 2.5, 3.0, 1.5};

bool is_letter(unsigned char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_alnum(unsigned char c) { return is_letter(c) || is_digit(c); }
bool is_vowel(unsigned char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }
bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool starts_with_at(std::string_view s, std::size_t i, std::string_view p) {
  return s.size() >= i + p.size() && std::memcmp(s.data() + i, p.data(), p.size()) == 0;
}

std::size_t span_to_space(std::string_view s, std::size_t i) {
  std::size_t e = i;
  while (e < s.size() && !is_space(static_cast<unsigned char>(s[e]))) ++e;
  return e;
}

void keep_first(std::string* first, std::string_view s, std::size_t b, std::size_t e) {
  if (first != nullptr && first->empty()) first->assign(s.substr(b, std::min<std::size_t>(e - b, 60)));
}

// Top-level domains seen in links people paste; two-letter ones need a longer name before them
// (or a path after) so that "sdh.ga" style typos are not links.
constexpr std::string_view kTlds[] = {"com", "net", "org", "info", "biz", "xyz", "site", "online", "shop",
                                      "store", "club", "top", "app", "link", "click", "live", "vip", "icu",
                                      "one", "id", "co", "me", "ly", "io", "cc", "us", "in", "my", "sg"};

}  // namespace

std::string_view spam_rule_code(SpamRule rule) noexcept { return kRules[static_cast<int>(rule)].code; }
SpamRuleGroup spam_rule_group(SpamRule rule) noexcept { return kRules[static_cast<int>(rule)].group; }
std::string_view spam_rule_group_name(SpamRuleGroup g) noexcept { return kGroupNames[static_cast<int>(g)]; }
bool is_context_rule(SpamRule rule) noexcept {
  return rule == SpamRule::kNearDuplicateText || rule == SpamRule::kReporterFlood ||
         rule == SpamRule::kReporterRejectedHistory;
}
std::optional<SpamRule> parse_spam_rule_code(std::string_view code) noexcept {
  for (int r = 0; r < kSpamRuleCount; ++r) {
    if (kRules[r].code == code) return static_cast<SpamRule>(r);
  }
  return std::nullopt;
}

std::array<double, kSpamRuleCount> SpamRuleOptions::default_weights() {
  std::array<double, kSpamRuleCount> w{};
  for (int r = 0; r < kSpamRuleCount; ++r) w[static_cast<std::size_t>(r)] = kRules[r].weight;
  return w;
}
std::array<double, kSpamRuleGroupCount> SpamRuleOptions::default_group_caps() {
  std::array<double, kSpamRuleGroupCount> c{};
  for (int g = 0; g < kSpamRuleGroupCount; ++g) c[static_cast<std::size_t>(g)] = kGroupCaps[g];
  return c;
}

void SpamRuleOptions::validate() const {
  auto fail = [](const std::string& what) { throw Error(ErrorCode::kInvalidArgument, "SpamRuleOptions." + what); };
  for (int r = 0; r < kSpamRuleCount; ++r) {
    const double w = weights[static_cast<std::size_t>(r)];
    if (!std::isfinite(w) || w < 0 || w > 20) fail("weights[" + std::string(kRules[r].code) + "] must be in [0, 20]");
  }
  for (int g = 0; g < kSpamRuleGroupCount; ++g) {
    const double c = group_caps[static_cast<std::size_t>(g)];
    if (!std::isfinite(c) || c < 0 || c > 50) fail("group_caps[" + std::string(kGroupNames[g]) + "] must be in [0, 50]");
  }
  auto share = [&](double v, const char* name) {
    if (!(v > 0.0 && v <= 1.0)) fail(std::string(name) + " must be in (0, 1]");
  };
  share(all_caps_share, "all_caps_share");
  share(emoji_flood_share, "emoji_flood_share");
  share(gibberish_share, "gibberish_share");
  share(rejected_share, "rejected_share");
  if (!(low_entropy_bits >= 0.0 && low_entropy_bits <= 8.0)) fail("low_entropy_bits must be in [0, 8]");
  if (emoji_flood_count == 0 || lure_saturation == 0 || near_duplicate_min == 0 || flood_min_reports == 0 ||
      rejected_min_judged == 0) {
    fail("emoji_flood_count, lure_saturation, near_duplicate_min, flood_min_reports and rejected_min_judged must be > 0");
  }
  if (near_duplicate_saturation < near_duplicate_min) fail("near_duplicate_saturation must be >= near_duplicate_min");
  if (flood_saturation < flood_min_reports) fail("flood_saturation must be >= flood_min_reports");
}

std::size_t count_urls(std::string_view s, std::string* first) {
  std::size_t count = 0;
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const bool boundary = i == 0 || !(is_alnum(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '.' || s[i - 1] == '-');
    if (!boundary || !is_alnum(c)) {
      ++i;
      continue;
    }
    if (starts_with_at(s, i, "http://") || starts_with_at(s, i, "https://") || starts_with_at(s, i, "www.")) {
      const std::size_t e = span_to_space(s, i);
      keep_first(first, s, i, e);
      ++count;
      i = e;
      continue;
    }
    // A run of [a-z0-9.-]; it is a host when one of its dots is followed by a known TLD that ends
    // the run (or is followed by '/' or ':').
    std::size_t e = i;
    while (e < n && (is_alnum(static_cast<unsigned char>(s[e])) || s[e] == '.' || s[e] == '-')) ++e;
    std::size_t end = e;
    while (end > i && s[end - 1] == '.') --end;  // a sentence's full stop
    const bool path = end < n && (s[end] == '/' || s[end] == ':');
    bool host = false;
    const std::size_t dot = s.substr(i, end - i).rfind('.');
    if (dot != std::string_view::npos && dot > 0) {
      const std::string_view tld = s.substr(i + dot + 1, end - (i + dot + 1));
      std::size_t label_start = s.substr(i, dot).rfind('.');
      label_start = label_start == std::string_view::npos ? 0 : label_start + 1;
      const std::size_t label_len = dot - label_start;
      bool letters_in_label = false;
      for (std::size_t k = i + label_start; k < i + dot; ++k) letters_in_label |= is_letter(static_cast<unsigned char>(s[k]));
      for (std::string_view t : kTlds) {
        if (tld == t && letters_in_label) {
          host = path || (t.size() == 2 ? label_len >= 3 : label_len >= 2);
          break;
        }
      }
    }
    if (host) {
      const std::size_t stop = path ? span_to_space(s, end) : end;
      keep_first(first, s, i, stop);
      ++count;
      i = stop;
    } else {
      i = e;
    }
  }
  return count;
}

std::size_t count_whatsapp_links(std::string_view s, std::string* first) {
  constexpr std::string_view kPatterns[] = {"chat.whatsapp.com", "api.whatsapp.com", "wa.me/", "wa.link/",
                                            "whatsapp.com/"};
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size();) {
    bool hit = false;
    if (s[i] == 'c' || s[i] == 'a' || s[i] == 'w') {
      for (std::string_view p : kPatterns) {
        if (starts_with_at(s, i, p)) {
          const std::size_t e = span_to_space(s, i);
          keep_first(first, s, i, e);
          ++count;
          i = e;
          hit = true;
          break;
        }
      }
    }
    if (!hit) ++i;
  }
  return count;
}

std::size_t count_phone_numbers(std::string_view s, std::string* first) {
  std::size_t count = 0;
  const std::size_t n = s.size();
  std::size_t i = 0;
  char digits[32];
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const bool start = (is_digit(c) || (c == '+' && i + 1 < n && is_digit(static_cast<unsigned char>(s[i + 1])))) &&
                       (i == 0 || !is_alnum(static_cast<unsigned char>(s[i - 1])));
    if (!start) {
      ++i;
      continue;
    }
    // Digits with single separators between them: "0812-3456 7890", "+62 812.3456.7890".
    std::size_t nd = 0, e = c == '+' ? i + 1 : i;
    std::size_t last_digit_end = e;
    while (e < n) {
      const unsigned char d = static_cast<unsigned char>(s[e]);
      if (is_digit(d)) {
        if (nd < sizeof digits) digits[nd] = static_cast<char>(d);
        ++nd;
        ++e;
        last_digit_end = e;
      } else if ((d == ' ' || d == '-' || d == '.' || d == '(' || d == ')') && e + 1 < n &&
                 is_digit(static_cast<unsigned char>(s[e + 1])) && nd > 0) {
        ++e;
      } else {
        break;
      }
    }
    const bool followed_by_letter = last_digit_end < n && is_letter(static_cast<unsigned char>(s[last_digit_end]));
    const std::string_view d(digits, std::min(nd, sizeof digits));
    bool phone = false;
    if (!followed_by_letter) {
      if (d.substr(0, 2) == "08") phone = nd >= 10 && nd <= 13;
      else if (d.substr(0, 3) == "628") phone = nd >= 11 && nd <= 14;
      else if (d.substr(0, 2) == "02" || d.substr(0, 2) == "03" || d.substr(0, 2) == "04" || d.substr(0, 2) == "05" ||
               d.substr(0, 2) == "06" || d.substr(0, 2) == "07")
        phone = nd >= 9 && nd <= 12;
    }
    if (phone) {
      ++count;
      keep_first(first, s, i, last_digit_end);
    }
    i = last_digit_end > i ? last_digit_end : i + 1;
  }
  return count;
}

std::size_t count_money_amounts(std::string_view s, std::string* first) {
  std::size_t count = 0;
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const bool boundary = i == 0 || !is_alnum(static_cast<unsigned char>(s[i - 1]));
    if (boundary && c == 'r' && i + 1 < n && s[i + 1] == 'p') {
      // "rp50.000", "rp 50.000", "rp. 50rb", "rp:50"
      std::size_t e = i + 2;
      while (e < n && (s[e] == ' ' || s[e] == '.' || s[e] == ':') && e < i + 5) ++e;
      if (e < n && is_digit(static_cast<unsigned char>(s[e]))) {
        std::size_t f = e;
        while (f < n && (is_digit(static_cast<unsigned char>(s[f])) || s[f] == '.' || s[f] == ',')) ++f;
        while (f < n && is_letter(static_cast<unsigned char>(s[f]))) ++f;  // "rp50rb"
        keep_first(first, s, i, f);
        ++count;
        i = f;
        continue;
      }
      i += 2;
      continue;
    }
    if (boundary && is_digit(c) && c != '0') {
      std::size_t e = i, groups = 0;
      while (e < n && is_digit(static_cast<unsigned char>(s[e]))) ++e;
      const std::size_t lead = e - i;
      // Thousands groups: "50.000", "1,500,000".
      while (e + 3 < n && (s[e] == '.' || s[e] == ',') && is_digit(static_cast<unsigned char>(s[e + 1])) &&
             is_digit(static_cast<unsigned char>(s[e + 2])) && is_digit(static_cast<unsigned char>(s[e + 3])) &&
             (e + 4 >= n || !is_digit(static_cast<unsigned char>(s[e + 4])))) {
        e += 4;
        ++groups;
      }
      std::size_t u = e;
      if (u < n && s[u] == ' ') ++u;
      std::size_t ue = u;
      while (ue < n && is_letter(static_cast<unsigned char>(s[ue]))) ++ue;
      const std::string_view unit = s.substr(u, ue - u);
      const bool money_unit = unit == "rb" || unit == "ribu" || unit == "k" || unit == "jt" || unit == "juta" ||
                              unit == "rbu" || unit == "jta" || unit == "m" || unit == "miliar" || unit == "rp";
      if (money_unit && (ue == n || !is_alnum(static_cast<unsigned char>(s[ue])))) {
        keep_first(first, s, i, ue);
        ++count;
        i = ue;
        continue;
      }
      if (groups > 0 && lead <= 3) {
        keep_first(first, s, i, e);
        ++count;
      }
      i = e > i ? e : i + 1;
      continue;
    }
    ++i;
  }
  return count;
}

namespace {

// Row and column of each letter on a QWERTY keyboard, for "keys in sequence along one row".
struct KeyPos {
  std::int8_t row, col;
};
constexpr std::array<KeyPos, 26> make_key_table() {
  std::array<KeyPos, 26> t{};
  constexpr std::string_view rows[] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
  for (int r = 0; r < 3; ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      t[static_cast<std::size_t>(rows[r][c] - 'a')] = {static_cast<std::int8_t>(r), static_cast<std::int8_t>(c)};
    }
  }
  return t;
}
constexpr std::array<KeyPos, 26> kKeys = make_key_table();

bool looks_gibberish(std::string_view w) {
  if (w.size() < 5) return false;
  std::size_t vowels = 0, run = 0, max_run = 0, key_run = 1, max_key_run = 1;
  int prev_row = -1, prev_pos = -100;
  for (char ch : w) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (is_vowel(c) || c == 'y') {
      ++vowels;
      run = 0;
    } else {
      max_run = std::max(max_run, ++run);
    }
    int row = -1, pos = -100;
    if (is_letter(c)) {
      row = kKeys[c - 'a'].row;
      pos = kKeys[c - 'a'].col;
    }
    if (row >= 0 && row == prev_row && std::abs(pos - prev_pos) == 1) {
      max_key_run = std::max(max_key_run, ++key_run);
    } else {
      key_run = 1;
    }
    prev_row = row;
    prev_pos = pos;
  }
  const double vowel_share = static_cast<double>(vowels) / static_cast<double>(w.size());
  return vowel_share < 0.2 || max_run >= 5 || max_key_run >= 4 || (w.size() >= 8 && vowel_share > 0.8);
}

}  // namespace

double gibberish_share(const NormalizedText& text, double low_entropy_bits) {
  std::size_t words = 0, gibberish = 0, letters = 0;
  std::size_t freq[26] = {};
  for (std::size_t t = 0; t < text.tokens.size(); ++t) {
    const std::string_view w = text.token(t);
    bool all_letters = !w.empty();
    for (char ch : w) {
      const unsigned char c = static_cast<unsigned char>(ch);
      if (is_letter(c)) {
        ++freq[c - 'a'];
        ++letters;
      } else {
        all_letters = false;
      }
    }
    if (!all_letters || w.size() < 3) continue;
    ++words;
    if (looks_gibberish(w)) ++gibberish;
  }
  // Very low character entropy over enough letters: "hahahahaha", "wkwkwkwkwk", "aaaa bbbb".
  if (letters >= 16) {
    // H = log2 N - (1/N) sum f log2 f, with f log2 f from a table for the usual small counts.
    static const std::array<double, 256> flogf = [] {
      std::array<double, 256> t{};
      for (std::size_t f = 1; f < t.size(); ++f) t[f] = static_cast<double>(f) * std::log2(static_cast<double>(f));
      return t;
    }();
    double sum = 0;
    for (std::size_t f : freq) sum += f < flogf.size() ? flogf[f] : static_cast<double>(f) * std::log2(static_cast<double>(f));
    const double n = static_cast<double>(letters);
    const double h = std::log2(n) - sum / n;
    if (h < low_entropy_bits) return 1.0;
  }
  return words == 0 ? 0.0 : static_cast<double>(gibberish) / static_cast<double>(words);
}

void evaluate_spam_rules(const NormalizedText& text, const SpamContext& ctx, const SpamRuleOptions& o,
                         const SpamLexicons& lexicons, bool explain, SpamRuleResult& out) {
  out.strength.fill(0.0f);
  out.hits.clear();
  out.text_log_odds = 0.0;
  out.context_log_odds = 0.0;
  std::array<std::string, kSpamRuleCount> detail;
  auto fire = [&](SpamRule r, double strength, std::string d) {
    strength = std::clamp(strength, 0.0, 1.0);
    if (strength <= 0.0) return;
    out.strength[static_cast<std::size_t>(r)] = static_cast<float>(strength);
    if (explain) detail[static_cast<std::size_t>(r)] = std::move(d);
  };
  const TextStats& st = text.stats;
  const std::string_view folded = text.folded;
  std::string first;
  std::string* fp = explain ? &first : nullptr;

  // Links and contacts. Every link has a dot and every phone number 9+ digits, so most report
  // text skips these scanners.
  const bool has_dot = folded.find('.') != std::string_view::npos;
  if (const std::size_t k = has_dot ? count_whatsapp_links(folded, fp) : 0) {
    fire(SpamRule::kWhatsappLink, 1.0, explain ? std::to_string(k) + " WhatsApp link(s): " + first : "");
  }
  first.clear();
  if (const std::size_t k = has_dot ? count_urls(folded, fp) : 0) {
    fire(SpamRule::kUrl, std::min(1.0, 0.5 + 0.25 * static_cast<double>(k)), explain ? std::to_string(k) + " link(s): " + first : "");
  }
  first.clear();
  if (const std::size_t k = st.digits >= 9 ? count_phone_numbers(folded, fp) : 0) {
    if (explain && first.size() > 4) first = first.substr(0, 4) + "...";  // a number is personal data
    fire(SpamRule::kPhone, std::min(1.0, 0.75 + 0.25 * static_cast<double>(k - 1)), explain ? std::to_string(k) + " phone number(s): " + first : "");
  }

  // Lexicon words (and two-word phrases), counted over the normalised tokens.
  const detail::LexiconData& lex = lexicons.data();
  std::size_t promo = 0, money = 0, abuse = 0;
  std::string promo_words, money_words, abuse_words;
  auto note = [&](std::string& list, std::size_t count, std::string_view w) {
    if (explain && count <= 4) list.append(list.empty() ? "" : ", ").append(w);
  };
  const std::size_t nt = text.tokens.size();
  for (std::size_t t = 0; t < nt; ++t) {
    const detail::LexiconEntry* e = lex.find(text.tokens[t].hash);
    if (e == nullptr) continue;
    std::uint8_t flags = e->flags;
    std::string_view term = text.token(t);
    if ((flags & SpamLexicons::kPhraseStart) && t + 1 < nt) {
      std::uint64_t h = detail::fnv_step(text.tokens[t].hash, ' ');
      h = detail::fnv_continue(h, text.normalized.data() + text.tokens[t + 1].offset, text.tokens[t + 1].length);
      if (const detail::LexiconEntry* p = lex.find(h)) {
        flags |= p->flags;
        term = std::string_view(text.normalized).substr(text.tokens[t].offset,
                                                        text.tokens[t + 1].offset + text.tokens[t + 1].length - text.tokens[t].offset);
      }
    }
    if (flags & SpamLexicons::kPromo) note(promo_words, ++promo, term);
    if (flags & SpamLexicons::kMoney) note(money_words, ++money, term);
    if (flags & SpamLexicons::kAbuse) note(abuse_words, ++abuse, term);
  }
  first.clear();
  const std::size_t amounts = st.digits > 0 ? count_money_amounts(folded, fp) : 0;
  if (amounts > 0 && explain) note(money_words, money + 1, first);
  money += amounts;
  const double sat = static_cast<double>(o.lure_saturation);
  if (promo > 0) fire(SpamRule::kPromoWords, static_cast<double>(promo) / sat, explain ? std::to_string(promo) + " promotion word(s): " + promo_words : "");
  if (money > 0) fire(SpamRule::kMoneyWords, static_cast<double>(money) / sat, explain ? std::to_string(money) + " money word(s) or amount(s): " + money_words : "");
  if (abuse > 0) fire(SpamRule::kAbuse, 0.5 * static_cast<double>(abuse), explain ? std::to_string(abuse) + " abusive word(s): " + abuse_words : "");

  // Style.
  if (st.letters >= o.all_caps_min_letters) {
    const double share = static_cast<double>(st.upper_letters) / static_cast<double>(st.letters);
    if (share >= o.all_caps_share) fire(SpamRule::kAllCaps, share, explain ? std::to_string(static_cast<int>(share * 100 + 0.5)) + "% of letters upper case" : "");
  }
  if (st.emoji >= o.emoji_flood_count ||
      (st.emoji >= 3 && static_cast<double>(st.emoji) >= o.emoji_flood_share * static_cast<double>(st.codepoints))) {
    fire(SpamRule::kEmojiFlood, static_cast<double>(st.emoji) / (2.0 * static_cast<double>(o.emoji_flood_count)),
         explain ? std::to_string(st.emoji) + " emoji in " + std::to_string(st.codepoints) + " characters" : "");
  }

  // Quality.
  std::size_t alnum = 0;
  for (const TextToken& t : text.tokens) alnum += t.length;
  if (alnum == 0) {
    fire(SpamRule::kEmptyText, 1.0, explain ? (st.input_bytes == 0 ? "no text" : "no letters or digits") : "");
  } else if (alnum < o.short_text_chars) {
    fire(SpamRule::kShortText, 1.0 - static_cast<double>(alnum) / static_cast<double>(o.short_text_chars),
         explain ? std::to_string(alnum) + " letters and digits" : "");
  }
  if (alnum > 0) {
    const double g = gibberish_share(text, o.low_entropy_bits);
    if (g >= o.gibberish_share) fire(SpamRule::kGibberish, g, explain ? std::to_string(static_cast<int>(g * 100 + 0.5)) + "% of words look like keyboard mashing" : "");
  }

  // Input problems.
  if (st.truncated) fire(SpamRule::kTextTruncated, 1.0, explain ? "text of " + std::to_string(st.input_bytes) + " bytes cut to " + std::to_string(text.folded.size()) : "");
  if (const std::size_t bad = st.invalid_utf8 + st.control_chars) {
    const double share = static_cast<double>(bad) / static_cast<double>(std::max<std::size_t>(1, st.codepoints));
    fire(SpamRule::kInvalidUtf8, std::max(0.25, std::min(1.0, 4.0 * share)),
         explain ? std::to_string(st.invalid_utf8) + " invalid UTF-8 sequence(s), " + std::to_string(st.control_chars) + " control character(s)" : "");
  }

  // Context.
  auto log_scale = [](std::size_t n, std::size_t saturation) {
    return std::min(1.0, std::log1p(static_cast<double>(n)) / std::log1p(static_cast<double>(saturation)));
  };
  if (ctx.near_duplicates >= o.near_duplicate_min) {
    fire(SpamRule::kNearDuplicateText, log_scale(ctx.near_duplicates, o.near_duplicate_saturation),
         explain ? "text nearly identical to " + std::to_string(ctx.near_duplicates) + " earlier report(s)" : "");
  }
  if (ctx.reporter_recent >= o.flood_min_reports) {
    fire(SpamRule::kReporterFlood, log_scale(ctx.reporter_recent, o.flood_saturation),
         explain ? std::to_string(ctx.reporter_recent) + " reports by this reporter in the flood window" : "");
  }
  if (ctx.reporter_judged >= o.rejected_min_judged && ctx.reporter_rejected <= ctx.reporter_judged) {
    const double share = static_cast<double>(ctx.reporter_rejected) / static_cast<double>(ctx.reporter_judged);
    if (share >= o.rejected_share) {
      fire(SpamRule::kReporterRejectedHistory, share,
           explain ? std::to_string(ctx.reporter_rejected) + " of " + std::to_string(ctx.reporter_judged) + " earlier reports rejected" : "");
    }
  }

  // Weights and group caps: a group's sum above its cap is scaled down pro rata.
  std::array<double, kSpamRuleGroupCount> sum{};
  for (int r = 0; r < kSpamRuleCount; ++r) {
    sum[static_cast<std::size_t>(kRules[r].group)] += o.weights[static_cast<std::size_t>(r)] * out.strength[static_cast<std::size_t>(r)];
  }
  for (int r = 0; r < kSpamRuleCount; ++r) {
    const float s = out.strength[static_cast<std::size_t>(r)];
    if (s <= 0.0f) continue;
    const std::size_t g = static_cast<std::size_t>(kRules[r].group);
    double c = o.weights[static_cast<std::size_t>(r)] * s;
    if (sum[g] > o.group_caps[g]) c *= o.group_caps[g] / sum[g];
    (is_context_rule(static_cast<SpamRule>(r)) ? out.context_log_odds : out.text_log_odds) += c;
    out.hits.push_back({static_cast<SpamRule>(r), s, c, std::move(detail[static_cast<std::size_t>(r)])});
  }
}

SpamRuleResult evaluate_spam_rules(const NormalizedText& text, const SpamContext& context,
                                   const SpamRuleOptions& options, const SpamLexicons& lexicons, bool explain) {
  SpamRuleResult out;
  evaluate_spam_rules(text, context, options, lexicons, explain, out);
  return out;
}

}  // namespace saring
