#include <gtest/gtest.h>

#include "saring/core/error.hpp"
#include "saring/spam/reporter_state.hpp"

namespace saring {
namespace {

TEST(ReporterState, CountsReportsInTheWindow) {
  ReporterStateOptions o;
  o.flood_window_seconds = 600;
  ReporterState s(o);
  for (int i = 0; i < 10; ++i) s.record_report("u1", 1000 + 60 * i);  // 1000 .. 1540
  s.record_report("u2", 1200);
  EXPECT_EQ(s.activity("u1", 1540).recent_reports, 10u);
  EXPECT_EQ(s.activity("u1", 2000).recent_reports, 3u);  // (1400, 2000]: 1420, 1480, 1540
  EXPECT_EQ(s.activity("u1", 900).recent_reports, 0u);
  EXPECT_EQ(s.activity("nobody", 1500).recent_reports, 0u);
  EXPECT_EQ(s.activity("", 1500).recent_reports, 0u);
  s.record_report("u1", 1010);  // out of order
  EXPECT_EQ(s.activity("u1", 1540).recent_reports, 11u);
  EXPECT_EQ(s.reporters(), 2u);
}

TEST(ReporterState, ModerationTallyFillsContext) {
  ReporterState s;
  for (int i = 0; i < 4; ++i) s.record_moderation("u1", i != 0);
  SpamContext ctx;
  s.record_report("u1", 100);
  s.fill_context("u1", 100, ctx);
  EXPECT_EQ(ctx.reporter_judged, 4u);
  EXPECT_EQ(ctx.reporter_rejected, 3u);
  EXPECT_EQ(ctx.reporter_recent, 1u);
}

TEST(ReporterState, PruneForgetsOldTimes) {
  ReporterState s;
  s.record_report("a", 0);
  s.record_report("b", 0);
  s.record_moderation("b", true);
  s.prune(100000);
  EXPECT_EQ(s.reporters(), 1u);  // b keeps its moderation history
  EXPECT_EQ(s.activity("b", 100000).judged, 1u);
}

TEST(ReporterState, CapsRememberedTimes) {
  ReporterStateOptions o;
  o.max_times_per_reporter = 5;
  ReporterState s(o);
  for (int i = 0; i < 50; ++i) s.record_report("u", i);
  EXPECT_EQ(s.activity("u", 49).recent_reports, 5u);
}

TEST(ReporterState, SerializeRoundTrip) {
  ReporterState s;
  s.record_report("u1", -5);
  s.record_report("u1", 7);
  s.record_moderation("u1", true);
  s.record_moderation("u2", false);
  const std::string text = s.serialize();
  const ReporterState back = ReporterState::deserialize(text);
  EXPECT_EQ(back.serialize(), text);
  EXPECT_EQ(back.activity("u1", 7).recent_reports, 2u);
  EXPECT_EQ(back.activity("u1", 7).rejected, 1u);
}

TEST(ReporterState, DeserializeRejectsBadInput) {
  for (const char* bad : {"", "nope\n", "saring-reporter-state 1\nu1\t1\n", "saring-reporter-state 1\nu1\t1\t2\t\n",
                          "saring-reporter-state 1\nu1\tx\t0\t\n", "saring-reporter-state 1\nu1\t1\t0\t5,3\n",
                          "saring-reporter-state 1\n\t1\t0\t\n"}) {
    try {
      ReporterState::deserialize(bad);
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kCorrupt) << bad;
    }
  }
}

TEST(ReporterStateOptions, Validate) {
  ReporterStateOptions o;
  o.flood_window_seconds = 0;
  EXPECT_THROW(ReporterState{o}, Error);
}

}  // namespace
}  // namespace saring
