// submit from many threads: every call gets a verdict, equal ids get equal verdicts, the journal
// replays to the same verdicts, and duplicates always point at reports committed before them.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>

#include "filter/filter_test_util.hpp"
#include "saring/filter/filter.hpp"

namespace saring {
namespace {

TEST(FilterConcurrent, ManyThreadsSubmitAndFeedback) {
  const std::string dir = test::fresh_dir("concurrent");
  FilterOptions o;
  o.journal.sync = "always";  // group commit across the threads
  o.journal.snapshot_every = 150;
  constexpr int kThreads = 4, kPerThread = 250;
  std::vector<std::pair<Report, ReportFeatures>> input;
  for (int i = 0; i < kThreads * kPerThread; ++i) {
    Report r = test::make_report("r" + std::to_string(i), "2026-10-01T00:00:00+07:00", -6.2 + 0.0004 * (i % 13),
                                 106.8 + 0.0004 * (i % 11), "sampah", "sampah menumpuk " + std::to_string(i % 4),
                                 "u" + std::to_string(i % 17));
    r.time.unix += i * 60;
    input.push_back({r, test::with_pdq(test::flip_bits(test::random_hash(i % 23), i % 5))});
  }
  std::mutex mu;
  std::map<std::string, std::vector<Verdict>> got;
  {
    Filter f(o, dir);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int k = 0; k < kPerThread; ++k) {
          // Each thread also submits a neighbour's report: concurrent same-id submits.
          for (int i : {t * kPerThread + k, ((t + 1) % kThreads) * kPerThread + k}) {
            const Verdict v = f.submit(input[i].first, input[i].second);
            std::lock_guard lock(mu);
            got[v.id].push_back(v);
          }
          if (k % 50 == 49) f.feedback({FeedbackAction::kConfirm, input[t * kPerThread + k].first.id});
          if (k % 20 == 0) (void)f.stats();
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(f.stats().retained_reports, input.size());
    for (const auto& [id, vs] : got) {
      for (const auto& v : vs) EXPECT_EQ(v, vs.front()) << id;
      EXPECT_EQ(f.verdict_of(id), vs.front());
      if (vs.front().duplicate_of) EXPECT_TRUE(f.verdict_of(*vs.front().duplicate_of));
    }
  }
  Filter reopened(o, dir);
  for (const auto& [id, vs] : got) EXPECT_EQ(reopened.verdict_of(id), vs.front()) << id;
  EXPECT_EQ(reopened.stats().retained_reports, input.size());
}

}  // namespace
}  // namespace saring
