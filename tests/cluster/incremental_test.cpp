#include "saring/cluster/incremental.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <iostream>
#include <map>
#include <random>
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
  double snap = 0;  // > 0: coordinates rounded to multiples of this (exact duplicates)
  int blobs = 6;
};

// Follows the events: which incidents are live, and where the incident of a core point may have
// gone in one step (through merges into the survivor and splits into the new parts).
struct EventModel {
  std::set<std::int64_t> live;
  void apply(const std::vector<ClusterEvent>& events) {
    for (const auto& e : events) {
      switch (e.kind) {
        case ClusterEventKind::kCreated:
          ASSERT_TRUE(live.insert(e.incident).second) << "created twice: " << e.incident;
          break;
        case ClusterEventKind::kMerged:
          ASSERT_TRUE(live.count(e.incident)) << "merge into a dead incident " << e.incident;
          for (auto o : e.others) ASSERT_EQ(live.erase(o), 1u) << "merged a dead incident " << o;
          break;
        case ClusterEventKind::kSplit:
          ASSERT_TRUE(live.count(e.incident)) << "split of a dead incident " << e.incident;
          for (auto o : e.others) ASSERT_TRUE(live.insert(o).second) << "split into a live incident " << o;
          break;
        case ClusterEventKind::kDissolved:
          ASSERT_EQ(live.erase(e.incident), 1u) << "dissolved a dead incident " << e.incident;
          break;
      }
    }
  }
  static bool reachable(std::int64_t from, std::int64_t to, const std::vector<ClusterEvent>& events) {
    std::set<std::int64_t> can{from};
    for (const auto& e : events) {
      if (e.kind == ClusterEventKind::kMerged) {
        for (auto o : e.others)
          if (can.count(o)) can.insert(e.incident);
      } else if (e.kind == ClusterEventKind::kSplit && can.count(e.incident)) {
        can.insert(e.others.begin(), e.others.end());
      }
    }
    return can.count(to) != 0;
  }
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
  auto pts = test::blob_points(700, sc.seed, sc.lat0, sc.lon0, sc.span, sc.sigma, sc.blobs, 2, 4 * 3600);
  std::mt19937_64 rng(sc.seed * 7919);
  std::deque<std::string> held;
  std::size_t next = 0;
  int step = 0;
  std::map<ClusterEventKind, int> seen;
  auto note = [&](const std::vector<ClusterEvent>& events) {
    for (const auto& e : events) ++seen[e.kind];
  };
  if (sc.snap > 0)
    for (auto& p : pts) {
      p.lat = std::round(p.lat / sc.snap) * sc.snap;
      p.lon = std::round(p.lon / sc.snap) * sc.snap;
    }
  EventModel model;
  std::map<std::string, std::int64_t> core_incident;  // incident of each core point after the last step
  while (next < pts.size() || !held.empty()) {
    const auto r = rng() % 10;
    std::string what;
    std::vector<ClusterEvent> events;
    if (next < pts.size() && (r < 6 || held.size() < 20)) {
      events = c.insert(pts[next]);
      held.push_back(pts[next].id);
      what = "insert " + pts[next].id;
      ++next;
    } else if (r < 8 || next == pts.size()) {
      events = c.expire_oldest();
      held.pop_front();
      what = "expire oldest";
    } else {
      // Remove a random held point (out of order).
      const std::size_t k = rng() % held.size();
      events = c.remove(held[k]);
      what = "remove " + held[k];
      held.erase(held.begin() + static_cast<std::ptrdiff_t>(k));
    }
    note(events);
    const std::string where = "step " + std::to_string(step) + ": " + what;
    ASSERT_EQ(c.size(), held.size());
    expect_equals_batch(c, where);
    // Events account for every incident, and a core point changes incident only as they say.
    model.apply(events);
    if (::testing::Test::HasFatalFailure()) return;
    std::set<std::int64_t> present;
    std::map<std::string, std::int64_t> now;
    for (const auto& [id, label] : c.labels()) {
      if (label >= 0) present.insert(label);
      if (c.is_core(id)) now[id] = label;
    }
    ASSERT_EQ(present, model.live) << where;
    for (const auto& [id, label] : now) {
      auto it = core_incident.find(id);
      if (it != core_incident.end() && it->second != label)
        ASSERT_TRUE(EventModel::reachable(it->second, label, events))
            << where << ": core " << id << " moved from " << it->second << " to " << label << " unannounced";
    }
    core_incident.swap(now);
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
                      Scenario{9, 150, 4, std::nullopt, false, -6.2, 106.8, 0.004, 0.0003},  // dense: many seeds
                      // Blobs far narrower than eps: most cells hold min_pts points or more (all
                      // core without counting), and cells flip between dense and sparse as points
                      // come and go.
                      Scenario{12, 60, 3, std::nullopt, false, -6.2, 106.8, 0.004, 0.00004},
                      Scenario{13, 40, 8, std::nullopt, false, -6.2, 106.8, 0.0012, 0.0001},
                      Scenario{14, 60, 4, 1800, false, -6.2, 106.8, 0.004, 0.00005},
                      Scenario{15, 60, 3, 3600, true, -6.2, 106.8, 0.004, 0.00005},
                      Scenario{16, 50, 3, std::nullopt, true, -6.2, 106.8, 0.003, 0.00005},
                      // Coordinates snapped to a ~11 m lattice: exact duplicates and equal spacings.
                      Scenario{17, 30, 5, std::nullopt, false, -6.2, 106.8, 0.002, 0.0001, 0.0001, 3},
                      Scenario{18, 25, 4, std::nullopt, false, -6.2, 106.8, 0.003, 0.0002, 0.0001, 4},
                      Scenario{19, 60, 2, 900, false, 0.0, 179.9995, 0.003, 0.00005},  // antimeridian, dense
                      Scenario{20, 20, 6, std::nullopt, false, 89.9982, 10.0, 0.003, 0.00005, 0, 12}));  // near the pole, dense

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

TEST(Incremental, SpaceTimeWindowDense) {
  // ST-DBSCAN over a sliding time window on dense blobs with two categories: the cells are keyed
  // by time bucket and category too, and buckets come and go as the window moves.
  DbscanOptions o;
  o.eps_m = 40;
  o.min_pts = 4;
  o.eps_time_s = 120;
  o.same_category = true;
  IncrementalClusterer c(o);
  const auto pts = test::blob_points(1500, 77, -6.2, 106.8, 0.002, 0.00004, 4, 2, 0);
  for (std::size_t i = 0; i < pts.size(); ++i) {
    ClusterPoint p = pts[i];
    p.time = static_cast<std::int64_t>(i) * 7 - 5000;  // negative times too: buckets floor correctly
    c.expire_before(p.time - 900);
    c.insert(p);
    if (i % 10 == 0) expect_equals_batch(c, "at " + std::to_string(i));
  }
  EXPECT_GT(c.cluster_count(), 0u);
}

TEST(Incremental, RoamingWindowDropsEmptyCells) {
  // A small window moving along a 500 km wiggly path, two reports every 5 m (eps 4 m: neighbours
  // come from the jitter): every few reports touch a new block, so empty blocks
  // pile up and are dropped in one pass (more than 65,536 of them), which must not change any
  // label.
  DbscanOptions o;
  o.eps_m = 4;
  o.min_pts = 3;
  IncrementalClusterer c(o);
  std::mt19937_64 rng(5);
  std::normal_distribution<double> jitter(0.0, 1.5e-5);
  const double step = 5.0 / kEarthRadiusM * 180.0 / M_PI;
  for (int i = 0; i < 200000; ++i) {
    const double lat = -6.2 + std::sin(i * 1e-4) * 0.05 + jitter(rng);
    const double lon = 100.0 + (i / 2) * step + jitter(rng);  // two reports per position
    c.insert({"r" + std::to_string(i), lat, lon, i, ""});
    if (c.size() > 60) c.expire_oldest();
    if (i % 97 == 0 || i == 199999) expect_equals_batch(c, "at " + std::to_string(i));
  }
}

TEST(Incremental, SpaceTimeWindowDropsBlocksWithLongNearLists) {
  // With a time radius a block has up to 81 blocks around it (three time buckets), more than fit
  // in the block itself, so its list moves to the heap. Here 31 reports per 31 s bucket land in
  // one 200 m square, so many blocks around are present in each of three buckets; the 100 s
  // window moves on in time, and when the empty blocks of past buckets are dropped (more than
  // 65,536 of them) long lists are cut back, some below the inline size and some not (checked
  // with a scratch counter: 4 and 7 of them). No label may change.
  DbscanOptions o;
  o.eps_m = 50;
  o.min_pts = 3;
  o.eps_time_s = 30;
  IncrementalClusterer c(o);
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> off(0.0, 200.0 / kEarthRadiusM * 180.0 / M_PI);
  for (int i = 0; i < 220000; ++i) {
    c.expire_before(i - 100);
    c.insert({"r" + std::to_string(i), -6.2 + off(rng), 106.8 + off(rng), i, ""});
    if (i % 53 == 0 || i == 219999) expect_equals_batch(c, "at " + std::to_string(i));
  }
  EXPECT_EQ(c.size(), 101u);
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

TEST(Incremental, IdsSurviveChurn) {
  // The id table is open addressing with deletion by backward shift: heavy churn in a small and in
  // a growing table (wrapping probe runs, rehashes) must keep every held id findable and forget
  // every removed one.
  DbscanOptions o;
  o.eps_m = 30;
  o.min_pts = 2;
  IncrementalClusterer c(o);
  std::mt19937_64 rng(99);
  std::vector<std::string> held;
  std::set<std::string> gone;
  std::uniform_real_distribution<double> lat(-6.21, -6.19), lon(106.79, 106.81);
  for (int i = 0; i < 20000; ++i) {
    const std::string id = "id-" + std::to_string(rng() % 1000000) + "-" + std::to_string(i);
    c.insert({id, lat(rng), lon(rng), i, ""});
    held.push_back(id);
    gone.erase(id);
    // Hold 50 ids for the first half, then grow to a few thousand.
    const std::size_t cap = i < 10000 ? 50 : 4000;
    while (held.size() > cap || (rng() % 3 == 0 && !held.empty())) {
      const std::size_t k = rng() % held.size();
      c.remove(held[k]);
      gone.insert(held[k]);
      held[k] = held.back();
      held.pop_back();
    }
    if (i % 1000 == 999) {
      ASSERT_EQ(c.size(), held.size());
      for (const auto& h : held) ASSERT_TRUE(c.contains(h)) << h;
      for (const auto& g : gone) ASSERT_FALSE(c.contains(g)) << g;
      EXPECT_THROW(c.incident_of(*gone.begin()), Error);
    }
  }
  for (const auto& h : held) c.remove(h);
  EXPECT_EQ(c.size(), 0u);
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
  DbscanOptions tiny;
  tiny.eps_m = 1e-7;  // below the 1e-6 m the cells need
  EXPECT_THROW(IncrementalClusterer{tiny}, Error);
  tiny.eps_m = 1e-6;
  tiny.min_pts = 2;
  IncrementalClusterer smallest(tiny);
  smallest.insert({"x", 1, 1, 0, ""});
  smallest.insert({"y", 1, 1, 0, ""});  // identical coordinates are neighbours at any radius
  EXPECT_EQ(smallest.incident_of("x"), smallest.incident_of("y"));
  EXPECT_NE(smallest.incident_of("x"), -1);
}

}  // namespace
}  // namespace saring
