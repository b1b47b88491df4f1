// Custom word lists end to end: a model trained with them keeps them, its file records their
// fingerprint, and loading it with other lists is a named error instead of silently off scores.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <string>

#include "saring/core/error.hpp"
#include "saring/spam/model.hpp"
#include "saring/spam/training.hpp"

namespace saring {
namespace {

namespace fs = std::filesystem;

LabeledTexts test_data() {
  return labeled_texts_from_csv(read_csv_file(std::string(SARING_TEST_DATA_DIR) + "/spam/reports_labeled.csv"), "text",
                                "label");
}

// "xq" is slang for "gratis" and "zorblat" a promo word: neither is in the built-in lists.
SpamLexicons custom_lists() {
  return SpamLexicons::from_text("xq\tgratis\n", "zorblat\nhadiah\n", "rekening\n", "bangsat\n");
}

ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::kInternal;  // "did not throw"
}

TEST(SpamLexiconModel, TrainedModelUsesAndRecordsItsLists) {
  const LabeledTexts d = test_data();
  SpamTrainOptions o;
  o.lexicons = custom_lists();
  const SpamModel m = SpamModel::train(d.texts, d.labels, o);
  EXPECT_EQ(m.lexicon_fingerprint(), o.lexicons.fingerprint());
  EXPECT_EQ(m.lexicons().fingerprint(), o.lexicons.fingerprint());
  // The model normalises with its own lists: "xq" is folded to "gratis" before any feature.
  EXPECT_DOUBLE_EQ(m.predict("pulsa xq"), m.predict("pulsa gratis"));
  const SpamModel builtin = SpamModel::train(d.texts, d.labels);
  EXPECT_NE(builtin.predict("pulsa xq"), builtin.predict("pulsa gratis"));
  // ... and so does score_spam with that model, whatever the score options' lists are.
  EXPECT_DOUBLE_EQ(score_spam("pulsa xq", {}, &m).probability, score_spam("pulsa gratis", {}, &m).probability);
}

TEST(SpamLexiconModel, LoadingWithOtherListsIsANamedError) {
  const LabeledTexts d = test_data();
  SpamTrainOptions o;
  o.lexicons = custom_lists();
  const SpamModel m = SpamModel::train(d.texts, d.labels, o);
  const std::string bytes = m.to_bytes();
  try {
    SpamModel::from_bytes(bytes);  // the built-in lists
    FAIL() << "loaded a model trained with other lists";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("other spam word lists"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("built-in"), std::string::npos) << e.what();
  }
  const SpamModel back = SpamModel::from_bytes(bytes, custom_lists());
  EXPECT_EQ(back.to_bytes(), bytes);
  EXPECT_DOUBLE_EQ(back.predict("pulsa xq"), m.predict("pulsa xq"));
  // The other way round: a built-in model refuses custom lists; the empty lists are lists too.
  const std::string builtin_bytes = SpamModel::train(d.texts, d.labels).to_bytes();
  EXPECT_EQ(code_of([&] { SpamModel::from_bytes(builtin_bytes, custom_lists()); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { SpamModel::from_bytes(builtin_bytes, SpamLexicons::empty()); }), ErrorCode::kInvalidArgument);
  EXPECT_NO_THROW(SpamModel::from_bytes(builtin_bytes));

  const std::string path = ::testing::TempDir() + "/lexicon_model_" + std::to_string(::getpid()) + ".model";
  m.save(path);
  EXPECT_EQ(code_of([&] { SpamModel::load(path); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(SpamModel::load(path, custom_lists()).to_bytes(), bytes);
  fs::remove(path);
}

TEST(SpamLexiconModel, ScoringWithoutModelUsesTheOptionsLists) {
  const std::string text = "ZORBLAT zorblat besar besaran untuk warga";
  SpamScoreOptions o;
  auto fired = [&](const SpamScore& s) {
    for (const SpamRuleHit& h : s.rules) {
      if (h.rule == SpamRule::kPromoWords) return true;
    }
    return false;
  };
  EXPECT_FALSE(fired(score_spam(text, {}, nullptr, o)));
  o.lexicons = custom_lists();
  EXPECT_TRUE(fired(score_spam(text, {}, nullptr, o)));
}

TEST(SpamLexiconModel, CrossValidationTrainsWithTheOptionsLists) {
  const LabeledTexts d = test_data();
  SpamTrainOptions o;
  o.lexicons = custom_lists();
  o.max_iterations = 10;
  const std::vector<double> with_custom = cross_validate_spam(d, 3, o);
  o.lexicons = SpamLexicons::builtin();
  EXPECT_NE(with_custom, cross_validate_spam(d, 3, o));
}

class LexiconDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("saring_lexdir_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write("slang_id.tsv", "xq\tgratis\n");
    write("promo_id.txt", "zorblat\n");
    write("money_id.txt", "# none\n");
    write("abuse_id.txt", "");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name, std::ios::binary) << text; }
  fs::path dir_;
};

TEST_F(LexiconDir, LoadsTheFourLists) {
  const SpamLexicons l = SpamLexicons::load_dir(dir_.string());
  EXPECT_EQ(l.fingerprint(), SpamLexicons::from_text("xq\tgratis\n", "zorblat\n", "# none\n", "").fingerprint());
  EXPECT_NE(l.fingerprint(), SpamLexicons::builtin().fingerprint());
  EXPECT_EQ(l.slang_size(), 1u);
  EXPECT_EQ(l.term_size(), 1u);
  EXPECT_EQ(l.slang("xq").value_or(""), "gratis");
}

TEST_F(LexiconDir, BrokenDirectoriesAreNamedErrors) {
  // Not a directory at all.
  try {
    SpamLexicons::load_dir((dir_ / "slang_id.tsv").string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_NE(std::string(e.what()).find("not a directory"), std::string::npos) << e.what();
  }
  // A list that is a directory would read as an empty list: refused.
  fs::remove(dir_ / "money_id.txt");
  fs::create_directory(dir_ / "money_id.txt");
  try {
    SpamLexicons::load_dir(dir_.string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_NE(std::string(e.what()).find("money_id.txt"), std::string::npos) << e.what();
  }
  fs::remove(dir_ / "money_id.txt");
  // A missing list names the file.
  try {
    SpamLexicons::load_dir(dir_.string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_NE(std::string(e.what()).find("money_id.txt"), std::string::npos) << e.what();
  }
  write("money_id.txt", "");
  // A malformed line names the directory, the list and the line.
  write("promo_id.txt", "zorblat\nsatu dua tiga\n");
  try {
    SpamLexicons::load_dir(dir_.string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kParse);
    const std::string what = e.what();
    EXPECT_NE(what.find(dir_.string()), std::string::npos) << what;
    EXPECT_NE(what.find("promo list line 2"), std::string::npos) << what;
  }
  write("promo_id.txt", "zorblat\n");
  write("slang_id.tsv", "xq gratis\n");
  EXPECT_EQ(code_of([&] { SpamLexicons::load_dir(dir_.string()); }), ErrorCode::kParse);
}

}  // namespace
}  // namespace saring
