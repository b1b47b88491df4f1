#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "saring/core/error.hpp"
#include "saring/spam/metrics.hpp"
#include "saring/spam/model.hpp"
#include "saring/spam/training.hpp"

namespace saring {
namespace {

LabeledTexts test_data() {
  return labeled_texts_from_csv(read_csv_file(std::string(SARING_TEST_DATA_DIR) + "/spam/reports_labeled.csv"), "text",
                                "label");
}

const SpamModel& trained() {
  static const SpamModel m = [] {
    const LabeledTexts d = test_data();
    return SpamModel::train(d.texts, d.labels);
  }();
  return m;
}

TEST(SpamModel, LearnsTheTrainingSet) {
  const LabeledTexts d = test_data();
  ASSERT_EQ(d.texts.size(), 60u);
  std::vector<double> p;
  for (const auto& t : d.texts) p.push_back(trained().predict(t));
  const BinaryMetrics m = binary_metrics(d.labels, p);
  EXPECT_GT(m.roc_auc, 0.99);
  EXPECT_GT(m.f1, 0.9);
}

TEST(SpamModel, GeneralisesToUnseenTexts) {
  // Written for this test, not in the training file.
  EXPECT_GT(trained().predict("Promo gratis pulsa 100rb klik link ini sekarang juga"), 0.5);
  EXPECT_GT(trained().predict("Selamat anda menang undian hadiah transfer biaya admin ke rekening"), 0.5);
  EXPECT_LT(trained().predict("Jalan berlubang di depan kantor kelurahan belum diperbaiki"), 0.5);
  EXPECT_LT(trained().predict("Sampah menumpuk di saluran air dekat sekolah"), 0.5);
}

TEST(SpamModel, CrossValidationOnSmallSetSeparatesClasses) {
  const LabeledTexts d = test_data();
  const std::vector<double> p = cross_validate_spam(d, 5);
  EXPECT_GT(roc_auc(d.labels, p), 0.85);
}

TEST(SpamModel, TrainRejectsBadInput) {
  EXPECT_THROW(SpamModel::train({"a", "b"}, {1}), Error);
  EXPECT_THROW(SpamModel::train({"a", "b"}, {1, 1}), Error);
  EXPECT_THROW(SpamModel::train({"a", "b"}, {0, 2}), Error);
  SpamTrainOptions o;
  o.features.hash_bits = 30;
  EXPECT_THROW(SpamModel::train({"a", "b"}, {0, 1}, o), Error);
  o = SpamTrainOptions{};
  o.l2 = -1;
  EXPECT_THROW(o.validate(), Error);
}

TEST(SpamModel, TrainingIsDeterministic) {
  const LabeledTexts d = test_data();
  const SpamModel a = SpamModel::train(d.texts, d.labels);
  EXPECT_EQ(a.to_bytes(), trained().to_bytes());
}

TEST(SpamModel, BytesRoundTrip) {
  const std::string bytes = trained().to_bytes();
  const SpamModel back = SpamModel::from_bytes(bytes);
  EXPECT_EQ(back.to_bytes(), bytes);
  const std::string t = "Diskon besar hari ini klik bit.ly/x";
  EXPECT_DOUBLE_EQ(back.predict(t), trained().predict(t));
  EXPECT_EQ(back.features().hash_bits, trained().features().hash_bits);
  EXPECT_EQ(back.lexicon_fingerprint(), SpamLexicons::builtin().fingerprint());
}

TEST(SpamModel, SaveAndLoadFile) {
  const std::string path = ::testing::TempDir() + "/spam_model_test_" + std::to_string(::getpid()) + ".model";
  trained().save(path);
  const SpamModel m = SpamModel::load(path);
  EXPECT_EQ(m.to_bytes(), trained().to_bytes());
  std::remove(path.c_str());
  try {
    SpamModel::load(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
  }
}

TEST(SpamModel, CorruptFilesAreRejected) {
  const std::string bytes = trained().to_bytes();
  auto expect_corrupt = [](const std::string& b) {
    try {
      SpamModel::from_bytes(b);
      ADD_FAILURE() << "accepted corrupt model of " << b.size() << " bytes";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kCorrupt);
    }
  };
  expect_corrupt("");
  expect_corrupt("SARSPAM\n");
  expect_corrupt(bytes.substr(0, bytes.size() / 2));  // truncated
  expect_corrupt(bytes.substr(0, bytes.size() - 1));
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x40;  // one weight altered
  expect_corrupt(flipped);
  std::string magic = bytes;
  magic[0] = 'X';
  expect_corrupt(magic);
  std::string version = bytes;
  version[8] = 9;
  expect_corrupt(version);
  expect_corrupt(bytes + "extra");
}

TEST(SpamModel, OnlineUpdatesMoveTowardsTheLabel) {
  SpamModel m = trained();
  const std::string text = "Laporan banjir di kolam renang umum sudah surut";
  const double before = m.predict(text);
  for (int i = 0; i < 20; ++i) m.update(text, true, 0.5);
  EXPECT_GT(m.predict(text), before);
  EXPECT_GT(m.predict(text), 0.5);
  EXPECT_EQ(m.updates(), 20u);
  // The copy it came from is unchanged, and the update survives a save.
  EXPECT_DOUBLE_EQ(trained().predict(text), before);
  EXPECT_DOUBLE_EQ(SpamModel::from_bytes(m.to_bytes()).predict(text), m.predict(text));
  // A word never seen in training can be learned.
  SpamModel n = trained();
  const std::string novel = "zzyzx qoppa";
  const double p0 = n.predict(novel);
  for (int i = 0; i < 10; ++i) n.update(novel, false, 0.5);
  EXPECT_LT(n.predict(novel), p0);
  EXPECT_THROW(n.update(novel, false, 0.0), Error);
}

TEST(ScoreSpam, ReasonsCarryRulesAndNgrams) {
  const SpamScore s = score_spam("SELAMAT! Anda menang hadiah Rp 50.000.000 klik bit.ly/hadiah", {}, &trained());
  EXPECT_TRUE(s.model_used);
  EXPECT_GT(s.probability, 0.8);
  ASSERT_FALSE(s.ngrams.empty());
  EXPECT_LE(s.ngrams.size(), 5u);
  for (std::size_t i = 1; i < s.ngrams.size(); ++i) {
    EXPECT_GE(std::abs(s.ngrams[i - 1].log_odds), std::abs(s.ngrams[i].log_odds));
  }
  const std::vector<Reason> reasons = s.reasons();
  bool url = false, model = false;
  for (const Reason& r : reasons) {
    EXPECT_EQ(r.group, "spam");
    EXPECT_GE(r.score, 0.0);
    EXPECT_LE(r.score, 1.0);
    url |= r.code == "SPAM_URL";
    if (r.code == "SPAM_MODEL") {
      model = true;
      EXPECT_NE(r.detail.find("n-grams"), std::string::npos);
    }
  }
  EXPECT_TRUE(url);
  EXPECT_TRUE(model);
}

TEST(ScoreSpam, ContextAddsToTheModel) {
  const std::string text = "Jalan rusak di depan pasar induk belum diperbaiki";
  const SpamScore plain = score_spam(text, {}, &trained());
  SpamContext ctx;
  ctx.near_duplicates = 8;
  ctx.reporter_recent = 30;
  const SpamScore flagged = score_spam(text, ctx, &trained());
  EXPECT_GT(flagged.probability, plain.probability);
  EXPECT_GT(flagged.context_log_odds, 0.0);
  EXPECT_DOUBLE_EQ(flagged.model_log_odds, plain.model_log_odds);
}

TEST(ScoreSpam, RulesOnlyWithoutModel) {
  const SpamScore spam = score_spam("Promo gratis klik bit.ly/x hubungi wa.me/62812345678");
  const SpamScore ham = score_spam("Lampu jalan mati di gang mawar sejak kemarin malam");
  EXPECT_FALSE(spam.model_used);
  EXPECT_GT(spam.probability, 0.5);
  EXPECT_LT(ham.probability, 0.1);
  EXPECT_NEAR(ham.probability, 1.0 / (1.0 + std::exp(3.0)), 1e-12);  // base log-odds only
  EXPECT_TRUE(ham.reasons().empty());
}

TEST(ScoreSpam, BadInputIsScoredNotThrown) {
  std::string binary;
  for (int i = 0; i < 512; ++i) binary.push_back(static_cast<char>((i * 37) & 0xFF));
  const std::string huge(100000, 'x');
  for (const std::string& t : {std::string(), binary, huge, std::string("\xFF\xFE\xFD"), std::string(3, '\0')}) {
    for (const SpamModel* m : {static_cast<const SpamModel*>(nullptr), &trained()}) {
      const SpamScore s = score_spam(t, {}, m);
      EXPECT_TRUE(std::isfinite(s.probability));
      EXPECT_GE(s.probability, 0.0);
      EXPECT_LE(s.probability, 1.0);
    }
  }
  const SpamScore cut = score_spam(huge, {}, &trained());
  EXPECT_TRUE(cut.stats.truncated);
  bool flagged = false;
  for (const auto& h : cut.rules) flagged |= h.rule == SpamRule::kTextTruncated;
  EXPECT_TRUE(flagged);
  bool empty = false;
  for (const auto& h : score_spam("").rules) empty |= h.rule == SpamRule::kEmptyText;
  EXPECT_TRUE(empty);
}

TEST(ScoreSpam, UntrainedModelIsNeutral) {
  const SpamModel m;
  EXPECT_DOUBLE_EQ(m.predict("apa saja"), 0.5);
}

}  // namespace
}  // namespace saring
