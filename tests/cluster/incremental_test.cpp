#include "saring/cluster/incremental.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <iostream>
#include <map>
#include <set>

#include "cluster/cluster_test_util.hpp"
#include "saring/core/error.hpp"

namespace saring {
namespace {

// Batch labels (nearest-core rule) over what the clusterer holds must group points the same way.
void expect_equals_batch(const IncrementalClusterer& c, const std::string& step) {
  const auto pts = c.points();
  DbscanOptions o = c.options();
  o.border = BorderRule::kNearestCore;
  const auto batch = dbscan(std::span<const ClusterPoint>(pts), o);
  const auto inc = c.labels();
  std::vector<std::int64_t> got;
  for (const auto& [id, label] : inc) got.push_back(label);
  ASSERT_EQ(pts.size(), inc.size());
  ASSERT_TRUE(test::same_partition(batch, got)) << step;
  std::set<std::int64_t> distinct;
  for (auto l : got)
    if (l >= 0) distinct.insert(l);
  ASSERT_EQ(distinct.size(), c.cluster_count()) << step;
}

struct Scenario {
  std::uint32_t seed;
  double eps_m;
  int min_pts;
  std::optional<std::int64_t> eps_time;
  bool by_category;
  double lat0, lon0, span, sigma;
};

class IncrementalVsBatch : public ::testing::TestWithParam<Scenario> {};

TEST_P(IncrementalVsBatch, AfterEveryInsertAndExpiry) {
  const Scenario sc = GetParam();
  DbscanOptions o;
  o.eps_m = sc.eps_m;
  o.min_pts = sc.min_pts;
  o.eps_time_s = sc.eps_time;
  o.same_category = sc.by_category;
  IncrementalClusterer c(o);
  const auto pts = test::blob_points(700, sc.seed, sc.lat0, sc.lon0, sc.span, sc.sigma, 6, 2, 4 * 3600);
  std::mt19937_64 rng(sc.seed * 7919);
  std::deque<std::string> held;
  std::size_t next = 0;
  int step = 0;
  std::map<ClusterEventKind, int> seen;
  auto note = [&](const std::vector<ClusterEvent>& events) {
    for (const auto& e : events) ++seen[e.kind];
  };
  while (next < pts.size() || !held.empty()) {
    const auto r = rng() % 10;
    std::string what;
    if (next < pts.size() && (r < 6 || held.size() < 20)) {
      note(c.insert(pts[next]));
      held.push_back(pts[next].id);
      what = "insert " + pts[next].id;
      ++next;
    } else if (r < 8 || next == pts.size()) {
      note(c.expire_oldest());
      held.pop_front();
      what = "expire oldest";
    } else {
      // Remove a random held point (out of order).
      const std::size_t k = rng() % held.size();
      note(c.remove(held[k]));
      what = "remove " + held[k];
      held.erase(held.begin() + static_cast<std::ptrdiff_t>(k));
    }
    ASSERT_EQ(c.size(), held.size());
    expect_equals_batch(c, "step " + std::to_string(step) + ": " + what);
    ++step;
  }
  EXPECT_EQ(c.cluster_count(), 0u);
  // The sequence exercised every kind of change, not only growth.
  EXPECT_GT(seen[ClusterEventKind::kCreated], 3);
  EXPECT_GT(seen[ClusterEventKind::kMerged], 0);
  EXPECT_GT(seen[ClusterEventKind::kSplit], 0);
  EXPECT_GT(seen[ClusterEventKind::kDissolved], 0);
  std::cout << "events: created " << seen[ClusterEventKind::kCreated] << " merged " << seen[ClusterEventKind::kMerged]
            << " split " << seen[ClusterEventKind::kSplit] << " dissolved " << seen[ClusterEventKind::kDissolved]
            << "\n";
}

INSTANTIATE_TEST_SUITE_P(
    Randomised, IncrementalVsBatch,
    ::testing::Values(Scenario{11, 40, 3, std::nullopt, false, -6.2, 106.8, 0.01, 0.0003},
                      Scenario{2, 30, 5, std::nullopt, false, -6.2, 106.8, 0.006, 0.0002},
                      Scenario{3, 80, 2, std::nullopt, false, -6.2, 106.8, 0.02, 0.0005},
                      Scenario{4, 50, 4, 3600, false, -6.2, 106.8, 0.008, 0.0003},
                      Scenario{5, 60, 3, 5400, true, -6.2, 106.8, 0.008, 0.0003},
                      Scenario{6, 25, 3, std::nullopt, false, 89.999, 0.0, 0.004, 0.0004},     // pole
                      Scenario{7, 100, 3, std::nullopt, false, 0.0, 179.9995, 0.004, 0.0004}, // antimeridian
                      Scenario{8, 50, 1, std::nullopt, false, -6.2, 106.8, 0.005, 0.0002},
                      Scenario{9, 150, 4, std::nullopt, false, -6.2, 106.8, 0.004, 0.0003}));  // dense: many seeds

TEST(Incremental, TimeWindowExpiry) {
  DbscanOptions o;
  o.eps_m = 50;
  o.min_pts = 3;
  IncrementalClusterer c(o);
  const auto pts = test::blob_points(600, 42, -6.2, 106.8, 0.01, 0.0003, 5, 1, 0);
  for (std::size_t i = 0; i < pts.size(); ++i) {
    ClusterPoint p = pts[i];
    p.time = static_cast<std::int64_t>(i) * 10;  // one report every 10 s, one-hour window
    c.expire_before(p.time - 3600);
    c.insert(p);
    ASSERT_LE(c.size(), 361u);
    if (i % 25 == 0) expect_equals_batch(c, "at " + std::to_string(i));
  }
  EXPECT_EQ(c.size(), 361u);
}

TEST(Incremental, IncidentIdsAreStableAndMergesKeepTheOldest) {
  DbscanOptions o;
  o.eps_m = 20;
  o.min_pts = 2;
  IncrementalClusterer c(o);
  const double step = 15.0 / kEarthRadiusM * 180.0 / M_PI;  // 15 m north
  // Cluster A at 0, 1; cluster B at 4, 5 (positions in steps along a meridian).
  auto at = [&](const std::string& id, int k) { return c.insert({id, -6.2 + k * step, 106.8, 0, ""}); };
  auto e = at("a0", 0);
  EXPECT_TRUE(e.empty());
  e = at("a1", 1);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, ClusterEventKind::kCreated);
  const std::int64_t a = e[0].incident;
  at("b0", 4);
  e = at("b1", 5);
  ASSERT_EQ(e.size(), 1u);
  const std::int64_t b = e[0].incident;
  EXPECT_NE(a, b);
  // Growing B (many points) does not change either id.
  for (int i = 0; i < 10; ++i) at("b" + std::to_string(i + 2), 5);
  EXPECT_EQ(c.incident_of("a0"), a);
  EXPECT_EQ(c.incident_of("b7"), b);
  // A bridge at 2.5 steps (37.5 m) is not enough; points at 2 and 3 join A and B.
  at("x2", 2);
  e = at("x3", 3);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, ClusterEventKind::kMerged);
  EXPECT_EQ(e[0].incident, a);  // A was founded first, although B is larger
  EXPECT_EQ(e[0].others, std::vector<std::int64_t>{b});
  EXPECT_EQ(c.incident_of("b11"), a);
  EXPECT_EQ(c.cluster_count(), 1u);
  // Removing the bridge splits it again: the larger part (B's points) keeps the id.
  e = c.remove("x3");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e.back().kind, ClusterEventKind::kSplit);
  EXPECT_EQ(e.back().incident, a);
  ASSERT_EQ(e.back().others.size(), 1u);
  EXPECT_EQ(c.incident_of("b3"), a);
  EXPECT_EQ(c.incident_of("a0"), e.back().others[0]);
  EXPECT_EQ(c.cluster_count(), 2u);
  EXPECT_TRUE(c.remove("x2").empty());  // a0, a1 stay core together
  // Dissolving: remove a1, cluster of a0 has a single point left.
  e = c.remove("a1");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, ClusterEventKind::kDissolved);
  EXPECT_EQ(c.incident_of("a0"), -1);
  EXPECT_FALSE(c.is_core("a0"));
  EXPECT_TRUE(c.is_core("b3"));
}

TEST(Incremental, BadInput) {
  DbscanOptions o;
  IncrementalClusterer c(o);
  c.insert({"a", 1, 1, 0, ""});
  EXPECT_THROW(c.insert({"a", 1, 1, 0, ""}), Error);
  EXPECT_THROW(c.insert({"b", NAN, 1, 0, ""}), Error);
  EXPECT_THROW(c.insert({"b", 1, -181, 0, ""}), Error);
  EXPECT_EQ(c.size(), 1u);
  try {
    c.remove("zzz");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
  EXPECT_THROW(c.incident_of("zzz"), Error);
  c.expire_oldest();
  EXPECT_EQ(c.size(), 0u);
  EXPECT_TRUE(c.expire_oldest().empty());
  DbscanOptions bad;
  bad.min_pts = 0;
  EXPECT_THROW(IncrementalClusterer{bad}, Error);
}

}  // namespace
}  // namespace saring
