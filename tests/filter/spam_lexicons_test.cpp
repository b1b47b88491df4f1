// The filter's spam.lexicons: own word lists reach the rules and the model, from a config file
// (relative to it), and a model or snapshot trained with other lists is a named error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "filter/filter_test_util.hpp"
#include "saring/core/error.hpp"
#include "saring/core/json.hpp"
#include "saring/filter/filter.hpp"
#include "saring/filter/options.hpp"
#include "saring/spam/model.hpp"
#include "saring/spam/training.hpp"

namespace saring {
namespace {

using test::fresh_dir;
using test::make_report;

// "zorblat" is a promo word and "xq" slang for "gratis" in these lists; neither is built in.
void write_lists(const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/slang_id.tsv") << "xq\tgratis\n";
  std::ofstream(dir + "/promo_id.txt") << "zorblat\nhadiah\n";
  std::ofstream(dir + "/money_id.txt") << "rekening\n";
  std::ofstream(dir + "/abuse_id.txt") << "bangsat\n";
}

bool has(const Verdict& v, const std::string& code) {
  for (const auto& r : v.reasons) {
    if (r.code == code) return true;
  }
  return false;
}

ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::kInternal;  // did not throw
}

TEST(FilterSpamLexicons, ConfiguredListsReachTheRulesAndTheModel) {
  const std::string root = fresh_dir("filter_lexicons");
  write_lists(root + "/lists");
  {
    std::ofstream(root + "/saring.json") << R"({"spam": {"lexicons": "lists"}, "journal": {"sync": "none"}})";
  }
  const FilterOptions o = load_filter_options(root + "/saring.json");
  EXPECT_EQ(o.spam.lexicons, root + "/lists");  // relative to the config file
  const Report r = make_report("p1", "2026-10-01T08:00:00+07:00", -6.2, 106.8, "sampah", "zorblat zorblat untuk semua");
  Filter own(o);
  FilterOptions plain;
  plain.journal.sync = "none";
  Filter builtin(plain);
  EXPECT_TRUE(has(own.submit(r), "SPAM_PROMO_WORDS"));
  EXPECT_FALSE(has(builtin.submit(r), "SPAM_PROMO_WORDS"));

  // A model trained with the lists loads only with them.
  const LabeledTexts d = labeled_texts_from_csv(
      read_csv_file(std::string(SARING_TEST_DATA_DIR) + "/spam/reports_labeled.csv"), "text", "label");
  SpamTrainOptions t;
  t.lexicons = SpamLexicons::load_dir(root + "/lists");
  SpamModel::train(d.texts, d.labels, t).save(root + "/model.bin");
  FilterOptions with_model = o;
  with_model.spam.model = root + "/model.bin";
  FilterOptions model_only = plain;
  model_only.spam.model = root + "/model.bin";
  EXPECT_EQ(code_of([&] { Filter f(model_only); }), ErrorCode::kInvalidArgument);

  // Persisted: the snapshot's model (as feedback updated it) reloads with the lists, and a
  // reopen configured without them is refused rather than scoring with folded-differently text.
  const std::string state = root + "/state";
  std::string first;
  {
    Filter f(with_model, state);
    first = verdict_to_json(f.submit(r));
    f.feedback({FeedbackAction::kRejectSpam, "p1"});
    f.snapshot();
  }
  {
    Filter again(with_model, state);
    EXPECT_EQ(verdict_to_json(*again.verdict_of("p1")), first);
    EXPECT_TRUE(has(again.submit(make_report("p2", "2026-10-01T09:00:00+07:00", -6.25, 106.85, "sampah", "xq zorblat")),
                    "SPAM_PROMO_WORDS"));
  }
  FilterOptions without = plain;
  try {
    Filter f(without, state);
    FAIL() << "a snapshot model trained with other lists was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
    EXPECT_NE(std::string(e.what()).find("snapshot.bin"), std::string::npos) << e.what();
  }
  // A missing list directory is a clear error naming it.
  FilterOptions missing = plain;
  missing.spam.lexicons = root + "/nope";
  try {
    Filter f(missing);
    FAIL() << "a missing lexicon directory was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace saring
