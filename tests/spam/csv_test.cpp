#include <gtest/gtest.h>

#include "saring/core/error.hpp"
#include "saring/spam/csv.hpp"
#include "saring/spam/metrics.hpp"
#include "saring/spam/training.hpp"

namespace saring {
namespace {

TEST(Csv, QuotedFieldsEscapesAndNewlines) {
  const CsvTable t = parse_csv("text,label\r\n\"a, b\",1\r\n\"say \"\"hi\"\"\",0\n\"two\nlines\",1\nplain,0");
  ASSERT_EQ(t.header, (std::vector<std::string>{"text", "label"}));
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.rows[0][0], "a, b");
  EXPECT_EQ(t.rows[1][0], "say \"hi\"");
  EXPECT_EQ(t.rows[2][0], "two\nlines");
  EXPECT_EQ(t.rows[3][0], "plain");
  EXPECT_EQ(t.column("label"), 1u);
  EXPECT_EQ(t.column("0"), 0u);
}

TEST(Csv, EmptyFieldsBomAndBlankLines) {
  const CsvTable t = parse_csv("\xEF\xBB\xBF" "a,b,c\n,,\n\"\",x,\n\n1,2,3\n");
  EXPECT_EQ(t.header[0], "a");
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"", "", ""}));
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"", "x", ""}));
}

TEST(Csv, OtherDelimiterAndNoHeader) {
  CsvOptions o;
  o.delimiter = ';';
  o.header = false;
  const CsvTable t = parse_csv("a;\"b;c\"\n", o);
  EXPECT_TRUE(t.header.empty());
  EXPECT_EQ(t.rows[0][1], "b;c");
}

TEST(Csv, MalformedInputIsAParseErrorWithTheLine) {
  auto expect_error = [](std::string_view csv, ErrorCode code, std::string_view where) {
    try {
      parse_csv(csv);
      ADD_FAILURE() << "accepted: " << csv;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), code) << csv;
      EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
    }
  };
  expect_error("a,b\n\"open,1\n", ErrorCode::kParse, "line 2");
  expect_error("a,b\n\"x\"y,1\n", ErrorCode::kParse, "after a closing quote");
  expect_error("a,b\n1,2\n3\n", ErrorCode::kParse, "line 3");
  expect_error("a,b\nx\"y,1\n", ErrorCode::kParse, "quote inside");
  CsvOptions small;
  small.max_bytes = 4;
  EXPECT_THROW(parse_csv("a,b\n1,2\n", small), Error);
  EXPECT_THROW(parse_csv("a\n1\n").column("missing"), Error);
  EXPECT_THROW(read_csv_file("/nonexistent.csv"), Error);
}

TEST(LabeledTexts, ZeroOneOrNamedSpamLabels) {
  const CsvTable t = parse_csv("teks,label\nhalo,0\npromo,1\nundian,2\n");
  EXPECT_THROW(labeled_texts_from_csv(t, "teks", "label"), Error);  // '2' is not 0/1
  const LabeledTexts d = labeled_texts_from_csv(t, "teks", "label", {"1", "2"});
  EXPECT_EQ(d.labels, (std::vector<int>{0, 1, 1}));
  EXPECT_EQ(d.texts[2], "undian");
  const LabeledTexts only_fraud = labeled_texts_from_csv(t, "0", "1", {"1"});
  EXPECT_EQ(only_fraud.labels, (std::vector<int>{0, 1, 0}));
  EXPECT_THROW(labeled_texts_from_csv(t, "text", "label"), Error);
}

TEST(StratifiedFolds, KeepClassBalance) {
  std::vector<int> labels(100, 0);
  for (int i = 0; i < 30; ++i) labels[static_cast<std::size_t>(i)] = 1;
  const std::vector<int> f = stratified_folds(labels, 5, 7);
  for (int k = 0; k < 5; ++k) {
    int pos = 0, all = 0;
    for (std::size_t i = 0; i < f.size(); ++i) {
      if (f[i] == k) {
        ++all;
        pos += labels[i];
      }
    }
    EXPECT_EQ(all, 20);
    EXPECT_EQ(pos, 6);
  }
  EXPECT_EQ(f, stratified_folds(labels, 5, 7));
  EXPECT_THROW(stratified_folds(labels, 1), Error);
}

TEST(Metrics, RocAucAndF1) {
  EXPECT_DOUBLE_EQ(roc_auc({0, 0, 1, 1}, {0.1, 0.4, 0.35, 0.8}), 0.75);
  EXPECT_DOUBLE_EQ(roc_auc({0, 1}, {0.5, 0.5}), 0.5);  // ties count half
  const BinaryMetrics m = binary_metrics({0, 0, 1, 1, 1}, {0.2, 0.6, 0.7, 0.9, 0.1});
  EXPECT_EQ(m.true_positives, 2u);
  EXPECT_EQ(m.false_positives, 1u);
  EXPECT_NEAR(m.precision, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(m.recall, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(m.f1, 2.0 / 3.0, 1e-12);
  EXPECT_THROW(roc_auc({1, 1}, {0.1, 0.2}), Error);
  EXPECT_THROW(roc_auc({1}, {0.1, 0.2}), Error);
}

}  // namespace
}  // namespace saring
