#include <gtest/gtest.h>

#include <algorithm>

#include "saring/core/error.hpp"
#include "saring/spam/rules.hpp"

namespace saring {
namespace {

std::vector<std::string> fired(std::string_view text, const SpamContext& ctx = {}) {
  const SpamRuleResult r = evaluate_spam_rules(normalize_text(text), ctx, SpamRuleOptions{});
  std::vector<std::string> codes;
  for (const auto& h : r.hits) codes.emplace_back(spam_rule_code(h.rule));
  return codes;
}

bool has(const std::vector<std::string>& v, std::string_view code) {
  return std::find(v.begin(), v.end(), code) != v.end();
}

TEST(SpamRules, CodesRoundTrip) {
  for (int r = 0; r < kSpamRuleCount; ++r) {
    const auto rule = static_cast<SpamRule>(r);
    EXPECT_EQ(parse_spam_rule_code(spam_rule_code(rule)), rule);
  }
  EXPECT_FALSE(parse_spam_rule_code("SPAM_NOPE").has_value());
  EXPECT_EQ(spam_rule_code(SpamRule::kWhatsappLink), "SPAM_WHATSAPP_LINK");
  EXPECT_EQ(spam_rule_group_name(spam_rule_group(SpamRule::kUrl)), "link");
  EXPECT_TRUE(is_context_rule(SpamRule::kReporterFlood));
  EXPECT_FALSE(is_context_rule(SpamRule::kAbuse));
}

TEST(SpamScanners, Urls) {
  EXPECT_EQ(count_urls("klik https://contoh.com/x sekarang"), 1u);
  EXPECT_EQ(count_urls("buka www.promo.net atau bit.ly/abc"), 2u);
  EXPECT_EQ(count_urls("link s.id/hadiah dan tokoku.shop."), 2u);
  EXPECT_EQ(count_urls("jl.sudirman no.5 dll. s.d. 1.500.000"), 0u);
  EXPECT_EQ(count_urls("sdh.ga bisa"), 0u);
  std::string first;
  EXPECT_EQ(count_urls("cek bri-verif.com sekarang", &first), 1u);
  EXPECT_EQ(first, "bri-verif.com");
}

TEST(SpamScanners, WhatsappLinks) {
  EXPECT_EQ(count_whatsapp_links("chat wa.me/6281234 atau chat.whatsapp.com/abc"), 2u);
  EXPECT_EQ(count_whatsapp_links("hubungi via whatsapp saja"), 0u);
}

TEST(SpamScanners, PhoneNumbers) {
  EXPECT_EQ(count_phone_numbers("hub 0812-3456-7890 atau +62 812 3456 7890"), 2u);
  EXPECT_EQ(count_phone_numbers("telp 021 5551234"), 1u);
  EXPECT_EQ(count_phone_numbers("rp 1.500.000 jam 08.30 tgl 2026 no 12"), 0u);
  EXPECT_EQ(count_phone_numbers("kode 08123456789012345678"), 0u);  // too long
}

TEST(SpamScanners, MoneyAmounts) {
  EXPECT_EQ(count_money_amounts("rp 50.000 dan rp.100rb"), 2u);
  EXPECT_EQ(count_money_amounts("cuma 20rb atau 2 jt"), 2u);
  EXPECT_EQ(count_money_amounts("harga 1,500,000"), 1u);
  EXPECT_EQ(count_money_amounts("rt 04 rw 05 no 12 jam 10"), 0u);
}

TEST(SpamRules, PromoScamFiresLinkContactAndLure) {
  const auto codes = fired("SELAMAT! Anda menang hadiah Rp 50.000.000, hub 0812-3456-7890 atau klik bit.ly/hadiah");
  EXPECT_TRUE(has(codes, "SPAM_URL"));
  EXPECT_TRUE(has(codes, "SPAM_PHONE"));
  EXPECT_TRUE(has(codes, "SPAM_PROMO_WORDS"));
  EXPECT_TRUE(has(codes, "SPAM_MONEY_WORDS"));
  EXPECT_FALSE(has(codes, "SPAM_GIBBERISH"));
}

TEST(SpamRules, NormalReportFiresNothing) {
  EXPECT_TRUE(fired("Jalan rusak parah di depan sekolah, lubangnya dalam dan sudah ada motor jatuh").empty());
  EXPECT_TRUE(fired("Sampah menumpuk di pinggir kali dekat pasar sudah tiga hari").empty());
}

TEST(SpamRules, StyleAndQuality) {
  EXPECT_TRUE(has(fired("JALAN RUSAK PARAH TOLONG DIPERBAIKI SEGERA"), "SPAM_ALL_CAPS"));
  EXPECT_TRUE(has(fired(""), "SPAM_EMPTY_TEXT"));
  EXPECT_TRUE(has(fired("?!?! ..."), "SPAM_EMPTY_TEXT"));
  EXPECT_TRUE(has(fired("ok"), "SPAM_SHORT_TEXT"));
  EXPECT_TRUE(has(fired("asdfghjkl qwertyuiop"), "SPAM_GIBBERISH"));
  EXPECT_TRUE(has(fired("hahahahahahahahahahaha"), "SPAM_GIBBERISH"));
  EXPECT_FALSE(has(fired("struktur jembatan retak di kelurahan"), "SPAM_GIBBERISH"));
  EXPECT_TRUE(has(fired("promo \xF0\x9F\x94\xA5\xF0\x9F\x94\xA5\xF0\x9F\x94\xA5\xF0\x9F\x94\xA5\xF0\x9F\x94\xA5\xF0\x9F\x94\xA5"),
                  "SPAM_EMOJI_FLOOD"));
}

TEST(SpamRules, AbuseAfterFolding) {
  EXPECT_TRUE(has(fired("dasar b4ngs4t petugasnya"), "SPAM_ABUSE"));
  EXPECT_TRUE(has(fired("GOBLOOOK semua"), "SPAM_ABUSE"));
  EXPECT_FALSE(has(fired("petugas datang cepat terima kasih"), "SPAM_ABUSE"));
}

TEST(SpamRules, InputProblems) {
  TextNormalizeOptions o;
  o.max_bytes = 32;
  const NormalizedText t = normalize_text(std::string(100, 'a') + " jalan", o);
  const SpamRuleResult r = evaluate_spam_rules(t, {}, SpamRuleOptions{});
  EXPECT_GT(r.strength[static_cast<int>(SpamRule::kTextTruncated)], 0.0f);
  EXPECT_TRUE(has(fired("jalan rusak \xFF\xFE parah"), "SPAM_INVALID_UTF8"));
  EXPECT_TRUE(has(fired(std::string("jalan\0\x01\x02 rusak", 14)), "SPAM_INVALID_UTF8"));
}

TEST(SpamRules, ContextRules) {
  SpamContext ctx;
  ctx.near_duplicates = 5;
  ctx.reporter_recent = 12;
  ctx.reporter_judged = 10;
  ctx.reporter_rejected = 8;
  const SpamRuleResult r = evaluate_spam_rules(normalize_text("jalan rusak di depan pasar"), ctx, SpamRuleOptions{});
  std::vector<std::string> codes;
  for (const auto& h : r.hits) codes.emplace_back(spam_rule_code(h.rule));
  EXPECT_TRUE(has(codes, "SPAM_NEAR_DUPLICATE_TEXT"));
  EXPECT_TRUE(has(codes, "SPAM_REPORTER_FLOOD"));
  EXPECT_TRUE(has(codes, "SPAM_REPORTER_REJECTED_HISTORY"));
  EXPECT_GT(r.context_log_odds, 0.0);
  EXPECT_EQ(r.text_log_odds, 0.0);
  ctx.reporter_rejected = 2;  // 20% rejected: below the share
  ctx.reporter_recent = 2;
  ctx.near_duplicates = 1;
  EXPECT_TRUE(evaluate_spam_rules(normalize_text("jalan rusak di depan pasar"), ctx, SpamRuleOptions{}).hits.empty());
}

TEST(SpamRules, GroupCapLimitsContribution) {
  SpamRuleOptions o;
  o.group_caps[static_cast<int>(SpamRuleGroup::kLink)] = 1.0;
  const SpamRuleResult r =
      evaluate_spam_rules(normalize_text("wa.me/628123 dan bit.ly/x dan www.a.com"), {}, o);
  double link = 0;
  for (const auto& h : r.hits) {
    if (spam_rule_group(h.rule) == SpamRuleGroup::kLink) link += h.contribution;
  }
  EXPECT_NEAR(link, 1.0, 1e-9);
  EXPECT_NEAR(r.text_log_odds, 1.0, 1e-9);
}

TEST(SpamRules, ExplainOffLeavesDetailsEmpty) {
  const SpamRuleResult r = evaluate_spam_rules(normalize_text("klik bit.ly/x"), {}, SpamRuleOptions{},
                                               SpamLexicons::builtin(), false);
  ASSERT_FALSE(r.hits.empty());
  for (const auto& h : r.hits) EXPECT_TRUE(h.detail.empty());
}

TEST(SpamRules, OptionsValidate) {
  SpamRuleOptions o;
  o.validate();
  o.weights[0] = -1;
  EXPECT_THROW(o.validate(), Error);
  o = SpamRuleOptions{};
  o.all_caps_share = 1.5;
  EXPECT_THROW(o.validate(), Error);
  o = SpamRuleOptions{};
  o.flood_saturation = 1;
  EXPECT_THROW(o.validate(), Error);
}

}  // namespace
}  // namespace saring
