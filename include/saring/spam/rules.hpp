// Named spam rules ("symbols", as in rspamd and SpamAssassin): each has a stable code, a group, a
// weight in log-odds, and each group a cap so that one kind of evidence (say, three different
// links) cannot dominate. Text rules look at the normalised text; context rules (near-duplicate
// text, reporter flood, rejected history) at facts the caller supplies from its state.
//
//   saring::NormalizedText t = saring::normalize_text(text);
//   saring::SpamRuleResult r = saring::evaluate_spam_rules(t, {}, saring::SpamRuleOptions{});
//   for (const auto& hit : r.hits) std::cout << saring::spam_rule_code(hit.rule) << '\n';
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "saring/spam/text.hpp"

namespace saring {

enum class SpamRule : int {
  kUrl,
  kPhone,
  kWhatsappLink,
  kPromoWords,
  kMoneyWords,
  kAllCaps,
  kEmptyText,
  kShortText,
  kGibberish,
  kAbuse,
  kEmojiFlood,
  kNearDuplicateText,
  kReporterFlood,
  kReporterRejectedHistory,
  kTextTruncated,
  kInvalidUtf8,
};
inline constexpr int kSpamRuleCount = 16;
// The first rule that depends on context rather than on the text alone.
inline constexpr SpamRule kFirstContextRule = SpamRule::kNearDuplicateText;

enum class SpamRuleGroup : int { kLink, kContact, kLure, kStyle, kQuality, kAbuse, kRepetition, kReporter, kInput };
inline constexpr int kSpamRuleGroupCount = 9;

std::string_view spam_rule_code(SpamRule rule) noexcept;        // "SPAM_URL"
SpamRuleGroup spam_rule_group(SpamRule rule) noexcept;
std::string_view spam_rule_group_name(SpamRuleGroup g) noexcept; // "link"
std::optional<SpamRule> parse_spam_rule_code(std::string_view code) noexcept;
bool is_context_rule(SpamRule rule) noexcept;

struct SpamRuleOptions {
  // Weight of each rule in log-odds, indexed by SpamRule (defaults in rules.cpp, see docs).
  std::array<double, kSpamRuleCount> weights = default_weights();
  // Cap on the summed contribution of each group, indexed by SpamRuleGroup.
  std::array<double, kSpamRuleGroupCount> group_caps = default_group_caps();

  std::size_t short_text_chars = 12;        // fewer letters+digits than this: SPAM_SHORT_TEXT
  std::size_t all_caps_min_letters = 10;    // SPAM_ALL_CAPS needs at least this many letters ...
  double all_caps_share = 0.7;              // ... and this share of them upper case
  std::size_t emoji_flood_count = 5;        // this many emoji, or ...
  double emoji_flood_share = 0.3;           // ... this share of code points (with >= 3 emoji)
  std::size_t lure_saturation = 3;          // promo/money hits at which strength reaches 1
  double gibberish_share = 0.5;             // share of gibberish words that fires SPAM_GIBBERISH
  double low_entropy_bits = 2.0;            // texts of >= 16 letters below this entropy are gibberish
  std::size_t near_duplicate_min = 2;       // this many earlier near-duplicates fire the rule
  std::size_t near_duplicate_saturation = 10;
  std::size_t flood_min_reports = 5;        // reports in the reporter's window that fire the flood rule
  std::size_t flood_saturation = 20;
  std::size_t rejected_min_judged = 3;      // judged reports before rejected history counts ...
  double rejected_share = 0.5;              // ... and the rejected share that fires it

  static std::array<double, kSpamRuleCount> default_weights();
  static std::array<double, kSpamRuleGroupCount> default_group_caps();
  void validate() const;  // throws Error(kInvalidArgument)
};

// Facts about a report's surroundings, gathered by the caller (see NearDuplicateTextIndex and
// ReporterState). All zero means "nothing known".
struct SpamContext {
  std::size_t near_duplicates = 0;    // earlier reports whose text near-duplicates this one
  std::size_t reporter_recent = 0;    // reports by the same reporter inside the flood window
  std::size_t reporter_judged = 0;    // the reporter's earlier reports that moderators judged
  std::size_t reporter_rejected = 0;  // ... and of those, rejected as spam
};

struct SpamRuleHit {
  SpamRule rule = SpamRule::kUrl;
  double strength = 0.0;      // how strongly the rule matched, in (0, 1]
  double contribution = 0.0;  // weight * strength after the group cap, log-odds
  std::string detail;         // what matched, for a moderator
};

struct SpamRuleResult {
  std::array<float, kSpamRuleCount> strength{};  // every rule's strength (0 when not fired)
  std::vector<SpamRuleHit> hits;                 // the fired rules, in SpamRule order
  double text_log_odds = 0.0;                    // capped sum over text rules
  double context_log_odds = 0.0;                 // capped sum over context rules
};

// Evaluates every rule. Never throws on content. `explain` = false skips building details.
SpamRuleResult evaluate_spam_rules(const NormalizedText& text, const SpamContext& context,
                                   const SpamRuleOptions& options,
                                   const SpamLexicons& lexicons = SpamLexicons::builtin(),
                                   bool explain = true);
void evaluate_spam_rules(const NormalizedText& text, const SpamContext& context,
                         const SpamRuleOptions& options, const SpamLexicons& lexicons, bool explain,
                         SpamRuleResult& out);

// Scanners the rules use, public for tests and other modules. Each counts matches in folded text.
std::size_t count_urls(std::string_view folded, std::string* first = nullptr);
std::size_t count_whatsapp_links(std::string_view folded, std::string* first = nullptr);
std::size_t count_phone_numbers(std::string_view folded, std::string* first = nullptr);
std::size_t count_money_amounts(std::string_view folded, std::string* first = nullptr);
// Share of a text's letter tokens that look like keyboard mashing (in [0, 1]).
double gibberish_share(const NormalizedText& text, double low_entropy_bits = 2.0);

}  // namespace saring
