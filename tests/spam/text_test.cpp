#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "saring/core/error.hpp"
#include "saring/spam/text.hpp"

namespace saring {
namespace {

TEST(NormalizeText, FoldsCaseSlangLeetAndStretchedLetters) {
  const NormalizedText t = normalize_text("GRATISSS pulsa 10rb, klik yg ini!! h4diah gk pr0m0");
  EXPECT_EQ(t.normalized, "gratis pulsa 10rb klik yang ini hadiah tidak promo");
  EXPECT_EQ(t.stats.upper_letters, 8u);
  EXPECT_EQ(t.stats.stretched_runs, 1u);
  EXPECT_EQ(t.stats.leet_folds, 3u);
  EXPECT_EQ(t.stats.slang_folds, 2u);
  ASSERT_EQ(t.tokens.size(), 9u);
  EXPECT_EQ(t.token(0), "gratis");
  EXPECT_EQ(t.tokens[0].hash, text_token_hash("gratis"));
}

TEST(NormalizeText, KeepsNumbersAndAmounts) {
  const NormalizedText t = normalize_text("Rp 50.000 atau 2jt b2b 112");
  EXPECT_EQ(t.normalized, "rp 50 000 atau 2jt b2b 112");
}

TEST(NormalizeText, StretchedWordNotInListKeepsTwoLetters) {
  EXPECT_EQ(normalize_text("mantaaaap").normalized, "mantaap");
  EXPECT_EQ(normalize_text("gratiiiiis").normalized, "gratis");  // listed promo word
}

TEST(NormalizeText, MultiWordSlangExpands) {
  const NormalizedText t = normalize_text("makasih ya");
  EXPECT_EQ(t.normalized, "terima kasih ya");
  EXPECT_EQ(t.tokens.size(), 3u);
}

TEST(NormalizeText, NfkcAndCaseFoldUnicode) {
  // Fullwidth letters, mathematical bold capitals and accents all fold to plain ASCII.
  const NormalizedText t = normalize_text("\xEF\xBC\xA7\xEF\xBC\xB2\xEF\xBC\xA1\xEF\xBC\xB4\xEF\xBC\xA9\xEF\xBC\xB3 "
                                          "\xF0\x9D\x90\x87\xF0\x9D\x90\x80\xF0\x9D\x90\x83 gr\xC3\xA1tis");
  EXPECT_EQ(t.normalized, "gratis had gratis");
  EXPECT_EQ(t.stats.upper_letters, 9u);
  EXPECT_EQ(t.stats.invalid_utf8, 0u);
}

TEST(NormalizeText, InvalidUtf8IsReplacedAndCounted) {
  const std::string bad = std::string("jalan \xC3\x28 rusak \xFF\xFE") + "\xE2\x82";  // bad 2-byte, 0xFF, truncated 3-byte
  const NormalizedText t = normalize_text(bad);
  EXPECT_EQ(t.stats.invalid_utf8, 5u);
  EXPECT_EQ(t.normalized, "jalan rusak");
  EXPECT_NE(t.folded.find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(NormalizeText, OverlongAndSurrogatesAreInvalid) {
  EXPECT_EQ(normalize_text("\xC0\xAF").stats.invalid_utf8, 2u);          // overlong '/'
  EXPECT_EQ(normalize_text("\xED\xA0\x80").stats.invalid_utf8, 3u);      // U+D800
  EXPECT_EQ(normalize_text("\xF4\x90\x80\x80").stats.invalid_utf8, 4u);  // > U+10FFFF
}

TEST(NormalizeText, BinaryInputIsFlaggedNotThrown) {
  std::string bin;
  for (int i = 0; i < 256; ++i) bin.push_back(static_cast<char>(i));
  const NormalizedText t = normalize_text(bin);
  EXPECT_GT(t.stats.control_chars, 20u);
  EXPECT_GT(t.stats.invalid_utf8, 100u);
}

TEST(NormalizeText, LongTextIsCutAtCharacterBoundary) {
  TextNormalizeOptions o;
  o.max_bytes = 100;
  std::string s;
  for (int i = 0; i < 60; ++i) s += "\xC3\xA9";  // 'é', 2 bytes each
  s = "a" + s;                                 // makes the 100th byte the middle of a character
  const NormalizedText t = normalize_text(s, o);
  EXPECT_TRUE(t.stats.truncated);
  EXPECT_EQ(t.stats.input_bytes, 121u);
  EXPECT_EQ(t.stats.codepoints, 50u);  // 'a' + 49 full characters
  EXPECT_EQ(normalize_text("short", o).stats.truncated, false);
}

TEST(NormalizeText, EmojiCountedAndSeparateTokens) {
  const NormalizedText t = normalize_text("promo\xF0\x9F\x94\xA5\xF0\x9F\x94\xA5murah \xE2\x9C\xA8");
  EXPECT_EQ(t.stats.emoji, 3u);
  EXPECT_EQ(t.normalized, "promo murah");
}

TEST(NormalizeText, EmptyAndPunctuationOnly) {
  EXPECT_TRUE(normalize_text("").tokens.empty());
  const NormalizedText t = normalize_text("!!! ... ???");
  EXPECT_TRUE(t.tokens.empty());
  EXPECT_EQ(t.normalized, "");
}

TEST(NormalizeText, OptionsCanTurnFoldingOff) {
  TextNormalizeOptions o;
  o.apply_slang = false;
  o.fold_leetspeak = false;
  o.fold_repeats = false;
  EXPECT_EQ(normalize_text("yg h4diah gratiiis", o).normalized, "yg h4diah gratiiis");
  o.max_bytes = 3;
  EXPECT_THROW(o.validate(), Error);
}

TEST(NormalizeText, ReusedBufferGivesSameResult) {
  NormalizedText t;
  normalize_text("Pertama KALI dengan banyak kata", t);
  normalize_text("kedua", t);
  EXPECT_EQ(t.normalized, "kedua");
  EXPECT_EQ(t.tokens.size(), 1u);
  EXPECT_EQ(t.stats.upper_letters, 0u);
}

TEST(SpamLexicons, BuiltinMatchesDataFiles) {
  // The lists are compiled in from data/spam/; a stale build would disagree with the files.
  const std::string dir = std::string(SARING_TEST_DATA_DIR) + "/../../data/spam";
  const SpamLexicons files = SpamLexicons::load_dir(dir);
  EXPECT_EQ(files.fingerprint(), SpamLexicons::builtin().fingerprint());
  EXPECT_GT(SpamLexicons::builtin().slang_size(), 100u);
  EXPECT_GT(SpamLexicons::builtin().term_size(), 100u);
}

TEST(SpamLexicons, LooksUpTermsAndPhrases) {
  const SpamLexicons& lex = SpamLexicons::builtin();
  EXPECT_EQ(lex.slang("yg").value_or(""), "yang");
  EXPECT_FALSE(lex.slang("jalan").has_value());
  EXPECT_TRUE(lex.flags("hadiah") & SpamLexicons::kPromo);
  EXPECT_TRUE(lex.flags("rekening") & SpamLexicons::kMoney);
  EXPECT_TRUE(lex.flags("bangsat") & SpamLexicons::kAbuse);
  EXPECT_TRUE(lex.flags("tanpa jaminan") & SpamLexicons::kPromo);
  EXPECT_TRUE(lex.flags("tanpa") & SpamLexicons::kPhraseStart);
  EXPECT_EQ(lex.flags("sampah"), 0);
}

TEST(SpamLexicons, FromTextRejectsMalformedLines) {
  EXPECT_THROW(SpamLexicons::from_text("gk tidak\n", "", "", ""), Error);        // no tab
  EXPECT_THROW(SpamLexicons::from_text("gk\t\n", "", "", ""), Error);            // empty target
  EXPECT_THROW(SpamLexicons::from_text("", "satu dua tiga\n", "", ""), Error);  // three words
  try {
    SpamLexicons::from_text("# comment\nok\toke\nbad line\n", "", "", "");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kParse);
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos);
  }
  const SpamLexicons custom = SpamLexicons::from_text("jkt\tjakarta\n", "diskon\n", "", "kampret\n");
  EXPECT_EQ(normalize_text("JKT", {}, custom).normalized, "jakarta");
  EXPECT_TRUE(custom.flags("diskon") & SpamLexicons::kPromo);
  EXPECT_EQ(custom.flags("hadiah"), 0);
  EXPECT_NE(custom.fingerprint(), SpamLexicons::builtin().fingerprint());
}

TEST(SpamLexicons, LoadDirMissingFileIsIoError) {
  try {
    SpamLexicons::load_dir("/nonexistent/dir");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
  }
}

}  // namespace
}  // namespace saring
