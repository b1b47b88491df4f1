// Readers (scoring) and one writer (commit) at once: run under ThreadSanitizer in CI.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "saring/spam/model.hpp"
#include "saring/spam/reporter_state.hpp"

namespace saring {
namespace {

TEST(ReporterStateConcurrent, ReadersAndWriterDoNotRace) {
  ReporterState state;
  std::atomic<bool> done{false};
  std::atomic<std::size_t> seen{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      while (!done.load()) {
        SpamContext ctx;
        state.fill_context("u" + std::to_string(r), 1'000'000, ctx);
        seen.fetch_add(ctx.reporter_recent > 0 ? 1 : 0);
      }
    });
  }
  for (int i = 0; i < 3000; ++i) {
    state.record_report("u" + std::to_string(i % 3), 1'000'000 - i % 100);
    if (i % 7 == 0) state.record_moderation("u" + std::to_string(i % 3), i % 2 == 0);
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(state.activity("u0", 1'000'000).recent_reports, 256u);  // capped at max_times_per_reporter
}

TEST(ScoreSpamConcurrent, ScoringFromManyThreadsAgrees) {
  const SpamModel model = SpamModel::train({"promo gratis klik link", "jalan rusak parah", "diskon hadiah transfer",
                                            "sampah menumpuk di kali"},
                                           {1, 0, 1, 0});
  const std::vector<std::string> texts = {"promo diskon hari ini", "lampu jalan mati", "hadiah gratis klik",
                                          "banjir di perumahan"};
  std::vector<double> expected;
  for (const auto& t : texts) expected.push_back(score_spam(t, {}, &model).probability);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        const std::size_t j = static_cast<std::size_t>(i) % texts.size();
        if (score_spam(texts[j], {}, &model).probability != expected[j]) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace saring
